"""parse_personnummer against the independent `personnummer` library (stored fixture)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from outcomelab.identity import parse_personnummer

CASE = Path(__file__).resolve().parents[1] / "reference" / "personnummer_library"


def test_same_verdict_and_long_form_as_the_personnummer_library():
    cases = pd.read_csv(CASE / "cases.csv", dtype=str, keep_default_na=False)
    assert len(cases) == 600
    theirs_valid = (cases["valid"] == "true").to_numpy()
    assert 0.5 < theirs_valid.mean() < 0.95  # the fixture exercises both outcomes
    ours = parse_personnummer(cases["input"], reference_date="2026-11-27")
    assert (ours["valid"].to_numpy() == theirs_valid).all()
    same_form = ours["canonical"].fillna("").to_numpy() == cases["long_format"].to_numpy()
    assert same_form[theirs_valid].all()
