"""Synthetic control's permutation test says when it cannot tell.

A treated unit inside the donors' convex hull is reproduced exactly before the start, so its
post/pre RMSPE ratio divides by rounding error and its rank means nothing: no p-value
then (the municipal example's case with all pre-period outcomes as predictors). A treated unit
outside the hull keeps the usual permutation p-value.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from outcomelab.synth import synthetic_control


def _panel(inside: bool, effect: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    years = np.arange(2000, 2016)
    donors = 0.5 + rng.normal(0, 0.05, (30, 1)) + rng.normal(0, 0.02, (30, len(years)))
    if inside:  # a convex combination of three donors: reproduced exactly
        treated = donors[[2, 7, 11]].T @ np.array([0.5, 0.3, 0.2])
    else:  # above every donor in every year: outside the hull
        treated = donors.max(axis=0) + 0.05
    treated = treated + np.where(years >= 2010, effect, 0.0)
    y = np.vstack([donors, treated])
    units = [f"u{i:02d}" for i in range(31)]
    return pd.DataFrame(
        {
            "unit": np.repeat(units, len(years)),
            "year": np.tile(years, 31),
            "y": y.ravel(),
            "cohort": np.repeat([0] * 30 + [2010], len(years)),
        }
    )


def _fit(data: pd.DataFrame):  # type: ignore[no-untyped-def]
    return synthetic_control(
        data, outcome="y", unit="unit", time="year", cohort="cohort", v="equal"
    )


def test_exact_pre_fit_gives_no_p_value() -> None:
    for effect in (0.0, 0.1):  # ranks first with or without an effect
        res = _fit(_panel(inside=True, effect=effect))
        assert res.diagnostics["exact_pre_fit"] is True
        assert res.diagnostics["pre_rmspe"] < 1e-9
        if effect:
            assert res.placebos["ratio"].iloc[0] > 1e6  # a division by rounding error
        assert math.isnan(res.p_value)
        assert any("cannot tell" in n for n in res.notes)
    assert abs(_fit(_panel(inside=True, effect=0.1)).estimate - 0.1) < 1e-8


def test_treated_outside_the_hull_keeps_the_permutation_p_value() -> None:
    res = _fit(_panel(inside=False, effect=0.1))
    assert res.diagnostics["exact_pre_fit"] is False
    kept = res.placebos[res.placebos["kept"]]
    expected = float((kept["ratio"] >= kept["ratio"].iloc[0]).mean())
    assert res.p_value == expected
    assert 0 < res.p_value <= 1
