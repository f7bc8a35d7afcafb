"""Hand-computed cases for outcomelab.economics.value.

The base case: one outcome (sick-leave days, higher is worse); one day more costs the state 1 000
SEK (value_sek = -1000, the unit_values schema's sign), an estimated effect of -2 days per
participant and year (SE 1), 10 participants, 3 years from 2020, 10 % discount rate, 50 000 SEK
municipal cost in 2020.
  yearly return to the state = -2 * (-1000) * 10 = 20 000
  discount factors = 1, 1/1.1 = 0.909091, 1/1.21 = 0.826446 (sum 2.735537)
  PV returns = 20 000 * 2.735537 = 54 710.74; NPV total = 54 710.74 - 50 000 = 4 710.74
"""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from outcomelab.economics import value
from outcomelab.errors import InputError, ParameterError
from outcomelab.results import EffectResult

matplotlib.use("Agg")

CPI = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "kpi": [95.0, 100.0, 110.0, 120.0]})


def _uv(rows: list[tuple[str, str, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome_code": [r[0] for r in rows],
            "payer": [r[1] for r in rows],
            "agency": "",
            "value_sek": [r[2] for r in rows],
            "unit": "unit",
            "price_year": [r[3] for r in rows],
            "source": "test",
            "illustrative": False,
            "notes": "",
        }
    )


UV = _uv([("sick_leave_days", "state", -1000.0, 2020)])
COSTS = pd.DataFrame(
    {"year": [2020], "payer": ["municipality"], "cost_sek": [50_000.0], "price_year": [2020]}
)


def _effect(est: float, se: float) -> EffectResult:
    return EffectResult.from_estimate(
        est, se, n_treated=10, n_control=10, method="test", estimand="ATT"
    )


def _base(**kwargs: object) -> object:
    options: dict[str, object] = {
        "horizon_years": 3,
        "participants": 10,
        "discount_rate": 0.10,
        "cpi": CPI,
        "seed": 3,
        "draws": 2000,
    }
    options.update(kwargs)
    return value({"sick_leave_days": _effect(-2.0, 1.0)}, UV, COSTS, **options)  # type: ignore[arg-type]


def test_npv_bcr_payback_break_even_by_hand() -> None:
    r = _base()
    p = r.payers.set_index("payer")  # type: ignore[attr-defined]
    assert p.loc["state", "pv_returns_sek"] == pytest.approx(54_710.7438, abs=1e-3)
    assert p.loc["municipality", "npv_sek"] == pytest.approx(-50_000.0)
    assert r.npv == pytest.approx(4_710.7438, abs=1e-3)  # type: ignore[attr-defined]
    # BCR = 54 710.74 / 50 000 = 1.094215; ROI = 4 710.74 / 50 000 = 0.094215
    assert r.bcr == pytest.approx(1.094215, abs=1e-6)  # type: ignore[attr-defined]
    assert r.roi == pytest.approx(0.094215, abs=1e-6)  # type: ignore[attr-defined]
    # cumulative discounted net: 2020: -30 000; 2021: -30 000 + 18 181.82 = -11 818.18;
    # 2022: -11 818.18 + 16 528.93 = 4 710.74 -> pays back in 2022
    assert r.payback_year == 2022  # type: ignore[attr-defined]
    assert p.loc["municipality", "payback_year"] is None or np.isnan(
        p.loc["municipality", "payback_year"]
    )
    # break-even scale = 50 000 / 54 710.74 = 0.913897
    assert p.loc["total", "break_even_scale"] == pytest.approx(0.913897, abs=1e-6)
    # break-even effect: PV per unit effect = -1000 * 10 * 2.735537 = -27 355.37;
    # effect needed = 50 000 / -27 355.37 = -1.827795 days
    be = r.break_even.set_index(["outcome", "payer"])  # type: ignore[attr-defined]
    assert be.loc[("sick_leave_days", "total"), "break_even_effect"] == pytest.approx(
        -1.827795, abs=1e-6
    )


def test_flows_year_by_payer() -> None:
    flows = _base().flows  # type: ignore[attr-defined]
    assert flows.index.tolist() == [2020, 2021, 2022]
    np.testing.assert_allclose(flows["state"], [20_000, 20_000, 20_000])
    np.testing.assert_allclose(flows["municipality"], [-50_000, 0, 0])
    np.testing.assert_allclose(flows["total"], [-30_000, 20_000, 20_000])


def test_price_year_deadweight_optimism_bias_persistence() -> None:
    # price year 2021: every amount x 110/100 = 1.1
    r = _base(price_year=2021)
    assert r.npv == pytest.approx(4_710.7438 * 1.1, abs=1e-3)  # type: ignore[attr-defined]
    # deadweight 25 %: returns x 0.75 = 41 033.06; optimism bias 20 %: costs 60 000
    r = _base(deadweight=0.25, optimism_bias=0.2)
    assert r.npv == pytest.approx(54_710.7438 * 0.75 - 60_000, abs=1e-3)  # type: ignore[attr-defined]
    # linear decay over 2 years: weights 1, 0.5, 0 -> 20 000 + 10 000/1.1 = 29 090.91
    r = _base(persistence="linear", decay_years=2)
    p = r.payers.set_index("payer")  # type: ignore[attr-defined]
    assert p.loc["state", "pv_returns_sek"] == pytest.approx(29_090.909, abs=1e-3)
    # effects start in 2021: 20 000/1.1 + 20 000/1.21 = 34 710.74
    r = _base(effect_start_year=2021)
    p = r.payers.set_index("payer")  # type: ignore[attr-defined]
    assert p.loc["state", "pv_returns_sek"] == pytest.approx(34_710.7438, abs=1e-3)


def test_effect_years_and_one_off_outcomes() -> None:
    # the effect counts for one year only: 20 000 in 2020, undiscounted
    r = _base(effect_years={"sick_leave_days": 1})
    p = r.payers.set_index("payer")  # type: ignore[attr-defined]
    assert p.loc["state", "pv_returns_sek"] == pytest.approx(20_000)
    # eligibility is reached once: 0.1 x 60 participants x 130 000 SEK = 780 000, in year 0 only,
    # whatever the horizon
    r = value(
        {"upper_secondary_eligibility": _effect(0.1, 0.05)},
        None,
        None,
        horizon_years=10,
        participants=60,
        start_year=2023,
        draws=0,
    )
    assert r.npv == pytest.approx(780_000)
    assert r.settings["effect_years"] == {"upper_secondary_eligibility": 1}
    with pytest.raises(ParameterError, match="effect_years"):
        _base(effect_years={"sick_leave_days": 0})


def test_direction_and_transfers() -> None:
    # employment (higher is better): +0.1 person-years per participant; state gains 100 000 per
    # person-year, individual gains 50 000, municipality loses 20 000 (a grant it pays to
    # employed people, say)
    uv = _uv(
        [
            ("employment", "state", 100_000.0, 2020),
            ("employment", "individual", 50_000.0, 2020),
            ("employment", "municipality", -20_000.0, 2020),
        ]
    )
    r = value(
        {"employment": _effect(0.1, 0.05)},
        uv,
        None,
        horizon_years=1,
        participants=10,
        start_year=2020,
        cpi=CPI,
        draws=0,
    )
    p = r.payers.set_index("payer")
    # 0.1 * 10 = 1 person-year: state +100 000, individual +50 000, municipality -20 000
    assert p.loc["state", "npv_sek"] == pytest.approx(100_000)
    assert p.loc["municipality", "npv_sek"] == pytest.approx(-20_000)
    assert p.loc["total", "npv_sek"] == pytest.approx(130_000)
    # no costs: no ratio, no payback
    assert np.isnan(p.loc["total", "bcr"])


def test_monte_carlo_interval_matches_analytic_in_a_linear_case() -> None:
    # two correlated outcomes; NPV is linear in the effects, so SD(NPV) = sqrt(c' S c)
    uv = _uv(
        [
            ("sick_leave_days", "state", -1000.0, 2020),
            ("reoffending", "state", -200_000.0, 2020),
            ("reoffending", "society", -100_000.0, 2020),
        ]
    )
    effects = pd.DataFrame(
        {"outcome": ["sick_leave_days", "reoffending"], "estimate": [-2.0, -0.05]}
    ).assign(std_error=[1.0, 0.03])
    cov = pd.DataFrame(
        [[1.0, 0.6 * 1.0 * 0.03], [0.6 * 1.0 * 0.03, 0.03**2]],
        index=effects["outcome"],
        columns=effects["outcome"],
    )
    r = value(
        effects,
        uv,
        COSTS,
        horizon_years=3,
        participants=10,
        discount_rate=0.10,
        covariance=cov,
        cpi=CPI,
        draws=40_000,
        seed=11,
    )
    p = r.payers.set_index("payer").loc["total"]
    # c = PV per unit effect: sick leave -1000*10*2.735537 = -27 355.37;
    # reoffending -300 000*10*2.735537 = -8 206 611.6
    c = np.array([-27_355.3719, -8_206_611.57])
    sd = np.sqrt(c @ cov.to_numpy() @ c)
    assert p["npv_sd"] == pytest.approx(sd, rel=1e-6)
    # Monte Carlo percentile interval against NPV +/- 1.96 SD: tolerance 5 % of the SD
    # (the 2.5 % quantile of 40 000 draws has a standard error of about 0.013 SD)
    assert p["npv_low"] == pytest.approx(p["npv_low_analytic"], abs=0.05 * sd)
    assert p["npv_high"] == pytest.approx(p["npv_high_analytic"], abs=0.05 * sd)
    assert p["prob_ahead"] == pytest.approx(p["prob_ahead_analytic"], abs=0.01)


def test_alpha_sets_the_interval_like_every_estimator() -> None:
    # the same `alpha` as the estimators (no `level=`): 0.10 gives the 90 % interval
    p = _base(alpha=0.10, draws=0).payers.set_index("payer").loc["total"]  # type: ignore[attr-defined]
    half = p["npv_high_analytic"] - p["npv_sek"]
    assert half == pytest.approx(1.6448536 * p["npv_sd"], rel=1e-6)
    label = _base(alpha=0.10).summary_table("en").columns  # type: ignore[attr-defined]
    assert any("(90 %)" in str(c) for c in label)
    with pytest.raises(TypeError, match="level"):
        _base(level=0.95)


def test_seed_reproduces_draws() -> None:
    a = _base(seed=5).payers  # type: ignore[attr-defined]
    b = _base(seed=5).payers  # type: ignore[attr-defined]
    c = _base(seed=6).payers  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["npv_low"], c["npv_low"])


