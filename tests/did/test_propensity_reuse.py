"""The propensity score of a sample is fitted once and reused by later cells and outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt, drdid_core


def _panel(seed: int = 3, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(2014, 2020)
    g = rng.choice([0, 2016, 2018], n, p=[0.5, 0.25, 0.25])
    x = rng.normal(size=n) + 0.3 * (g > 0)
    df = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), len(years)),
            "year": np.tile(years, n),
            "g": np.repeat(g, len(years)),
            "x": np.repeat(x, len(years)),
        }
    )
    treated = (df.g > 0) & (df.year >= df.g)
    df["y1"] = rng.normal(size=len(df)) + 0.5 * df.x + 1.0 * treated
    df["y2"] = rng.normal(size=len(df)) - 0.2 * df.x * (df.year - 2014) + 0.4 * treated
    return df


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the logit fits; start with no kept scores."""
    monkeypatch.setattr(drdid_core, "_scores", type(drdid_core._scores)())
    calls: list[int] = []
    fit = drdid_core.fit_binomial

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return fit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(drdid_core, "fit_binomial", counting)
    return calls


def test_a_second_outcome_reuses_the_scores_and_gives_the_same_numbers(
    fits: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    df = _panel()
    args = {"unit": "id", "time": "year", "cohort": "g", "covariates": ["x"]}
    first = att_gt(df, outcome="y1", **args)
    per_outcome = len(fits)
    assert per_outcome == 2  # one sample per cohort (never-treated comparison, fixed covariates)
    second = att_gt(df, outcome="y2", **args)
    assert len(fits) == per_outcome  # no new fit for the second outcome
    # the same numbers as fitting afresh
    monkeypatch.setattr(drdid_core, "SCORES_KEPT", 0)
    monkeypatch.setattr(drdid_core, "_scores", type(drdid_core._scores)())
    for res, outcome in ((first, "y1"), (second, "y2")):
        fresh = att_gt(df, outcome=outcome, **args)
        pd.testing.assert_frame_equal(res.tidy(), fresh.tidy())
    assert len(fits) == 2 * per_outcome + per_outcome


def test_another_sample_is_fitted_anew(fits: list[int]) -> None:
    df = _panel()
    args = {"outcome": "y1", "unit": "id", "time": "year", "cohort": "g", "covariates": ["x"]}
    att_gt(df, **args)
    n = len(fits)
    att_gt(df, control_group="not_yet_treated", **args)  # other comparison samples
    assert len(fits) > n
    shifted = df.assign(x=df.x + 0.1 * (df.id % 2))  # other covariate values
    before = len(fits)
    att_gt(shifted, **args)
    assert len(fits) == before + 2


def test_kept_scores_are_bounded_and_read_only(fits: list[int]) -> None:
    for seed in range(drdid_core.SCORES_KEPT + 3):
        att_gt(
            _panel(seed, n=200), outcome="y1", unit="id", time="year", cohort="g", covariates=["x"]
        )
    assert len(drdid_core._scores) == drdid_core.SCORES_KEPT
    assert all(not s.flags.writeable for s in drdid_core._scores.values())
    assert len(fits) == 2 * (drdid_core.SCORES_KEPT + 3)  # every panel new: two fits each
