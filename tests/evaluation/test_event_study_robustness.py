"""The Sun-Abraham and imputation rows of the standard report's robustness table (persons,
staggered start cohorts): the same numbers as direct calls, shown with a sentence in words."""

from __future__ import annotations

import numpy as np
import pytest

from outcomelab.did import imputation, sun_abraham
from outcomelab.evaluation import Evaluation, run_evaluation
from outcomelab.reports.render import section_robustness


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("event-study-robustness")
    generate_example(folder, n_participants=300, n_pool=1500, seed=11)
    return run_evaluation({"data_dir": str(folder), "lang": "sv"})


def test_rows_equal_direct_calls_at_the_follow_up(evaluation: Evaluation) -> None:
    setup = evaluation.setup
    assert setup.persons.loc[setup.persons["cohort"] > 0, "cohort"].nunique() >= 2
    rows = {r.method: r for r in evaluation.robustness}
    args = {"outcome": setup.primary, "unit": "unit", "time": "period", "cohort": "cohort"}
    for method, estimator in (("sun_abraham", sun_abraham), ("imputation", imputation)):
        row = rows[method]
        assert row.error is None and row.effect is not None
        direct = estimator(setup.panel, **args).at_event_time(setup.event_time)
        for key in ("estimate", "std_error", "conf_low", "conf_high", "p_value"):
            np.testing.assert_allclose(getattr(row.effect, key), getattr(direct, key), rtol=1e-12)
        entry = row.to_dict("sv")
        assert (
            entry["label"]
            == {
                "sun_abraham": "Annan skattning: Sun–Abraham",
                "imputation": "Annan skattning: imputation (Borusyak m.fl.)",
            }[method]
        )
        assert entry["n_treated"] == direct.n_treated > 0


def test_table_and_sentence(evaluation: Evaluation) -> None:
    page = section_robustness(evaluation)
    assert "Sun–Abraham" in page and "imputation (Borusyak m.fl.)" in page
    main = evaluation.outcome_records()[0]
    others = [r.effect for r in evaluation.robustness if r.method in ("sun_abraham", "imputation")]
    agree = all(main["conf_low"] <= e.estimate <= main["conf_high"] for e in others if e)
    expected = "så slutsatsen beror inte på" if agree else "Läs resultatet med försiktighet"
    assert expected in page


def test_aggregate_units_get_no_rows() -> None:
    from outcomelab.evaluation.robustness import _event_study_checks

    class Weighted:  # an aggregate-unit setup: persons weighted
        weight = "population"

    assert _event_study_checks(Weighted()) == []  # type: ignore[arg-type]
