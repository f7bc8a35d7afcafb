"""att_gt's overlap diagnostic: the Kish effective size of each cell's propensity-weighted
comparison group, and the warning below the share where simulated coverage falls short."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import att_gt
from outcomelab.did.att_gt import WEAK_OVERLAP_SHARE
from outcomelab.did.drdid_core import kish_ess


def _panel(shift: float, n: int = 600, seed: int = 4) -> pd.DataFrame:
    """Cohorts 2003/2005/never; the covariate's mean is +shift / -shift / 0 by cohort."""
    rng = np.random.default_rng(seed)
    years = np.arange(2001, 2007)
    g = rng.choice([0, 2003, 2005], size=n, p=[0.4, 0.3, 0.3])
    x = rng.normal(size=n) + np.select([g == 2003, g == 2005], [shift, -shift], 0.0)
    y = rng.normal(size=(n, years.size)) + 0.4 * x[:, None] * (years - 2001)
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), years.size),
            "year": np.tile(years, n),
            "g": np.repeat(g, years.size),
            "x": np.repeat(x, years.size),
            "y": y.ravel(),
        }
    )


ARGS = {"outcome": "y", "unit": "id", "time": "year", "cohort": "g", "covariates": ["x"]}


def test_kish_ess() -> None:
    assert kish_ess(np.ones(10)) == pytest.approx(10.0)
    assert kish_ess(np.array([1.0, 0.0, 0.0, 0.0])) == pytest.approx(1.0)
    assert kish_ess(np.array([3.0, 1.0])) == pytest.approx(16 / 10)


def test_share_is_the_kish_size_of_the_odds_weights() -> None:
    data = _panel(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # this draw has weak overlap in two cells
        res = att_gt(data, **ARGS)
    cell = next(o for o in res.diagnostics["overlap"] if o["cell"] == "ATT(2003,2004)")
    # the same sample by hand: cohort 2003 against the never treated, logit of D on x
    from outcomelab.numerics import fit_binomial

    units = data.drop_duplicates("id")
    sample = units[units["g"].isin([0, 2003])]
    d = (sample["g"] == 2003).to_numpy(float)
    xi = np.column_stack([np.ones(len(sample)), sample["x"].to_numpy()])
    ps = fit_binomial(xi, d).score
    odds = (ps / (1 - ps))[d == 0]
    assert cell["n_comparison"] == int((d == 0).sum())
    assert cell["ess_comparison"] == pytest.approx(kish_ess(odds), rel=1e-8)
    assert cell["ess_share"] == pytest.approx(kish_ess(odds) / (d == 0).sum(), rel=1e-8)


def test_weak_overlap_warns_and_good_overlap_does_not() -> None:
    with pytest.warns(UserWarning, match="Weak overlap"):
        weak = att_gt(_panel(1.5), **ARGS)
    shares = [o["ess_share"] for o in weak.diagnostics["overlap"]]
    assert min(shares) < WEAK_OVERLAP_SHARE
    assert any(note.startswith("Weak overlap") for note in weak.notes)
    good = att_gt(_panel(0.3), **ARGS)
    assert min(o["ess_share"] for o in good.diagnostics["overlap"]) > WEAK_OVERLAP_SHARE
    assert not any(note.startswith("Weak overlap") for note in good.notes)
    # without covariates the weights do not vary: every share is 1
    plain = att_gt(_panel(1.5), **{**ARGS, "covariates": None})
    assert {round(o["ess_share"], 12) for o in plain.diagnostics["overlap"]} == {1.0}
