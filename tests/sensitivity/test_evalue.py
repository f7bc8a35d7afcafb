"""E-values against VanderWeele & Ding (2017) and the paper's conversion formulas."""

from __future__ import annotations

import json
import math

import pytest

from outcomelab.errors import ParameterError
from outcomelab.results import EffectResult
from outcomelab.sensitivity import e_value, e_value_for_effect, e_value_rr


def test_published_example() -> None:
    # VanderWeele & Ding (2017), Ann Intern Med 167:268, worked example: RR 3.9 (95% CI 1.8-8.7)
    # -> E-value 7.26 for the estimate and 3.0 for the lower limit (two decimals in the paper).
    ev = e_value(3.9, conf_low=1.8, conf_high=8.7)
    assert ev.point == pytest.approx(7.26, abs=0.005)
    assert ev.ci == pytest.approx(3.00, abs=0.005)
    json.dumps(ev.to_dict())
    assert "7.26" in ev.interpretation()


def test_protective_ratio_uses_inverse_and_upper_limit() -> None:
    ev = e_value(0.8, conf_low=0.71, conf_high=0.91)
    assert ev.point == pytest.approx(e_value_rr(1 / 0.8), rel=1e-12)
    assert ev.ci == pytest.approx(e_value_rr(1 / 0.91), rel=1e-12)
    assert e_value_rr(1.0) == 1.0


def test_interval_including_null_gives_one() -> None:
    assert e_value(1.3, conf_low=0.9, conf_high=1.9).ci == 1.0
    assert e_value(0.7, conf_low=0.4, conf_high=1.2).ci == 1.0
    assert "includes no effect" in e_value(1.3, conf_low=0.9, conf_high=1.9).interpretation()


def test_conversions() -> None:
    # common-outcome OR -> sqrt(OR); continuous: exp(0.91 d); binary RD: (p0 + RD) / p0
    assert e_value(4.0, measure="OR", rare=False).rr == pytest.approx(2.0)
    assert e_value(4.0, measure="OR").rr == pytest.approx(4.0)
    hr = e_value(2.0, measure="HR", rare=False).rr
    assert hr == pytest.approx((1 - 0.5 ** math.sqrt(2)) / (1 - 0.5 ** math.sqrt(0.5)))
    assert 1 < hr < 2
    md = e_value(5.0, conf_low=1.0, conf_high=9.0, measure="MD", outcome_sd=10.0)
    assert md.rr == pytest.approx(math.exp(0.91 * 0.5))
    assert md.rr_low == pytest.approx(math.exp(0.91 * 0.1))
    assert md.ci == pytest.approx(e_value_rr(math.exp(0.091)))
    rd = e_value(-0.1, conf_low=-0.15, conf_high=-0.05, measure="RD", control_risk=0.4)
    assert rd.rr == pytest.approx(0.3 / 0.4)
    assert rd.ci == pytest.approx(e_value_rr(0.4 / 0.35))


def test_for_effect_result() -> None:
    res = EffectResult.from_estimate(2.0, 0.5, n_treated=100, n_control=100, method="x",
                                     estimand="ATT")  # fmt: skip
    ev = e_value_for_effect(res, outcome_sd=4.0)
    assert ev.rr == pytest.approx(math.exp(0.91 * 0.5))
    # symmetric interval: exp(0.91 d - 1.78 se_d) as in the EValue package (0.91 * 1.96 = 1.78)
    assert ev.rr_low == pytest.approx(math.exp(0.91 * 0.5 - 0.91 * 1.959964 * 0.125), rel=1e-6)
    with pytest.raises(ParameterError, match="exactly one"):
        e_value_for_effect(res)


def test_errors() -> None:
    with pytest.raises(ParameterError, match="outcome_sd"):
        e_value(1.0, measure="MD")
    with pytest.raises(ParameterError, match="control_risk"):
        e_value(0.1, measure="RD", control_risk=1.2)
    with pytest.raises(ParameterError, match="positive"):
        e_value(-2.0)
    with pytest.raises(ParameterError, match="above"):
        e_value(2.0, conf_low=3.0, conf_high=1.5)
    with pytest.raises(ParameterError, match="measure"):
        e_value(2.0, measure="XX")  # type: ignore[arg-type]
