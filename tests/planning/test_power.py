"""Closed-form power equals statsmodels' power functions; the DiD variance factor holds in data."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from outcomelab.errors import ParameterError
from outcomelab.example.planned import generate_planned_panel
from outcomelab.planning import (
    DESIGN_TEMPLATE,
    assess,
    design_from_dict,
    did_variance_factor,
    power_two_group,
    solve_effect_size,
    solve_treated,
)

CASES = [(0.2, 50, 50), (0.5, 20, 35), (0.3, 108, 2000), (0.1, 400, 400), (0.8, 5, 300)]


@pytest.mark.parametrize(("d", "n1", "n0"), CASES)
def test_power_equals_statsmodels(d: float, n1: int, n0: int) -> None:
    ratio = n0 / n1
    t = TTestIndPower().power(effect_size=d, nobs1=n1, alpha=0.05, ratio=ratio)
    z = NormalIndPower().power(effect_size=d, nobs1=n1, alpha=0.05, ratio=ratio)
    assert power_two_group(d, n1, n0) == pytest.approx(t, abs=1e-10)
    assert power_two_group(d, n1, n0, test="z") == pytest.approx(z, abs=1e-10)


@pytest.mark.parametrize(("d", "n1", "n0"), CASES)
def test_minimum_detectable_effect_equals_statsmodels_solve_power(
    d: float, n1: int, n0: int
) -> None:
    ratio = n0 / n1
    for test, peer in (("t", TTestIndPower()), ("z", NormalIndPower())):
        expected = peer.solve_power(effect_size=None, nobs1=n1, alpha=0.05, power=0.8, ratio=ratio)
        assert solve_effect_size(n1, n0, test=test) == pytest.approx(expected, abs=1e-5)


def test_sample_size_equals_statsmodels_for_a_fixed_ratio() -> None:
    """With ``ratio`` the comparison group grows with the treated group, as in solve_power."""
    expected = TTestIndPower().solve_power(
        effect_size=0.3, nobs1=None, alpha=0.05, power=0.8, ratio=1.0
    )
    assert solve_treated(0.3, 1e9, ratio=1.0) == pytest.approx(expected, abs=1e-4)


def test_sample_size_with_a_fixed_pool_and_an_unreachable_effect() -> None:
    n = solve_treated(0.3, 500)
    assert n is not None
    assert power_two_group(0.3, n, 500) == pytest.approx(0.8, abs=1e-8)
    # a pool of 20 cannot show d = 0.3 with 80 % power however many participants there are
    assert solve_treated(0.3, 20) is None


def test_did_minimum_detectable_effect_is_statsmodels_on_the_change_scale() -> None:
    """2x2 DiD: the MDE is sigma sqrt(2 (1 - icc)) times the two-group standardised MDE."""
    design = design_from_dict(yaml.safe_load(DESIGN_TEMPLATE))
    result = assess(design)
    n1, n0 = design.participants, design.comparison_pool
    d = TTestIndPower().solve_power(None, nobs1=n1, alpha=0.05, power=0.8, ratio=n0 / n1)
    sigma = np.sqrt(0.35 * 0.65)
    assert result.mde == pytest.approx(d * sigma * np.sqrt(2 * (1 - 0.5)), abs=1e-6)


def test_variance_factor_matches_mckenzie() -> None:
    assert did_variance_factor(1, 1, 0.3) == pytest.approx(1.4)
    assert did_variance_factor(3, 2, 0.5) == pytest.approx((1 + 2 * 0.5) / 3 + 1.5 / 2 - 1.0)
    with pytest.raises(ParameterError):
        did_variance_factor(0, 1, 0.5)


@pytest.mark.parametrize(("kind", "icc"), [("binary", 0.3), ("continuous", 0.6)])
def test_variance_factor_holds_in_simulated_panels(kind: str, icc: float) -> None:
    """Known truth: the SD of a unit's before-after change is sigma sqrt(2 (1 - icc)), and the
    correlation between two periods is icc, in the planned-panel generator."""
    panel = generate_planned_panel(
        n_per_cohort=10,
        cohorts=1,
        periods_before=1,
        periods_after=1,
        n_comparison=40_000,
        kind=kind,
        effect=0.0,
        icc=icc,
        base_rate=0.3,
        mean=10.0,
        sd=4.0,
        seed=3,
    )
    wide = panel[panel["cohort"] == 0].pivot(index="unit", columns="period", values="y")
    first, last = wide.iloc[:, 0], wide.iloc[:, -1]
    sigma = np.sqrt(0.3 * 0.7) if kind == "binary" else 4.0
    assert np.corrcoef(first, last)[0, 1] == pytest.approx(icc, abs=0.02)
    assert (last - first).std() == pytest.approx(sigma * np.sqrt(2 * (1 - icc)), rel=0.03)


def test_bad_sizes_and_levels_are_parameter_errors() -> None:
    with pytest.raises(ParameterError, match="at least one unit"):
        power_two_group(0.2, 0, 10)
    with pytest.raises(ParameterError, match="`alpha`"):
        power_two_group(0.2, 10, 10, alpha=0)
    with pytest.raises(ParameterError, match="`test`"):
        power_two_group(0.2, 10, 10, test="f")
