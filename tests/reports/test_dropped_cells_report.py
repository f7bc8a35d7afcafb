"""Group-time effects the DiD could not estimate are named in the report's diagnostics (a sentence
and a short list, in words) and in results.json: here a start cohort whose birth years no
comparison person shares fails R did's overlap guard in every year."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from outcomelab.evaluation.standard import Evaluation, run_evaluation
from outcomelab.reports.render import section_diagnostics
from outcomelab.reports.results_json import validate_results
from outcomelab.vocabulary.texts import t


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("separated")
    generate_example(folder, n_participants=160, n_pool=400, seed=3)
    people = pd.read_csv(folder / "participants.csv", dtype=str)
    start = pd.to_datetime(people["start_date"], errors="coerce").dt.year
    # the comparison pool is born 1990-2005: nobody resembles the 2022 cohort born in 1955
    people.loc[(people["group"] == "participant") & (start == 2022), "birth_year"] = "1955"
    people.to_csv(folder / "participants.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_evaluation({"data_dir": str(folder), "lang": "sv", "seed": 1})


def test_cells_failing_overlap_are_named_in_the_report(evaluation: Evaluation) -> None:
    dropped = evaluation.diagnostics.dropped_cells
    assert dropped
    assert {c.cohort for c in dropped} == {2022}
    assert {c.kind for c in dropped} == {"no_overlap"}
    years = sorted(c.period for c in dropped)
    html = str(section_diagnostics(evaluation))
    assert t("dg_dropped_cells", "sv", n=len(dropped)) in html
    line = t(
        "dg_dropped_cell",
        "sv",
        cohort=2022,
        period=f"{years[0]}–{years[-1]}",
        reason=t("dg_dropped_no_overlap", "sv"),
    )
    assert f"<li>{line}</li>" in html


def test_results_json_lists_them(evaluation: Evaluation) -> None:
    results = evaluation.results()
    validate_results(results)
    listed = results["diagnostics"]["dropped_cells"]
    assert listed == [
        {"cohort": c.cohort, "period": c.period, "kind": "no_overlap"}
        for c in evaluation.diagnostics.dropped_cells
    ]


def test_english_words_exist() -> None:
    reason = t("dg_dropped_no_observations", "en")
    line = t("dg_dropped_cell", "en", cohort=2006, period="2005", reason=reason)
    assert line.startswith("start cohort 2006 in 2005:")