def test_report_tables_figure_and_json() -> None:
    r = _base()
    sv = r.summary_table("sv")  # type: ignore[attr-defined]
    assert sv.iloc[:, 0].tolist() == ["Kommunen", "Staten", "Totalt"]
    assert "Nettonuvärde (kr)" in sv.columns
    assert sv.loc[2, "Återbetalningsår"] == "2022"
    en = r.who_pays_who_gains("en")  # type: ignore[attr-defined]
    assert en["Payer"].tolist() == ["Municipality", "State"]
    assert en["Costs"].tolist() == [50_000.0, 0.0]
    fig = r.plot_who_pays_who_gains("sv")  # type: ignore[attr-defined]
    assert fig.axes[0].get_title() == "Vem betalar och vem får avkastningen?"
    fig = r.plot_cumulative("en")  # type: ignore[attr-defined]
    total = next(line for line in fig.axes[0].get_lines() if line.get_label() == "Total")
    # cumulative discounted net in thousand SEK: -30, -11.82, 4.71 (crosses zero in 2022)
    np.testing.assert_allclose(total.get_ydata(), [-30.0, -11.818182, 4.710744], atol=1e-6)
    d = r.to_dict()  # type: ignore[attr-defined]
    assert json.loads(json.dumps(d))["npv_sek"] == pytest.approx(4_710.7438, abs=1e-3)


