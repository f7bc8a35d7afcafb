"""A report without costs shows no net value; a matching report shows how many matches were ties.

Before issue 10, a submission without costs was valued with costs of 0: the section showed a net
present value equal to the returns, which reads as "profitable at no cost". Now the section says
that costs are missing and shows the returns in total and per participant only. The matching
diagnostics say how many pairs the tie rule decided (``MatchResult.n_tied``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomelab.evaluation import run_evaluation

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory):
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("no_costs")
    generate_example(folder, n_participants=200, n_pool=800, seed=11)
    Path(folder / "costs.csv").unlink()
    return run_evaluation({"data_dir": str(folder), "lang": "sv", "design": "matching"})


def test_without_costs_the_section_says_so_and_shows_no_net_value(evaluation) -> None:
    from outcomelab.reports import render

    assert evaluation.valuation.costs_submitted is False
    assert evaluation.valuation.result is not None
    text = render.section_economics(evaluation)
    assert "inga kostnader" in text
    assert "Nettonuvärde" not in text and "Avkastning, nuvärde" in text
    economics = evaluation.results()["economics"]
    assert economics["costs_submitted"] is False
    assert economics["npv_sek"] is None and economics["bcr"] is None
    assert economics["break_even"] == []
    assert all("npv_sek" not in row and "pv_returns_sek" in row for row in economics["payers"])


def test_matching_diagnostics_count_the_ties(evaluation) -> None:
    from outcomelab.reports import render

    matched = evaluation.estimates.matching.estimate.matched
    record = evaluation.results()["diagnostics"]["matching"]
    assert record == {
        "n_treated": matched.n_treated,
        "n_control": matched.n_control,
        "n_tied": matched.n_tied,
    }
    text = render.section_diagnostics(evaluation)
    assert f"parade {matched.n_treated} deltagare" in text
    if matched.n_tied:
        assert f"I {matched.n_tied} av paren" in text
    else:
        assert "inget par avgjordes av lika avstånd" in text
