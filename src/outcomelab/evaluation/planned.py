"""Planned versus done: the registered evaluation plan beside what the evaluation actually did.

An intervention's evaluation plan (pre-registration, :class:`outcomelab.planning.EvaluationPlan`)
is signed and kept in the store (:func:`outcomelab.store.register_plan`). When a plan is
registered, the report shows this comparison so a reader sees at once whether the primary
outcome, the follow-up, the design and the analysis choices are the ones fixed before the start,
and how many participants were analysed against how many were expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcomelab.errors import InputError
from outcomelab.store.plans import plan_hash, read_plans

if TYPE_CHECKING:
    from outcomelab.planning import EvaluationPlan

__all__ = ["PlanComparison", "compare_plan", "plan_record", "registered_plans"]


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

    def to_dict(self) -> dict[str, Any]:
        """The line as a JSON-safe dict."""
        return {"item": self.item, "planned": self.planned, "done": self.done, "same": self.same}


def _document(plan: EvaluationPlan | Mapping[str, Any]) -> dict[str, Any]:
    # an EvaluationPlan's to_dict() signs an unsigned plan: look at its own hash first
    signed = plan.get("plan_hash") if isinstance(plan, Mapping) else plan.plan_hash
    document = dict(plan) if isinstance(plan, Mapping) else plan.to_dict()
    if not signed:
        raise InputError(
            "Only a signed plan can be compared; sign it with EvaluationPlan.signed()."
        )
    if document["plan_hash"] != plan_hash(document):
        raise InputError(
            "The evaluation plan's hash does not match its content (it was changed after it "
            "was signed); compare only the plan as registered."
        )
    return document


def compare_plan(
    plan: EvaluationPlan | Mapping[str, Any], results: Mapping[str, Any]
) -> list[PlanComparison]:
    """Compare a registered plan with an evaluation's ``results.json``.

    Parameters
    ----------
    plan
        The signed plan: an :class:`~outcomelab.planning.EvaluationPlan` or its document as
        :func:`outcomelab.store.read_plans` returns it.
    results
        The evaluation's results (published or not).

    Returns
    -------
    list of PlanComparison

    Raises
    ------
    InputError
        The plan belongs to another intervention, is not signed, or was changed after signing.

    Examples
    --------
    A design ``did`` analysed with ``att_gt`` against never-treated persons is "the same" as
    planned; a primary outcome switched after the start is flagged with ``same=False``.
    """
    document = _document(plan)
    intervention = (results.get("intervention") or {}).get("id")
    if intervention != document.get("intervention_id"):
        raise InputError(
            f"The plan is for intervention {document.get('intervention_id')!r} but the results "
            f"are for {intervention!r}; compare each evaluation with its own plan."
        )
    design = results.get("design") or {}
    outcomes = results.get("outcomes") or []
    primary = next((o.get("code") for o in outcomes if o.get("primary")), None)
    analysed = (results.get("sample_flow") or {}).get("analysed")
    chosen = design.get("chosen")
    planned_design = document.get("design")
    same_design = chosen == planned_design or (chosen == "both" and planned_design == "did")

    def line(item: str, planned: Any, done: Any) -> PlanComparison:
        return PlanComparison(item, planned, done, done == planned)

    return [
        line("primary_outcome", document.get("primary_outcome"), primary),
        line("follow_up_months", document.get("follow_up_months"), design.get("follow_up_months")),
        PlanComparison("design", planned_design, chosen, same_design),
        line("estimator", document.get("estimator"), design.get("estimator")),
        line("control_group", document.get("control_group"), design.get("control_group")),
        line("alpha", document.get("alpha"), design.get("alpha")),
        PlanComparison("participants", document.get("expected_participants"), analysed, None),
    ]


def plan_record(
    plan: EvaluationPlan | Mapping[str, Any], results: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``plan`` block of results.json: which plan, when registered, and the comparison."""
    document = _document(plan)
    return {
        "plan_hash": document["plan_hash"],
        "registered": document.get("registered"),
        "comparison": [c.to_dict() for c in compare_plan(document, results)],
    }


def registered_plans(
    store_dir: str | Path | None, intervention_id: str, *, from_store: bool = False
) -> tuple[dict[str, Any], ...]:
    """The intervention's registered plans in the store, oldest first (by registration date).

    Parameters
    ----------
    store_dir
        The store folder (empty: the default store, read only when ``from_store``).
    intervention_id
        The intervention evaluated.
    from_store
        Whether the submission itself comes from the store (then the default store is read when
        ``store_dir`` is empty); a folder evaluated without a store has no registered plan.

    Raises
    ------
    StoreError
        A stored plan was altered after registration.
    """
    if not store_dir and not from_store:
        return ()
    from outcomelab.store import Store

    try:
        return tuple(read_plans(Store(store_dir or None), intervention_id))
    except InputError:
        # an id that cannot name a plan folder cannot have a registered plan
        return ()
