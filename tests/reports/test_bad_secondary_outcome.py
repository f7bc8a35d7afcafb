"""Issue 14: one bad secondary outcome (constant, or recorded for only 20 participants) must not
stop the report: that outcome is marked not estimable with the reason in words, the rest of the
report is produced."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import EstimationError
from outcomelab.evaluation import run_evaluation

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def submission(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with two bad secondary outcomes added: reoffending is 0 for everyone in every
    year; psychiatric inpatient days are recorded for 20 participants only."""
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("bad_secondary")
    generate_example(folder, n_participants=200, n_pool=800, seed=11)
    outcomes = pd.read_csv(folder / "outcomes.csv", dtype={"value": float})
    grid = outcomes.loc[outcomes["outcome_code"] == "employment", ["person_id", "period"]]
    constant = grid.assign(outcome_code="reoffending", value=0.0)
    participants = pd.read_csv(folder / "participants.csv")
    few = participants.loc[participants["group"] == "participant", "person_id"].head(20)
    sparse = grid[grid["person_id"].isin(few)].assign(
        outcome_code="psychiatric_inpatient_days",
        value=np.random.default_rng(1).integers(0, 30, size=int(grid["person_id"].isin(few).sum())),
    )
    pd.concat([outcomes, constant, sparse]).to_csv(folder / "outcomes.csv", index=False)
    return folder


def _record(results: dict, code: str) -> dict:  # type: ignore[type-arg]
    return next(o for o in results["outcomes"] if o["code"] == code)


def test_the_report_is_produced_with_the_bad_outcomes_marked(
    submission: Path, tmp_path: Path
) -> None:
    from outcomelab.reports import evaluate

    run = evaluate(data=submission, out=tmp_path / "report", lang="sv", params={"seed": 3})
    results = json.loads(run.results_json.read_text(encoding="utf-8"))
    primary = _record(results, "employment")
    assert primary["primary"] and primary["estimate"] is not None and primary["error"] is None
    constant = _record(results, "reoffending")
    assert constant["verdict"] == "not_estimable" and constant["estimate"] is None
    assert "samma värde (0) för alla som analyserades" in constant["error"]
    sparse = _record(results, "psychiatric_inpatient_days")
    assert sparse["verdict"] == "not_estimable" and sparse["p_value_holm"] is None
    assert "finns bara för 20 av de" in sparse["error"]
    # the other secondary outcomes are estimated and Holm-adjusted among themselves
    others = [o for o in results["outcomes"] if not o["primary"] and o["error"] is None]
    assert len(others) == 3 and all(o["p_value_holm"] is not None for o in others)
    page = run.html.read_text(encoding="utf-8")
    assert "kan inte skattas" in page
    assert "Effekten på återfall i brott kunde inte skattas" in page
    assert "Traceback" not in page and "TypeError" not in page


def test_matching_marks_them_too_and_keeps_its_sample(submission: Path) -> None:
    ev = run_evaluation({"data_dir": str(submission), "lang": "en", "design": "matching"})
    found = {o.code: o for o in ev.estimates.outcomes}
    assert found["employment"].effect is not None
    assert "the same value (0) for everyone analysed" in ev.text(found["reoffending"].error or "")
    assert "recorded for only 20 of the" in ev.text(found["psychiatric_inpatient_days"].error or "")
    # the 20-person outcome did not shrink the matched sample to 20 participants
    assert ev.estimates.primary.n_treated is not None and ev.estimates.primary.n_treated > 100
    assert ev.robustness and ev.valuation is not None


def test_a_bad_primary_outcome_is_still_an_error_with_the_reason(submission: Path) -> None:
    with pytest.raises(EstimationError, match=r"primary outcome .*cannot be estimated.*same value"):
        run_evaluation(
            {"data_dir": str(submission), "lang": "en", "primary_outcome": "reoffending"}
        )
