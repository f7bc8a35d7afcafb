"""The evaluation plan (pre-registration): what will be analysed, fixed and signed before the start.

An :class:`EvaluationPlan` records the primary outcome, the follow-up, the design and the analysis
choices of an intervention's evaluation, with the power the design was expected to have. It is
signed by the SHA-256 of its canonical content (:func:`outcomelab.store.plan_hash`) and stored
with the intervention (:func:`outcomelab.store.register_plan`), so the later report can show
what was planned beside what was done, and anyone can check that the plan was not changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from outcomelab._version import __version__
from outcomelab.errors import InputError
from outcomelab.planning.assessment import PlanAssessment
from outcomelab.store.plans import plan_hash

__all__ = ["PLAN_SCHEMA", "EvaluationPlan"]

#: identifies the document format
PLAN_SCHEMA = "outcomelab-evaluation-plan/1"
#: the estimator each design is analysed with
_ESTIMATOR = {"did": "att_gt", "matching": "matching", "sdid": "sdid"}


@dataclass(frozen=True)
class EvaluationPlan:
    """A signed pre-registration (read-only; :meth:`signed` returns a copy with the hash)."""

    intervention_id: str
    registered: str
    primary_outcome: str
    secondary_outcomes: tuple[str, ...]
    follow_up_months: int
    design: str
    estimator: str
    control_group: str
    covariates: tuple[str, ...]
    alpha: float
    unit: str
    expected_participants: int
    comparison_pool: int
    hoped_effect: float
    mde: float
    power_at_hoped: float
    outcomelab_version: str
    schema: str = PLAN_SCHEMA
    plan_hash: str | None = None

    @classmethod
    def from_assessment(
        cls,
        assessment: PlanAssessment,
        *,
        secondary_outcomes: Sequence[str] = (),
        covariates: Sequence[str] | None = None,
        control_group: str = "never_treated",
        registered: dt.date | None = None,
    ) -> EvaluationPlan:
        """The plan of an assessed design (unsigned; call :meth:`signed`)."""
        d = assessment.design
        if isinstance(secondary_outcomes, str) or (
            covariates is not None and isinstance(covariates, str)
        ):
            raise InputError("`secondary_outcomes` and `covariates` must be lists of names.")
        if d.outcome in secondary_outcomes:
            raise InputError(
                f"The primary outcome {d.outcome!r} is also listed as secondary; list it once."
            )
        return cls(
            intervention_id=d.intervention_id,
            registered=(registered or dt.date.today()).isoformat(),
            primary_outcome=d.outcome,
            secondary_outcomes=tuple(secondary_outcomes),
            follow_up_months=d.follow_up_months,
            design=d.design,
            estimator=_ESTIMATOR[d.design],
            control_group="matched" if d.design == "matching" else control_group,
            covariates=tuple(covariates) if covariates is not None else ("baseline",),
            alpha=d.alpha,
            unit=d.unit,
            expected_participants=d.participants,
            comparison_pool=d.comparison_pool,
            hoped_effect=d.hoped_effect,
            mde=round(assessment.mde, 6),
            power_at_hoped=round(assessment.power_at_hoped, 4),
            outcomelab_version=__version__,
        )

    def content(self) -> dict[str, Any]:
        """The plan's fields as a JSON-safe dict, without the hash."""
        data = asdict(self)
        data.pop("plan_hash")
        data["secondary_outcomes"] = list(self.secondary_outcomes)
        data["covariates"] = list(self.covariates)
        return data

    def signed(self) -> EvaluationPlan:
        """A copy carrying the SHA-256 of its content."""
        return replace(self, plan_hash=plan_hash(self.content()))

    def to_dict(self) -> dict[str, Any]:
        """The signed document (content plus ``plan_hash``)."""
        plan = self if self.plan_hash else self.signed()
        return {**plan.content(), "plan_hash": plan.plan_hash}

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> EvaluationPlan:
        """Read a stored document back, checking its hash.

        Raises
        ------
        InputError
            A field is missing or unknown, or the hash does not match the content.
        """
        try:
            plan = cls(
                **{
                    **document,
                    "secondary_outcomes": tuple(document["secondary_outcomes"]),
                    "covariates": tuple(document["covariates"]),
                }
            )
        except (TypeError, KeyError) as err:
            raise InputError(f"Not an evaluation plan document: {err}.") from err
        if plan.plan_hash != plan_hash(plan.content()):
            raise InputError("The evaluation plan's hash does not match its content.")
        return plan
