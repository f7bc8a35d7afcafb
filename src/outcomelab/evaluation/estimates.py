"""Step 2 of a standard evaluation: the effect on every outcome with the chosen design."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from outcomelab.errors import OutcomelabError, ParameterError
from outcomelab.evaluation.estimation import (
    DidEstimate,
    MatchingEstimate,
    did_effect,
    matching_effect,
    matching_sample,
)
from outcomelab.evaluation.setup import Setup
from outcomelab.vocabulary import OutcomeDefinition

if TYPE_CHECKING:
    from outcomelab.results import EffectResult

__all__ = ["Estimates", "MatchingRun", "OutcomeEstimate", "estimate", "run_matching"]


@dataclass(frozen=True)
class OutcomeEstimate:
    """The headline effect on one outcome (or why there is none)."""

    code: str
    info: OutcomeDefinition
    primary: bool
    effect: EffectResult | None
    n_treated: int | None
    n_control: int | None
    comparison_mean: float | None
    error: str | None = None


@dataclass(frozen=True)
class MatchingRun:
    """A matching of the participants: the sample matched, the columns matched on, the effects."""

    estimate: MatchingEstimate
    sample: pd.DataFrame = field(repr=False)
    match_on: tuple[str, ...]


@dataclass(frozen=True)
class Estimates:
    """The effects of step 2.

    Attributes
    ----------
    outcomes
        One :class:`OutcomeEstimate` per outcome, primary first.
    did
        The DiD estimate per outcome (DiD designs).
    matching
        The matching run (matching designs), or ``None``.
    matching_error
        Why matching failed when it was only a second design (``design="both"``).
    """

    outcomes: tuple[OutcomeEstimate, ...]
    did: Mapping[str, DidEstimate] = field(default_factory=dict, repr=False)
    matching: MatchingRun | None = field(default=None, repr=False)
    matching_error: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "did", MappingProxyType(dict(self.did)))

    @property
    def primary(self) -> OutcomeEstimate:
        """The primary outcome's estimate."""
        return self.outcomes[0]


def run_matching(setup: Setup, *, adjust: bool) -> MatchingRun:
    """Nearest-neighbour matching within start cohorts and the effect on every outcome."""
    s = setup.settings
    outcomes = list(setup.outcomes)
    sample, match_on = matching_sample(
        setup.panel,
        outcomes=outcomes,
        follow_up_months=s.follow_up_months,
        covariates=list(setup.covariates),
    )
    sample = sample.dropna(subset=[*match_on, *outcomes]).reset_index(drop=True)
    result = matching_effect(
        sample, outcomes=outcomes, covariates=match_on, alpha=s.alpha, seed=s.seed, adjust=adjust
    )
    return MatchingRun(result, sample, tuple(match_on))


def did_estimate(setup: Setup, code: str, **changes: object) -> DidEstimate:
    """The group-time DiD of outcome ``code`` with the evaluation's settings (``changes`` override
    ``covariates`` or ``control_group``)."""
    s = setup.settings
    options: dict[str, object] = {
        "covariates": list(setup.covariates),
        "control_group": s.control_group,
    } | changes
    return did_effect(
        setup.panel,
        outcome=code,
        follow_up_months=s.follow_up_months,
        covariates=options["covariates"],  # type: ignore[arg-type]
        control_group=str(options["control_group"]),
        alpha=s.alpha,
        seed=s.seed,
    )


def _comparison_mean_did(setup: Setup, code: str) -> float | None:
    panel = setup.panel
    e = setup.event_time
    persons = setup.persons
    sizes = persons.loc[persons["cohort"] > 0, "cohort"].value_counts()
    last = int(panel["period"].max())
    sizes = sizes[sizes.index + e <= last]
    comp = panel[panel["cohort"] == 0].groupby("period")[code].mean()
    years = sizes.index + e
    if sizes.empty or not set(years) <= set(comp.index):
        return None
    return float(np.average(comp.loc[years].to_numpy(), weights=sizes.to_numpy()))


def _matched_estimate(
    run: MatchingRun, code: str, info: OutcomeDefinition, primary: bool
) -> OutcomeEstimate:
    eff = run.estimate.effects[code]
    data = run.sample
    w = run.estimate.matched.weights.to_numpy()
    ctrl = (data["treated"].to_numpy() == 0) & (w > 0)
    mean = float(np.average(data.loc[ctrl, code].to_numpy(), weights=w[ctrl]))
    return OutcomeEstimate(code, info, primary, eff, eff.n_treated, eff.n_control, mean)


def estimate(setup: Setup) -> Estimates:
    """Estimate the effect on every outcome with the chosen design.

    Parameters
    ----------
    setup
        From :func:`~outcomelab.evaluation.setup.prepare`.

    Returns
    -------
    Estimates

    Raises
    ------
    OutcomelabError
        When the design's estimator cannot estimate (matching errors only for
        ``design="matching"``; with ``"both"`` they are kept in ``matching_error``).
    """
    design = setup.design
    did: dict[str, DidEstimate] = {}
    if design.uses_did:
        did = {code: did_estimate(setup, code) for code in setup.outcomes}
    matching: MatchingRun | None = None
    error: str | None = None
    if design.chosen in ("matching", "both"):
        try:
            matching = run_matching(setup, adjust=True)
        except OutcomelabError as err:
            if design.chosen == "matching":
                raise
            error = str(err)
    outcomes = []
    for code in setup.outcomes:
        info = setup.catalogue.require(code)
        primary = code == setup.primary
        if design.uses_did:
            d = did[code]
            mean = _comparison_mean_did(setup, code)
            outcomes.append(
                OutcomeEstimate(code, info, primary, d.effect, d.n_treated, d.n_control, mean)
            )
        elif matching is None:  # pragma: no cover - matching errors propagate for 'matching'
            raise ParameterError("Matching did not run.")
        else:
            outcomes.append(_matched_estimate(matching, code, info, primary))
    return Estimates(tuple(outcomes), did, matching, error)
