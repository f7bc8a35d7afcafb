"""The standard evaluation never drops participants silently: those att_gt leaves out to balance
the panel (an outcome missing in some year, as R did does by default) are a line of the sample
flow."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from outcomelab.evaluation.standard import run_evaluation
from outcomelab.vocabulary.phrases import in_language, phrase


@pytest.fixture(scope="module")
def gappy_submission(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example submission with the primary outcome of 7 participants missing in 2016."""
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("gappy")
    generate_example(folder, n_participants=120, n_pool=300, seed=3)
    outcomes = pd.read_csv(folder / "outcomes.csv", dtype={"person_id": str})
    people = pd.read_csv(folder / "participants.csv", dtype={"person_id": str})
    gaps = people.loc[people["group"] == "participant", "person_id"].head(7)
    hole = (
        outcomes["person_id"].isin(gaps)
        & (outcomes["outcome_code"] == "employment")
        & (outcomes["period"] == 2016)
    )
    outcomes[~hole].to_csv(folder / "outcomes.csv", index=False)
    return folder


def test_participants_dropped_to_balance_the_panel_are_in_the_flow(
    gappy_submission: Path,
) -> None:
    lang = "sv"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ev = run_evaluation({"data_dir": str(gappy_submission), "lang": lang, "seed": 1})
    assert ev.setup.primary == "employment"
    assert any("Dropped 7 of" in str(w.message) for w in caught)
    flow = ev.flow
    # the flow keeps the reason as a language-neutral phrase; the table writes it in words
    assert [(d.stage, d.reason, d.count) for d in flow.dropped] == [
        ("analysed", phrase("r_incomplete_years"), 7)
    ]
    reason = in_language(phrase("r_incomplete_years"), lang)
    assert reason and reason != "r_incomplete_years"
    assert flow.analysed == flow.eligible - 7
    assert ev.estimates.did["employment"].n_incomplete == 7
    assert reason in flow.table(lang).to_string()
