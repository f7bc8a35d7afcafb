"""Planned versus done: a registered evaluation plan is shown beside what the evaluation did."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from outcomelab.disclosure import publishable_results
from outcomelab.errors import InputError
from outcomelab.evaluation.planned import compare_plan, plan_record, registered_plans
from outcomelab.planning import DESIGN_TEMPLATE, EvaluationPlan, assess, design_from_dict
from outcomelab.reports import evaluate
from outcomelab.reports.results_json import validate_results
from outcomelab.store import Store, register_plan


def _plan(intervention_id: str, **changes: object) -> dict:
    raw = yaml.safe_load(DESIGN_TEMPLATE)
    raw.update(intervention_id=intervention_id, **changes)
    plan = EvaluationPlan.from_assessment(assess(design_from_dict(raw)))
    return plan.signed().to_dict()


def test_plans_are_read_only_from_a_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    assert registered_plans(None, "0581-X") == ()
    assert registered_plans(store.path, "0581-X") == ()
    first = _plan("0581-X", follow_up_months=12)
    second = _plan("0581-X", follow_up_months=24)
    register_plan(store, first)
    register_plan(store, second)
    found = registered_plans(store.path, "0581-X")
    assert {p["plan_hash"] for p in found} == {first["plan_hash"], second["plan_hash"]}
    # an id that cannot name a plan folder has no plan (the evaluation goes on)
    assert registered_plans(store.path, "../etc") == ()


def test_a_plan_changed_after_signing_is_not_compared() -> None:
    plan = _plan("0581-X")
    results = {"intervention": {"id": "0581-X"}}
    assert plan_record(plan, results)["plan_hash"] == plan["plan_hash"]
    with pytest.raises(InputError, match="hash does not match"):
        compare_plan({**plan, "primary_outcome": "income"}, results)


@pytest.mark.notebook
def test_registered_plan_is_in_the_report_and_in_results_json(tmp_path: Path) -> None:
    """End to end: register a plan, evaluate with the store, read the table in both outputs."""
    from outcomelab.example import generate_example

    data = tmp_path / "submission"
    generate_example(data, n_participants=300, n_pool=1500, seed=11)
    intervention = str(pd.read_csv(data / "interventions.csv")["intervention_id"].iloc[0])
    store = Store(tmp_path / "store")
    # the plan fixed a 12-month follow-up; the evaluation reads it at 24 months (its default)
    plan = _plan(intervention, follow_up_months=12, outcome="employment")
    register_plan(store, plan)
    run = evaluate(data=data, store=store.path, out=tmp_path / "out", lang="sv")

    results = json.loads(run.results_json.read_text())
    validate_results(results)
    block = results["plan"]
    assert block["plan_hash"] == plan["plan_hash"] and block["plans_registered"] == 1
    rows = {r["item"]: r for r in block["comparison"]}
    assert rows["follow_up_months"] == {
        "item": "follow_up_months",
        "planned": 12,
        "done": 24,
        "same": False,
    }
    assert rows["primary_outcome"]["same"] is True and rows["design"]["same"] is True
    assert rows["participants"]["done"] == results["sample_flow"]["analysed"]
    # the block holds the exact analysed count: the published copy leaves it out
    assert "plan" not in publishable_results(results).results

    page = run.html.read_text(encoding="utf-8")
    assert "Planerat och genomfört" in page
    assert plan["plan_hash"][:12] in page
    assert "12 månader" in page and "24 månader" in page
    assert "Utvärderingen avviker från planen: uppföljning." in page
