"""Step 1 of a standard evaluation: load the submission, fix the outcomes and choose the design."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import ParameterError
from outcomelab.evaluation.aggregate import aggregate_choice, many_units_reason, synthetic_design
from outcomelab.evaluation.design_choice import DesignChoice, choose_design
from outcomelab.evaluation.estimation import event_time
from outcomelab.evaluation.inputs import EvaluationInputs, load_inputs
from outcomelab.evaluation.planned import registered_plans
from outcomelab.evaluation.settings import EvaluationSettings
from outcomelab.vocabulary import Catalogue
from outcomelab.vocabulary.phrases import Joined

__all__ = ["Setup", "prepare"]


@dataclass(frozen=True)
class Setup:
    """What the later steps work on: the inputs, the analysis panel, the outcomes and the design.

    Attributes
    ----------
    settings
        The evaluation's choices.
    inputs
        The submission's tables and its outcome catalogue.
    panel
        The analysis panel (:func:`~outcomelab.design.analysis.analysis_panel`): unit, period,
        cohort, treatment flags, outcomes and numeric baseline covariates (``cov_*``); for
        aggregate units also their weight and ``unit_id``. Persons with incomplete baseline data
        are removed. ``attrs`` as the built panel's, plus ``covariate_set``.
    covariates
        The baseline covariate columns (``cov_*``).
    outcomes
        The outcome codes, primary first.
    design
        The design behind the headline numbers and why.
    missing_covariates
        Participants left out for incomplete baseline data.
    units
        One row per unit of the built panel (every unit, also those left out for incomplete
        baseline data) with its columns as submitted and the ``cov_*`` columns. The built panel
        itself is not kept (``inputs.panel`` is ``None``): its pseudonyms, dates and text
        columns repeated on every row are what the estimators do not read.
    plans
        The evaluation plans registered for the intervention in the store, oldest first (empty
        when none is registered or the folder is evaluated without a store).
    """

    settings: EvaluationSettings
    inputs: EvaluationInputs = field(repr=False)
    panel: pd.DataFrame = field(repr=False)
    covariates: tuple[str, ...]
    outcomes: tuple[str, ...]
    design: DesignChoice
    missing_covariates: int = 0
    plans: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    units: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def primary(self) -> str:
        """The primary outcome's code."""
        return self.outcomes[0]

    @property
    def plan(self) -> dict[str, Any] | None:
        """The latest registered evaluation plan (the one the report compares with), or None."""
        return self.plans[-1] if self.plans else None

    @property
    def catalogue(self) -> Catalogue:
        """The outcome catalogue of this evaluation (the lab's and the submission's own)."""
        return self.inputs.catalogue

    @property
    def event_time(self) -> int:
        """The event time at which the follow-up is read."""
        return event_time(self.settings.follow_up_months, self.panel)

    @cached_property
    def persons(self) -> pd.DataFrame:
        """One row per unit of the panel (made once: every step reads it)."""
        return self.panel.drop_duplicates("unit")

    @cached_property
    def follow_up_rows(self) -> np.ndarray:
        """Rows of the panel at the follow-up of the participants whose cohort reached it (the
        rows where the effect is read); made once."""
        cohort = self.panel["cohort"].to_numpy()
        period = self.panel["period"].to_numpy()
        e = self.event_time
        return (cohort > 0) & (cohort + e <= int(period.max())) & (period == cohort + e)

    @cached_property
    def comparison_rows(self) -> np.ndarray:
        """Rows of the panel of the comparison units (cohort 0); made once."""
        return self.panel["cohort"].to_numpy() == 0

    @property
    def covariate_set(self) -> dict[str, Any]:
        """Which baseline covariates were used, recommended but missing, or left out."""
        return dict(self.panel.attrs.get("covariate_set") or {})

    @property
    def weight(self) -> str | None:
        """The panel's weight column for aggregate units (the persons behind each unit), or
        ``None`` for persons (every person counts once)."""
        info = self.panel.attrs.get("panel_info") or {}
        unit = str(info.get("unit_of_analysis") or "person")
        weight = info.get("weight")
        if unit == "person" or not weight or weight not in self.panel.columns:
            return None
        return str(weight)

    def unit_of_analysis(self) -> dict[str, Any]:
        """The unit of analysis and, for aggregate units, the persons behind the analysed units
        (the 60-person rule and disclosure count persons, not units)."""
        info = self.panel.attrs.get("panel_info") or {}
        unit = str(info.get("unit_of_analysis") or "person")
        weight = self.weight
        if weight is None:
            return {"unit": unit, "weight": None}
        persons = self.persons
        last = int(self.panel["period"].max())
        treated = persons[(persons["cohort"] > 0) & (persons["cohort"] + self.event_time <= last)]
        comparison = persons[persons["cohort"] == 0]
        return {
            "unit": unit,
            "weight": str(weight),
            "persons_analysed": int(treated[weight].sum()),
            "persons_comparison": int(comparison[weight].sum()),
            "min_unit_persons": int(persons[weight].min()),
        }


