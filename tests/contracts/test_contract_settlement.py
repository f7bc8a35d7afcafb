"""Hand-computed settlements: caps binding and not binding, both payment rules, the schedule,
the INDIGO export and the results.json loader."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from outcomelab.contracts import Contract, load_evaluation, parse_contract, settle, to_indigo
from outcomelab.errors import InputError, ReadError
from outcomelab.results import EffectResult


@pytest.fixture(scope="module")
def contract(contract_yaml: Callable[..., str]) -> Callable[..., Contract]:
    """``contract(total=, perhead=, lower=)``: the test contract with those caps."""
    base = contract_yaml(
        "id: s1\nname: Settlement test\n",
        caps="{total_sek: TOTAL, per_participant_sek: PERHEAD}",
        care="    cap_sek: 9000000\n    use_lower_bound: LOWER\n",
        metrics="""\
  - id: school
    outcome: upper_secondary_eligibility
    validation_method: Simple ex-post verification
    payment_rule: rate_card
    price_per_unit_sek: 60000
""",
        tail="""\
payment_schedule:
  - {period_end: "2018-06-30", share: 0.4}
  - {period_end: "2018-12-31", share: 0.6}
""",
    )

    def make(total: str = "15000000", perhead: str = "300000", lower: str = "false") -> Contract:
        text = base.replace("TOTAL", total).replace("PERHEAD", perhead).replace("LOWER", lower)
        return parse_contract(text, "s1.yaml")

    return make


def _care(estimate: float, se: float) -> dict[str, EffectResult]:
    return {
        "out_of_home_care_days": EffectResult.from_estimate(
            estimate, se, n_treated=60, n_control=240, method="test", estimand="ATT"
        )
    }


def _net(settlement) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return dict(zip(settlement.steps["metric_id"], settlement.steps["net_sek"], strict=True))


def test_no_cap_binding(contract: Callable[..., Contract]) -> None:
    # care: 40 fewer days (p = 0.0077) x 60 participants = 2 400 days x 2 000 = 4 800 000
    # school: 20 verified x 60 000 = 1 200 000; total 6 000 000 below every cap
    s = settle(contract(), _care(-40, 15), {"school": 20})
    assert _net(s) == pytest.approx({"care": 4_800_000, "school": 1_200_000})
    assert s.total_sek == pytest.approx(6_000_000)
    assert not s.caps["binding"].any()
    assert s.steps["caps_applied"].tolist() == ["", ""]


def test_metric_cap_binds(contract: Callable[..., Contract]) -> None:
    # care: 100 x 60 = 6 000 days x 2 000 = 12 000 000 -> metric cap 9 000 000
    s = settle(contract(), _care(-100, 20), {"school": 20})
    steps = s.steps.set_index("metric_id")
    assert steps.loc["care", "gross_sek"] == pytest.approx(12_000_000)
    assert steps.loc["care", "metric_cap_reduction_sek"] == pytest.approx(3_000_000)
    assert steps.loc["care", "caps_applied"] == "metric"
    # 9 000 000 + 1 200 000 = 10 200 000 < 12 000 000 (investor) and 15 000 000 (total)
    assert s.total_sek == pytest.approx(10_200_000)


def test_investor_return_cap_binds(contract: Callable[..., Contract]) -> None:
    # 9 000 000 (after the metric cap) + 75 x 60 000 = 4 500 000 -> 13 500 000;
    # investor gets at most 10 000 000 x 1.2 = 12 000 000: factor 12 / 13.5
    s = settle(contract(), _care(-100, 20), {"school": 75})
    assert _net(s) == pytest.approx({"care": 8_000_000, "school": 4_000_000})
    assert s.investor_cap_sek == pytest.approx(12_000_000)
    caps = s.caps.set_index("cap")
    assert caps.loc["investor_return", "binding"]
    assert caps.loc["investor_return", "reduction_sek"] == pytest.approx(1_500_000)
    assert not caps.loc["total", "binding"]


def test_total_cap_binds(contract: Callable[..., Contract]) -> None:
    # 10 200 000 against a total cap of 10 000 000: factor 10 / 10.2
    s = settle(contract(total="10000000"), _care(-100, 20), {"school": 20})
    assert _net(s) == pytest.approx(
        {"care": 9_000_000 * 10 / 10.2, "school": 1_200_000 * 10 / 10.2}
    )
    assert s.total_sek == pytest.approx(10_000_000)


def test_per_participant_cap_binds(contract: Callable[..., Contract]) -> None:
    # 60 x 100 000 = 6 000 000 against 10 200 000
    s = settle(contract(perhead="100000"), _care(-100, 20), {"school": 20})
    assert s.total_sek == pytest.approx(6_000_000)
    assert s.caps.set_index("cap").loc["per_participant", "binding"]


def test_counterfactual_needs_significance_and_the_right_direction(
    contract: Callable[..., Contract],
) -> None:
    # -10 days with SE 10: p = 2 * (1 - Phi(1)) = 0.317 > 0.05 -> nothing is due
    s = settle(contract(), _care(-10, 10), {"school": 0})
    assert s.total_sek == 0
    assert "not significant at 5 %" in s.steps.loc[0, "basis"]
    # more care days is a deterioration (higher is worse) -> nothing is due, however significant
    s = settle(contract(), _care(40, 5), {"school": 0})
    assert s.total_sek == 0
    assert "no improvement" in s.steps.loc[0, "basis"]


@pytest.mark.parametrize("word", ["lower_is_better", "higher_is_wrose", ""])
def test_a_misspelt_direction_is_an_error_not_lower_is_better(
    word: str, contract: Callable[..., Contract]
) -> None:
    # before the one vocabulary, any word other than 'higher_is_better' silently meant "lower is
    # better" and turned a deterioration into a payment
    with pytest.raises(InputError, match="higher_is_better' or 'higher_is_worse'"):
        settle(
            contract(), _care(-40, 15), {"school": 0}, directions={"out_of_home_care_days": word}
        )


def test_lower_confidence_bound(contract: Callable[..., Contract]) -> None:
    # z = 1.95996398; bound = 40 - 1.95996398 x 15 = 40 - 29.3994597 = 10.6005403 days per
    # participant; x 60 = 636.032416 days; x 2 000 SEK = 1 272 064.83
    s = settle(contract(lower="true"), _care(-40, 15), {"school": 0})
    assert s.steps.loc[0, "quantity"] == pytest.approx(636.032416, abs=1e-5)
    assert s.total_sek == pytest.approx(1_272_064.83, abs=0.01)


def test_payment_schedule_splits_by_share(contract: Callable[..., Contract]) -> None:
    s = settle(contract(), _care(-40, 15), {"school": 20})
    care = s.payments[s.payments["metric_id"] == "care"]
    # 4 800 000 x 0.4 = 1 920 000 and x 0.6 = 2 880 000
    assert care["amount_sek"].tolist() == pytest.approx([1_920_000, 2_880_000])
    assert care["period_end"].tolist() == ["2018-06-30", "2018-12-31"]
    assert set(s.payments["payer"]) == {"city"} and set(s.payments["recipient"]) == {"fund"}
    assert s.payments["amount_sek"].sum() == pytest.approx(s.total_sek)


def test_missing_inputs_are_named(contract: Callable[..., Contract]) -> None:
    with pytest.raises(InputError, match=r"'school' .*rate card.*verified"):
        settle(contract(), _care(-40, 15), {})
    with pytest.raises(InputError, match=r"'care' .*out_of_home_care_days"):
        settle(contract(), {}, {"school": 1})
    with pytest.raises(InputError, match=r"\['schools'\], which are not rate-card metrics"):
        settle(contract(), _care(-40, 15), {"school": 1, "schools": 2})


def test_steps_table_in_both_languages(contract: Callable[..., Contract]) -> None:
    s = settle(contract(), _care(-100, 20), {"school": 75})
    sv = s.steps_table("sv")
    assert sv.columns.tolist()[:2] == ["Utfallsmått", "Betalningsregel"]
    assert sv.iloc[-1]["Netto (kr)"] == pytest.approx(12_000_000)
    en = s.steps_table("en")
    assert en.loc[0, "Cap applied"] == "metric cap, investor return cap"


def test_indigo_export_uses_indigo_field_names(contract: Callable[..., Contract]) -> None:
    s = settle(contract(), _care(-40, 15), {"school": 20})
    doc = json.loads(json.dumps(to_indigo(s)))
    assert {"outcome_metrics", "outcome_pricings", "outcome_payments", "results"} <= set(doc)
    metric = doc["outcome_metrics"][0]
    assert metric["id"] == "care"
    assert metric["outcome_validation_method"] == {"value": "Quasi-experimental study"}
    pricing = doc["outcome_pricings"][0]
    assert pricing["outcome_metric_id"] == {"value": "care"}
    assert pricing["price_per_unit"]["amount"]["value"] == 2000
    assert pricing["maximum_price_if_all_targets_achieved"]["amount"]["value"] == "9e+06"
    payments = doc["outcome_payments"]
    assert payments[0]["type"] == {"value": "Planned"}
    assert sum(p["money"]["amount"]["value"] for p in payments) == pytest.approx(6_000_000)
    assert doc["results"][1]["number_with_positive_social_outcomes"] == {"value": 20.0}
    assert doc["overall_project_finance"]["maximum_potential_return"] == {"value": "20%"}


def test_load_evaluation_reads_results_json(
    tmp_path: Path, contract_evaluation: Callable[..., Path], contract: Callable[..., Contract]
) -> None:
    folder = contract_evaluation(
        tmp_path / "eval",
        [{"code": "employment", "error": "too few people", "estimate": None}],
        evaluation_id="INT001-abc",
    )
    ev = load_evaluation(folder)
    assert ev.evaluation_id == "INT001-abc"
    assert ev.skipped == ("employment",)
    effect = ev.effects["out_of_home_care_days"]
    assert (effect.estimate, effect.n_treated) == (-40.0, 60)
    s = settle(contract(), ev.effects, {"school": 20}, directions=ev.directions)
    assert s.total_sek == pytest.approx(6_000_000)


def test_load_evaluation_errors(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"results\.json"):
        load_evaluation(tmp_path)
    (tmp_path / "results.json").write_text('{"schema_version": "0.9"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"schema version 1\.x"):
        load_evaluation(tmp_path)
