"""synthdid on the municipal example: cohorts, result tables, event study, plots."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from outcomelab.example.municipal import municipal_panel
from outcomelab.synth import SynthResult, synthdid

matplotlib.use("Agg")
ARGS = {"outcome": "employment", "unit": "municipality", "time": "year"}


@pytest.fixture(scope="module")
def staggered() -> tuple[pd.DataFrame, dict]:
    return municipal_panel(n_treated=4, staggered=True, seed=11)


def test_staggered_is_the_share_weighted_mean_of_cohort_fits(
    staggered: tuple[pd.DataFrame, dict],
) -> None:
    panel, truth = staggered
    res = synthdid(panel, cohort="cohort", se="none", **ARGS)
    cohorts = sorted(set(truth["cohorts"].values()))
    assert len(cohorts) == 2
    n_years = panel["year"].nunique()
    parts, shares = [], []
    for c in cohorts:
        sub = panel[(panel["cohort"] == 0) | (panel["cohort"] == c)]
        parts.append(synthdid(sub, cohort="cohort", se="none", **ARGS).estimate)
        n_c = sum(1 for v in truth["cohorts"].values() if v == c)
        shares.append(n_c * (panel["year"].max() + 1 - c))
    expected = np.average(parts, weights=shares)
    assert res.estimate == pytest.approx(expected, rel=1e-12)
    tidy = res.tidy()
    assert list(tidy["term"]) == ["ATT", f"cohort {cohorts[0]}", f"cohort {cohorts[1]}"]
    np.testing.assert_allclose(tidy["estimate"].iloc[1:], parts, rtol=1e-12)
    assert tidy["cohort_share"].iloc[1:].sum() == pytest.approx(1.0)
    assert n_years == 20


def test_staggered_placebo_gives_cohort_standard_errors(
    staggered: tuple[pd.DataFrame, dict],
) -> None:
    panel, _ = staggered
    res = synthdid(panel, cohort="cohort", replications=30, seed=2, **ARGS)
    tidy = res.tidy()
    assert np.isfinite(tidy["std_error"]).all()
    assert (tidy["std_error"] > 0).all()


def test_result_tables_and_json(staggered: tuple[pd.DataFrame, dict]) -> None:
    panel, truth = staggered
    res = synthdid(panel, cohort="cohort", replications=20, seed=1, **ARGS)
    assert isinstance(res, SynthResult)
    w = res.unit_weights
    sums = w.groupby("cohort")["weight"].sum()
    np.testing.assert_allclose(sums, 1.0)
    assert (w["weight"] >= 0).all()
    assert not set(w["unit"]) & set(truth["treated"])
    traj = res.trajectory
    for _, part in traj.groupby("cohort"):
        post = part[part["post"]]
        np.testing.assert_allclose(post["treated"] - post["synthetic"], post["gap"])
    text = json.dumps(res.to_dict())
    assert "unit_weights" in text
    with pytest.raises(AttributeError):
        res.estimate = 0.0  # type: ignore[misc]
    assert not res.replicates.flags.writeable


def test_event_study_and_covariance() -> None:
    panel, _ = municipal_panel(n_treated=3, seed=4)
    res = synthdid(panel, treatment="treated", replications=40, seed=3, **ARGS)
    es = res.event_study
    assert es is not None and res.event_vcov is not None
    assert -1 not in set(es["event_time"])
    assert es["event_time"].min() == -14 and es["event_time"].max() == 5
    cov = res.event_vcov
    assert cov.shape == (len(es), len(es))
    np.testing.assert_allclose(cov, cov.T)
    assert np.linalg.eigvalsh(cov).min() > -1e-12
    # gap relative to the last pre-period, from the trajectory
    traj = res.trajectory.set_index("period")["gap"]
    np.testing.assert_allclose(
        es.set_index("event_time").loc[2, "estimate"], traj.loc[2021] - traj.loc[2018]
    )


def test_plots_draw(staggered: tuple[pd.DataFrame, dict]) -> None:
    panel, _ = staggered
    res = synthdid(panel, cohort="cohort", replications=20, seed=1, **ARGS)
    for fig in (res.plot(), res.plot_weights(), res.plot_replicates()):
        assert fig.axes and fig.axes[0].has_data()
