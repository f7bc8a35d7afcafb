"""Design forms, the assessment's words and checklist, and the signed plan in the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from outcomelab.errors import InputError, ParameterError, ReadError, StoreError
from outcomelab.planning import (
    DESIGN_TEMPLATE,
    EvaluationPlan,
    assess,
    compare_plan,
    design_from_dict,
    load_design,
)
from outcomelab.planning.words import render_plan
from outcomelab.store import Store, plan_hash, read_plans, register_plan


def _form(**changes: object) -> dict:
    raw = yaml.safe_load(DESIGN_TEMPLATE)
    raw.update(changes)
    return raw


def test_template_is_a_valid_design(tmp_path: Path) -> None:
    file = tmp_path / "design.yaml"
    file.write_text(DESIGN_TEMPLATE, encoding="utf-8")
    design = load_design(file)
    assert design.participants == 108  # 40 x 3 x (1 - 0.1)
    assert design.outcome_sd == pytest.approx((0.35 * 0.65) ** 0.5)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ParameterError) as caught:
        design_from_dict(_form(unit="household", icc=1.5, cohorts=0, colour="red"))
    message = str(caught.value)
    for part in ("unknown field `colour`", "`unit` must be one of", "`icc`", "`cohorts`"):
        assert part in message
    with pytest.raises(ParameterError, match="hoped_effect` is a share"):
        design_from_dict(_form(hoped_effect=8))
    with pytest.raises(ParameterError, match="`sd` must give"):
        design_from_dict(_form(unit="aggregate", design="sdid"))


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        load_design(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("unit: [person\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not valid YAML"):
        load_design(bad)


def test_small_design_cannot_be_published_and_says_so_in_both_languages() -> None:
    design = design_from_dict(_form(participants_per_cohort=15, cohorts=4, attrition=0.1))
    result = assess(design)
    assert design.participants == 54 and not result.publishable
    assert "inte publiceras" in render_plan(result, "sv")
    assert "cannot be published" in render_plan(result, "en")
    status = {c.key: c.status for c in result.checklist}
    assert status["publication_minimum"] == "no"


def test_hoped_effect_needs_more_participants_and_the_numbers_agree() -> None:
    result = assess(design_from_dict(yaml.safe_load(DESIGN_TEMPLATE)))
    assert not result.detectable and result.power_at_hoped < 0.8
    assert result.treated_needed is not None and result.treated_needed > result.n_treated
    # recruiting per cohort: needed analysed / cohorts / (1 - attrition), rounded up
    per = result.participants_per_cohort_needed
    assert per is not None and per * 3 * 0.9 >= result.treated_needed
    text = render_plan(result, "sv")
    assert (
        "13,2 fler eller färre förvärvsarbetande" in text
        and f"{per} deltagare per startgrupp" in text
    )


def test_matching_compares_with_one_matched_person_each() -> None:
    did = assess(design_from_dict(_form()))
    matching = assess(design_from_dict(_form(design="matching")))
    assert matching.n_control == matching.n_treated == 108
    assert did.n_control == 2000


def test_synthetic_did_averages_every_period_before_and_after() -> None:
    form = _form(
        unit="aggregate", design="sdid", treated_units=3, comparison_pool=30, cohorts=1, sd=0.05
    )
    form.update(periods_before=6, periods_after=3, icc=0.7)
    sdid = assess(design_from_dict(form))
    assert sdid.variance_factor == pytest.approx(0.3 * (1 / 6 + 1 / 3))
    assert (sdid.n_treated, sdid.n_control) == (3, 30)
    assert "few_treated_units" in sdid.notes
    assert "Simulate the power with `--simulate`" in render_plan(sdid, "en")
    assert "Simulera styrkan med `--simulate`" in render_plan(sdid, "sv")
    with pytest.raises(ParameterError, match=r"`cohorts` \(4\) cannot exceed `treated_units`"):
        design_from_dict({**form, "cohorts": 4})


def test_checklist_reflects_the_answers() -> None:
    result = assess(
        design_from_dict(
            _form(
                start_dates_recorded=False,
                periods_before=1,
                outcome="own_code",
                outcome_source="unknown",
            )
        )
    )
    status = {c.key: c.status for c in result.checklist}
    assert status["start_dates"] == "no"
    assert status["pre_periods"] == "no"
    assert status["outcome_in_registers"] == "unknown"
    assert "✗ Each participant's start date is recorded" in render_plan(result, "en")


def test_plan_is_signed_stored_once_and_read_back(tmp_path: Path) -> None:
    result = assess(design_from_dict(_form()))
    plan = EvaluationPlan.from_assessment(result, secondary_outcomes=["social_assistance_receipt"])
    document = plan.to_dict()
    assert document["plan_hash"] == plan_hash(document)
    store = Store(tmp_path)
    first = register_plan(store, document)
    assert register_plan(store, document) == first  # idempotent
    (stored,) = read_plans(store, "0581-UNGA-2027")
    back = EvaluationPlan.from_dict(stored)
    assert back.primary_outcome == "employment" and back.follow_up_months == 12
    assert back.secondary_outcomes == ("social_assistance_receipt",)


def test_a_changed_plan_is_refused(tmp_path: Path) -> None:
    document = EvaluationPlan.from_assessment(assess(design_from_dict(_form()))).to_dict()
    document["primary_outcome"] = "sick_leave_days"
    with pytest.raises(InputError, match="does not match its content"):
        register_plan(Store(tmp_path), document)
    with pytest.raises(InputError, match="hash does not match"):
        EvaluationPlan.from_dict(document)


def test_a_stored_plan_altered_on_disk_is_detected(tmp_path: Path) -> None:
    document = EvaluationPlan.from_assessment(assess(design_from_dict(_form()))).to_dict()
    path = register_plan(Store(tmp_path), document)
    altered = json.loads(path.read_text())
    altered["alpha"] = 0.1
    path.write_text(json.dumps(altered))
    with pytest.raises(StoreError, match="altered"):
        read_plans(Store(tmp_path), "0581-UNGA-2027")


def test_unsafe_intervention_id_cannot_name_a_folder(tmp_path: Path) -> None:
    document = EvaluationPlan.from_assessment(
        assess(design_from_dict(_form(intervention_id="../../etc")))
    ).to_dict()
    with pytest.raises(InputError, match="cannot name a plan folder"):
        register_plan(Store(tmp_path), document)
    assert list(tmp_path.iterdir()) == []


def test_primary_outcome_cannot_also_be_secondary() -> None:
    result = assess(design_from_dict(_form()))
    with pytest.raises(InputError, match="list it once"):
        EvaluationPlan.from_assessment(result, secondary_outcomes=["employment"])


def _results_like(plan: EvaluationPlan, **design: object) -> dict:
    return {
        "intervention": {"id": plan.intervention_id},
        "design": {
            "chosen": "did",
            "estimator": "att_gt",
            "control_group": "never_treated",
            "follow_up_months": 12,
            "alpha": 0.05,
            **design,
        },
        "outcomes": [
            {"code": "sick_leave_days", "primary": False},
            {"code": "employment", "primary": True},
        ],
        "sample_flow": {"analysed": 95},
    }


def test_planned_versus_done() -> None:
    plan = EvaluationPlan.from_assessment(assess(design_from_dict(_form()))).signed()
    rows = {r.item: r for r in compare_plan(plan, _results_like(plan))}
    assert all(r.same for r in rows.values() if r.same is not None)
    assert (rows["participants"].planned, rows["participants"].done) == (108, 95)
    changed = {r.item: r for r in compare_plan(plan, _results_like(plan, follow_up_months=24))}
    assert changed["follow_up_months"].same is False
    assert changed["follow_up_months"].done == 24


def test_a_plan_compares_only_with_its_own_intervention() -> None:
    plan = EvaluationPlan.from_assessment(assess(design_from_dict(_form()))).signed()
    other = _results_like(plan)
    other["intervention"]["id"] = "0180-OTHER"
    with pytest.raises(InputError, match="compare each evaluation with its own plan"):
        compare_plan(plan, other)
    with pytest.raises(InputError, match="signed"):
        compare_plan(EvaluationPlan.from_assessment(assess(design_from_dict(_form()))), other)
