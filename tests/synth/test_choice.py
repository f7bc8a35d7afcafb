"""The design rule for aggregate-unit interventions."""

from __future__ import annotations

import pytest

from outcomelab.errors import EmptyGroupError
from outcomelab.example.municipal import municipal_panel
from outcomelab.synth import choose_aggregate_design

ARGS = {"outcome": "employment", "unit": "municipality", "time": "year", "cohort": "cohort"}


def test_few_treated_gets_synthetic_did() -> None:
    panel, _ = municipal_panel(n_treated=2, seed=1)
    choice = choose_aggregate_design(panel, **ARGS)
    assert (choice.design, choice.reason, choice.n_treated, choice.n_donors) == (
        "sdid",
        "few_treated_with_donors",
        2,
        288,
    )


def test_many_treated_gets_att_gt() -> None:
    panel, _ = municipal_panel(n_treated=8, seed=1)
    assert choose_aggregate_design(panel, max_few=5, **ARGS).design == "att_gt"


def test_no_donors_gets_its() -> None:
    panel, _ = municipal_panel(n_treated=1, seed=1)
    treated = panel.loc[panel["cohort"] > 0, "municipality"].iloc[0]
    keep = panel["municipality"].isin([treated, "0114", "0115"])
    choice = choose_aggregate_design(panel[keep], **ARGS)
    assert (choice.design, choice.reason, choice.n_donors) == ("its", "no_donors", 2)
    # a donor with a gap in its series does not count
    gappy = panel[~((panel["municipality"] != treated) & (panel["year"] == 2010))]
    assert choose_aggregate_design(gappy, **ARGS).reason == "no_donors"


def test_nobody_treated() -> None:
    panel, _ = municipal_panel(n_treated=1, seed=1)
    with pytest.raises(EmptyGroupError):
        choose_aggregate_design(panel.assign(cohort=0), **ARGS)
