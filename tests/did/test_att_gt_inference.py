"""att_gt inference: multiplier bootstrap, uniform bands, Gram-matrix aggregation, result API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from outcomelab.did import GroupTimeResult, att_gt, event_study_plot
from outcomelab.did.aggregation import _combine
from outcomelab.did.bootstrap import gaussian_uniform_critical_value, multiplier_bootstrap
from outcomelab.did.influence import LinearInfluence
from outcomelab.errors import InputError

matplotlib.use("Agg")

REF = Path(__file__).parents[1] / "reference" / "mpdta"
ARGS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}


@pytest.fixture(scope="module")
def mpdta(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    return reference_table("mpdta/mpdta.csv")


@pytest.fixture(scope="module")
def result(mpdta: pd.DataFrame) -> GroupTimeResult:
    return att_gt(mpdta, **ARGS)


def test_bootstrap_standard_errors_close_to_analytic(mpdta: pd.DataFrame) -> None:
    analytic = att_gt(mpdta, **ARGS)
    boot = att_gt(mpdta, **ARGS, bootstrap=999, seed=11)
    ratio = boot.tidy()["std_error"] / analytic.tidy()["std_error"]
    # 999 draws: the IQR-based SE has a Monte Carlo error of roughly 4%; allow 15%
    assert ratio.between(0.85, 1.15).all(), ratio.tolist()
    assert boot.estimate == analytic.estimate  # the bootstrap does not move point estimates
    dyn = boot.aggregate("dynamic")
    dyn_an = analytic.aggregate("dynamic")
    assert dyn.std_error == pytest.approx(dyn_an.std_error, rel=0.15)
    # uniform critical value: above the pointwise 1.96, below Bonferroni for 7 terms (2.69)
    assert 1.96 < dyn.critical_value < 2.9
    assert dyn.critical_value == pytest.approx(dyn_an.critical_value, abs=0.25)


def test_bootstrap_is_reproducible_with_a_seed(mpdta: pd.DataFrame) -> None:
    a = att_gt(mpdta, **ARGS, bootstrap=199, seed=3)
    b = att_gt(mpdta, **ARGS, bootstrap=199, seed=3)
    c = att_gt(mpdta, **ARGS, bootstrap=199, seed=4, bootstrap_weights="rademacher")
    pd.testing.assert_frame_equal(a.tidy(), b.tidy())
    assert not np.allclose(a.tidy()["std_error"], c.tidy()["std_error"])


def test_multiplier_bootstrap_recovers_known_standard_error() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    psi = rng.normal(size=(n, 3)) * np.array([1.0, 2.0, 0.5])
    for kind in ("mammen", "rademacher"):
        se, crit = multiplier_bootstrap(
            psi, iterations=2000, alpha=0.05, rng=np.random.default_rng(1), weights=kind
        )
        np.testing.assert_allclose(se, np.array([1.0, 2.0, 0.5]) / np.sqrt(n), rtol=0.08)
        # independent terms: sup-t critical value for 3 terms is about 2.39
        assert crit == pytest.approx(2.39, abs=0.12)


def test_gaussian_uniform_critical_value() -> None:
    rng = np.random.default_rng(2)
    assert gaussian_uniform_critical_value(np.eye(1), alpha=0.05, rng=rng) == pytest.approx(
        1.96, 1e-3
    )
    # perfectly correlated terms behave like one
    assert gaussian_uniform_critical_value(np.ones((4, 4)), alpha=0.05, rng=rng) == pytest.approx(
        1.96, abs=0.03
    )
    assert gaussian_uniform_critical_value(np.eye(10), alpha=0.05, rng=rng) == pytest.approx(
        2.80, abs=0.05
    )


def test_gram_aggregation_equals_materialised_influence(result: GroupTimeResult) -> None:
    state = result.state
    assert state is not None
    pg = np.array([np.mean(state.unit_cohort == g) for g in state.group])
    _, lin = _combine(state, state.group <= state.time, pg)
    psi = lin.materialise(state)
    var_direct = float(psi[:, 0] @ psi[:, 0]) / state.n_units**2
    assert lin.covariance(state)[0, 0] == pytest.approx(var_direct, rel=1e-10)
    both = LinearInfluence.stack([lin, lin])
    np.testing.assert_allclose(both.covariance(state), var_direct, rtol=1e-10)


def test_universal_base_reports_zero_reference_cells(mpdta: pd.DataFrame) -> None:
    res = att_gt(mpdta, **ARGS, base_period="universal")
    tab = res.tidy()
    ref = tab[tab.time == tab.base_period]
    assert sorted(zip(ref.group, ref.time, strict=True)) == [
        (2004, 2003),
        (2006, 2005),
        (2007, 2006),
    ]
    assert (ref.estimate == 0).all() and ref.std_error.isna().all()
    # post-treatment cells are identical to the varying base (same base period g - 1)
    var = att_gt(mpdta, **ARGS).tidy()
    post_u = tab[tab.post].set_index(["group", "time"])["estimate"]
    post_v = var[var.post].set_index(["group", "time"])["estimate"]
    pd.testing.assert_series_equal(post_u, post_v)


def test_result_api(result: GroupTimeResult) -> None:
    tidy = result.tidy()
    assert list(tidy.columns[:6]) == [
        "term",
        "estimate",
        "std_error",
        "conf_low",
        "conf_high",
        "p_value",
    ]
    assert {"group", "time", "event_time", "post", "cband_low", "cband_high"} <= set(tidy.columns)
    json.dumps(result.to_dict())  # JSON-safe
    json.dumps(result.aggregate("dynamic").to_dict())
    assert "att_gt/dr" in result.summary()
    with pytest.raises(AttributeError):
        result.estimate = 0.0  # type: ignore[misc]
    tidy.loc[0, "estimate"] = 99.0
    assert result.tidy().loc[0, "estimate"] != 99.0
    agg = result.aggregate("group")
    assert agg.tidy()["term"].tolist() == ["g=2004", "g=2006", "g=2007"]
    cal = result.aggregate("calendar")
    assert cal.tidy()["term"].tolist() == ["t=2004", "t=2005", "t=2006", "t=2007"]
    assert result.aggregate("dynamic", min_e=-1, max_e=2).tidy()["event_time"].tolist() == [
        -1,
        0,
        1,
        2,
    ]
    bal = result.aggregate("dynamic", balance_e=1).tidy()
    # only cohorts observed 1 period after treatment (2004, 2006), event times -2..1
    assert bal["event_time"].tolist() == [-2, -1, 0, 1]


def test_plots(result: GroupTimeResult) -> None:
    from matplotlib.figure import Figure

    fig = result.plot()
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3  # one panel per cohort
    dyn = result.aggregate("dynamic")
    fig2 = event_study_plot(dyn)
    ax = fig2.axes[0]
    points = [line for line in ax.lines if line.get_marker() == "o"]
    colours = {matplotlib.colors.to_hex(line.get_color()) for line in points}
    assert len(colours) == 2  # pre and post in different colours
    # markers: 3 pre-treatment + 4 post-treatment event times
    n_points = sum(len(line.get_xdata()) for line in points)
    assert n_points == 7
    assert isinstance(dyn.plot(), Figure)
    assert isinstance(event_study_plot(result), Figure)
    with pytest.raises(InputError, match="needs an event study"):
        event_study_plot(result.aggregate("group"))
    matplotlib.pyplot.close("all")


def test_dynamic_vcov_matches_the_influence_functions(result: GroupTimeResult) -> None:
    """The event-study covariance HonestDiD needs: diagonal = squared SEs, the off-diagonal from
    the materialised influence functions of the event-time terms."""
    dyn = result.aggregate("dynamic")
    assert dyn.vcov is not None
    k = len(dyn.tidy())
    assert dyn.vcov.shape == (k, k)
    np.testing.assert_allclose(np.sqrt(np.diag(dyn.vcov)), dyn.tidy()["std_error"], rtol=1e-12)
    state = result.state
    assert state is not None
    g, t = state.group, state.time
    pg = np.array([state.cohort_share(c) for c in g])
    parts = [_combine(state, (t - g) == e, pg)[1] for e in dyn.tidy()["event_time"]]
    psi = LinearInfluence.stack(parts).materialise(state)
    np.testing.assert_allclose(dyn.vcov, psi.T @ psi / state.n_units**2, rtol=1e-10, atol=1e-16)
    assert result.aggregate("simple").vcov is None