def _outcomes(
    settings: EvaluationSettings, inputs: EvaluationInputs, panel: pd.DataFrame
) -> tuple[str, ...]:
    """The primary outcome and the secondary ones, checked against the submission."""
    available = [c for c in inputs.catalogue if c in panel.columns]
    info = panel.attrs.get("panel_info", {})
    listed = [str(o) for o in info.get("outcomes", [])] or available
    registered = inputs.intervention.get("primary_outcome") or ""
    primary = settings.primary_outcome or registered or listed[0]
    if primary not in listed:
        raise ParameterError(
            f"The primary outcome {primary!r} is not in the submission; it has "
            f"{', '.join(repr(o) for o in listed)}."
        )
    secondary = settings.secondary_outcomes
    if secondary is None:
        secondary = tuple(o for o in listed if o != primary)
    unknown = [o for o in secondary if o not in listed]
    if unknown:
        raise ParameterError(
            f"Secondary outcome(s) {', '.join(repr(o) for o in unknown)} are not in the "
            f"submission; it has {', '.join(repr(o) for o in listed)}."
        )
    return (primary, *[o for o in secondary if o != primary])


def prepare(params: Mapping[str, Any] | EvaluationSettings) -> Setup:
    """Load the submission, build the panel, fix the outcomes and choose the design.

    Parameters
    ----------
    params
        The template's parameters (``data_dir`` or ``submission`` with ``store_dir``,
        ``intervention_id``, ``design``, ``primary_outcome``, ...) or settings made from them.

    Returns
    -------
    Setup

    Raises
    ------
    ParameterError
        The primary or a secondary outcome is not in the submission, or the intervention is
        ambiguous.
    EstimationError
        No participant has a start inside the data, or DiD is requested without a pre-period.
    """
    settings = (
        params if isinstance(params, EvaluationSettings) else EvaluationSettings.from_params(params)
    )
    given = settings.params
    inputs = load_inputs(
        data_dir=given.get("data_dir") or None,
        store_dir=given.get("store_dir") or None,
        submission=given.get("submission") or None,
        intervention_id=str(given.get("intervention_id") or ""),
    )
    from outcomelab.design.analysis import analysis_panel

    built = inputs.panel
    if built is None:  # pragma: no cover - load_inputs always builds it
        raise ParameterError("The submission's panel was not built.")
    outcomes = _outcomes(settings, inputs, built)
    listed = [str(o) for o in (built.attrs.get("panel_info") or {}).get("outcomes", [])]
    analysis = analysis_panel(built, [*outcomes, *listed, *inputs.catalogue])
    # persons without complete baseline data cannot be compared
    persons = analysis.persons
    missing = int(persons.loc[persons["unit"].isin(analysis.incomplete), "treated"].sum())
    # aggregate units (municipalities, states): synthetic DiD or interrupted time series when
    # few units are treated (issue 11); many treated units take the usual DiD path
    aggregate = aggregate_choice(built, outcomes[0]) if settings.design == "auto" else None
    if aggregate is not None and aggregate.design in ("sdid", "its"):
        design = synthetic_design(
            aggregate,
            built,
            inputs.participants,
            requested=settings.design,
        )
    else:
        design = choose_design(
            persons.loc[persons["cohort"] > 0, "cohort"].tolist(),
            built["period"].unique().tolist(),
            requested=settings.design,
            control_group=settings.control_group,
        )
        if aggregate is not None:
            many = many_units_reason(aggregate, built)
            design = replace(design, reason=Joined((many, design.reason)))
    setup = Setup(
        settings=settings,
        inputs=replace(inputs, panel=None),
        panel=analysis.panel,
        covariates=analysis.covariates.columns,
        outcomes=outcomes,
        design=design,
        missing_covariates=missing,
        plans=registered_plans(
            given.get("store_dir") or None,
            inputs.intervention_id,
            from_store=bool(given.get("submission")),
        ),
        units=persons,
    )
    del built, inputs, analysis
    _release_arrow_memory()
    return setup


def _release_arrow_memory() -> None:
    """Give the built panel's freed Arrow buffers back to the operating system.

    The panel comes through Arrow (:func:`~outcomelab.design.build_panel`); its text columns
    are Arrow memory that the Setup does not keep. Arrow's allocator holds freed memory for
    reuse, which the estimators (NumPy) never reuse: on the large example ~470 MB of the
    report's peak.
    """
    import sys

    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