def test_bundled_table_marks_illustrative_values() -> None:
    r = value(
        {"out_of_home_care_days": _effect(-20.0, 8.0)},
        None,
        pd.DataFrame(
            {"year": [2023], "payer": ["municipality"], "cost_sek": [1e6], "price_year": [2023]}
        ),
        horizon_years=2,
        participants=60,
        draws=0,
    )
    assert r.uses_illustrative
    assert any("out_of_home_care_days/municipality" in n for n in r.notes)
    assert "illustrativa" in r.illustrative_notice("sv")
    sources = r.unit_value_sources("en")
    assert sources["Illustrative"].tolist() == ["yes"]
    assert sources["Value (SEK, 2023)"].tolist() == [-4500]
    assert _base().illustrative_notice("en") == ""  # type: ignore[attr-defined]
    # -20 days * -4 500 SEK * 60 = 5 400 000 a year; PV = 5.4e6 * (1 + 1/1.035) = 10 617 391
    assert r.payers.set_index("payer").loc["municipality", "pv_returns_sek"] == pytest.approx(
        5_400_000 * (1 + 1 / 1.035), rel=1e-9
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"deadweight": 1.0}, ParameterError, "deadweight"),
        ({"participants": 0}, ParameterError, "participants"),
        ({"horizon_years": 1, "start_year": 2021}, InputError, "outside the appraisal"),
        ({"discount_schedule": "declining"}, ParameterError, "Green Book rates"),
        ({"alpha": 95}, ParameterError, "1 - confidence level"),
    ],
)
def test_errors(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        _base(**kwargs)


def test_declining_schedule_in_value() -> None:
    # 40 years of 20 000 a year to the state under the Green Book schedule: the PV is
    # 20 000 x sum(D_t); D_40 = 1.035**-30 / 1.03**10 = 0.2651046 enters the last year
    from outcomelab.economics import discount_factors

    r = _base(horizon_years=41, discount_rate=0.035, discount_schedule="declining", draws=0)
    p = r.payers.set_index("payer")  # type: ignore[attr-defined]
    expected = 20_000 * discount_factors(41, schedule="declining").sum()
    assert p.loc["state", "pv_returns_sek"] == pytest.approx(expected, rel=1e-12)
    flows = r.discounted_flows  # type: ignore[attr-defined]
    assert flows.loc[2060, "state"] == pytest.approx(20_000 * 0.2651046, abs=0.01)


def test_sign_check_against_the_catalogue() -> None:
    # a positive value for one more sick-leave day contradicts "higher_is_worse": noted
    r = value(
        {"sick_leave_days": _effect(-2.0, 1.0)},
        _uv([("sick_leave_days", "state", 1000.0, 2020)]),
        COSTS,
        horizon_years=1,
        participants=10,
        cpi=CPI,
        draws=0,
    )
    assert any("Check the signs" in n for n in r.notes)
    assert not any("Check the signs" in n for n in _base().notes)  # type: ignore[attr-defined]


def test_overlapping_outcomes_are_valued_once() -> None:
    # receipt and amount value the same money: only the amount is valued
    r = value(
        {
            "social_assistance_receipt": _effect(-0.1, 0.05),
            "social_assistance_amount": _effect(-5000, 2000),
        },
        None,
        COSTS.assign(price_year=2023, year=2023),
        horizon_years=1,
        participants=10,
        draws=0,
    )
    assert r.effects.set_index("outcome")["valued"].to_dict() == {
        "social_assistance_receipt": False,
        "social_assistance_amount": True,
    }
    assert any("counted twice" in n or "count it twice" in n for n in r.notes)
    # municipality: -5 000 SEK x 10 participants x (-1 per krona) = +50 000 saved
    p = r.payers.set_index("payer")
    assert p.loc["municipality", "pv_returns_sek"] == pytest.approx(50_000)
    assert p.loc["individual", "pv_returns_sek"] == pytest.approx(-50_000)
