"""Planned versus done: the registered evaluation plan beside what the evaluation actually did.

The report shows this table so a reader sees at once whether the primary outcome, the follow-up,
the design and the analysis choices are the ones fixed before the start, and how many
participants were analysed against how many were expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outcomelab.errors import InputError
from outcomelab.planning.plan import EvaluationPlan

__all__ = ["PlanComparison", "compare_plan"]


@dataclass(frozen=True)
class PlanComparison:
    """One line of the planned-versus-done table.

    ``item`` names what is compared (``primary_outcome``, ``follow_up_months``, ``design``,
    ``estimator``, ``control_group``, ``alpha``, ``participants``); ``same`` is None for counts,
    where a difference is expected and only reported.
    """

    item: str
    planned: Any
    done: Any
    same: bool | None


def compare_plan(plan: EvaluationPlan, results: Mapping[str, Any]) -> list[PlanComparison]:
    """Compare a registered plan with an evaluation's ``results.json``.

    Parameters
    ----------
    plan
        The signed plan (from :func:`outcomelab.store.read_plans` via
        :meth:`EvaluationPlan.from_dict`).
    results
        The evaluation's results (published or not).

    Returns
    -------
    list of PlanComparison

    Raises
    ------
    InputError
        The plan belongs to another intervention, or the plan is not signed.

    Examples
    --------
    A design ``did`` analysed with ``att_gt`` against never-treated persons is "the same" as
    planned; a primary outcome switched after the start is flagged with ``same=False``.
    """
    if not plan.plan_hash:
        raise InputError(
            "Only a signed plan can be compared; sign it with EvaluationPlan.signed()."
        )
    intervention = (results.get("intervention") or {}).get("id")
    if intervention != plan.intervention_id:
        raise InputError(
            f"The plan is for intervention {plan.intervention_id!r} but the results are for "
            f"{intervention!r}; compare each evaluation with its own plan."
        )
    design = results.get("design") or {}
    outcomes = results.get("outcomes") or []
    primary = next((o.get("code") for o in outcomes if o.get("primary")), None)
    analysed = (results.get("sample_flow") or {}).get("analysed")
    chosen = design.get("chosen")
    same_design = chosen == plan.design or (chosen == "both" and plan.design == "did")
    return [
        PlanComparison(
            "primary_outcome", plan.primary_outcome, primary, primary == plan.primary_outcome
        ),
        PlanComparison(
            "follow_up_months",
            plan.follow_up_months,
            design.get("follow_up_months"),
            design.get("follow_up_months") == plan.follow_up_months,
        ),
        PlanComparison("design", plan.design, chosen, same_design),
        PlanComparison(
            "estimator",
            plan.estimator,
            design.get("estimator"),
            design.get("estimator") == plan.estimator,
        ),
        PlanComparison(
            "control_group",
            plan.control_group,
            design.get("control_group"),
            design.get("control_group") == plan.control_group,
        ),
        PlanComparison("alpha", plan.alpha, design.get("alpha"), design.get("alpha") == plan.alpha),
        PlanComparison("participants", plan.expected_participants, analysed, None),
    ]
