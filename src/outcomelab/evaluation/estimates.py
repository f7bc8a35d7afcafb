"""Step 2 of a standard evaluation: the effect on every outcome with the chosen design."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    NoOverlapError,
    OutcomelabError,
    ParameterError,
    SingularDesignError,
)
from outcomelab.evaluation.aggregate import SyntheticRun, run_synthetic
from outcomelab.evaluation.estimation import (
    DidEstimate,
    MatchingEstimate,
    did_effect,
    did_effects,
    matching_effect,
    matching_sample,
)
from outcomelab.evaluation.setup import Setup
from outcomelab.vocabulary import OutcomeDefinition
from outcomelab.vocabulary.numbers import fmt_cell
from outcomelab.vocabulary.phrases import (
    Localised,
    Phrase,
    Text,
    each_language,
    in_language,
    phrase,
)
from outcomelab.vocabulary.texts import has_text, t

if TYPE_CHECKING:
    from outcomelab.results import EffectResult

__all__ = [
    "MIN_COVERAGE",
    "Estimates",
    "MatchingRun",
    "OutcomeEstimate",
    "estimate",
    "not_estimable_reason",
    "run_matching",
]


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
    #: why there is no effect: a phrase of the vocabulary or an estimator's own message
    error: Text | None = None


@dataclass(frozen=True)
class MatchingRun:
    """A matching of the participants: the sample matched, the columns matched on, the effects."""

    estimate: MatchingEstimate
    sample: pd.DataFrame = field(repr=False)
    match_on: tuple[str, ...]

    def effect(self, code: str) -> EffectResult:
        """The matched effect on ``code``.

        Raises
        ------
        EstimationError
            With the reason, when the effect on ``code`` could not be estimated.
        """
        if code not in self.estimate.effects:
            err = self.estimate.errors.get(code)
            raise EstimationError(str(err) if err else f"{code!r} was not matched on.")
        return self.estimate.effects[code]


@dataclass(frozen=True)
class Estimates:
    """The effects of step 2.

    Attributes
    ----------
    outcomes
        One :class:`OutcomeEstimate` per outcome, primary first.
    did
        The DiD estimate per outcome (DiD designs).
    synthetic
        The synthetic DiD or interrupted time-series run per outcome (aggregate-unit designs;
        the primary outcome's run also holds synthetic control and HonestDiD).
    matching
        The matching run (matching designs), or ``None``.
    matching_error
        Why matching failed when it was only a second design (``design="both"``).
    """

    outcomes: tuple[OutcomeEstimate, ...]
    did: Mapping[str, DidEstimate] = field(default_factory=dict, repr=False)
    matching: MatchingRun | None = field(default=None, repr=False)
    matching_error: str | None = None
    synthetic: Mapping[str, SyntheticRun] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "did", MappingProxyType(dict(self.did)))
        object.__setattr__(self, "synthetic", MappingProxyType(dict(self.synthetic)))

    @property
    def primary(self) -> OutcomeEstimate:
        """The primary outcome's estimate."""
        return self.outcomes[0]

    @property
    def estimable(self) -> tuple[str, ...]:
        """The codes of the outcomes whose effect was estimated."""
        return tuple(o.code for o in self.outcomes if o.error is None)


def run_matching(
    setup: Setup, *, adjust: bool, outcomes: Sequence[str] | None = None
) -> MatchingRun:
    """Nearest-neighbour matching within start cohorts and the effect on each outcome (default
    every outcome of the evaluation)."""
    s = setup.settings
    outcomes = list(setup.outcomes if outcomes is None else outcomes)
    sample, match_on = matching_sample(
        setup.panel,
        outcomes=outcomes,
        follow_up_months=s.follow_up_months,
        covariates=list(setup.covariates),
        weights=setup.weight,
    )
    sample = sample.dropna(subset=[*match_on, *outcomes]).reset_index(drop=True)
    result = matching_effect(
        sample,
        outcomes=outcomes,
        covariates=match_on,
        alpha=s.alpha,
        seed=s.seed,
        adjust=adjust,
        weights=setup.weight,
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
        weights=setup.weight,
    )


def _comparison_mean_did(setup: Setup, code: str) -> float | None:
    panel = setup.panel
    e = setup.event_time
    persons = setup.persons
    treated = persons[persons["cohort"] > 0]
    weight = setup.weight
    sizes = (
        treated["cohort"].value_counts()
        if weight is None
        else treated.groupby("cohort")[weight].sum()
    )
    last = int(panel["period"].max())
    sizes = sizes[sizes.index + e <= last]
    # only the columns read (was a copy of every column of the comparison rows per outcome)
    columns = ["period", code] + ([weight] if weight is not None else [])
    comparison = panel.loc[setup.comparison_rows, columns]
    if weight is None:
        comp = comparison.groupby("period")[code].mean()
    else:  # aggregate units: the mean over the persons behind the units
        present = comparison[comparison[code].notna()]
        totals = (present[code] * present[weight]).groupby(present["period"]).sum()
        comp = totals / present.groupby("period")[weight].sum()
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


#: an outcome is estimated only when it is recorded at the follow-up for at least this share of
#: the participants who reached it: otherwise its effect describes a different group than the
#: headline (issue: one bad secondary outcome must not stop the report)
MIN_COVERAGE = 0.5


def not_estimable_reason(setup: Setup, code: str) -> Phrase | None:
    """Why the effect on ``code`` cannot be estimated from these data, or ``None``.

    The outcome is looked at where the effect is read (the follow-up of every start cohort that
    reached it): recorded for fewer than :data:`MIN_COVERAGE` of those participants, or for
    nobody in the comparison group, or the same value for everyone.
    """
    name = _name(setup.catalogue.require(code))
    persons = setup.persons[["unit", "cohort"]]
    last = int(setup.panel["period"].max())
    e = setup.event_time
    reached = persons[(persons["cohort"] > 0) & (persons["cohort"] + e <= last)]
    values = setup.panel[code]
    at_follow_up = values[setup.follow_up_rows]
    recorded = int(at_follow_up.notna().sum())
    comparison = values[setup.comparison_rows]
    if len(reached) and recorded < MIN_COVERAGE * len(reached):
        return phrase("ne_coverage", name=name, n=recorded, total=len(reached))
    if comparison.notna().sum() == 0:
        return phrase("ne_no_comparison", name=name)
    seen = pd.concat([at_follow_up, comparison]).dropna().unique()
    if len(seen) == 1:
        value = float(seen[0])
        return phrase(
            "ne_constant", name=name, value=each_language(lambda lang: fmt_cell(value, lang))
        )
    return None


def _name(info: OutcomeDefinition) -> Localised:
    """An outcome's name in every language."""
    return each_language(info.name)


def _unusable(effect: EffectResult, info: OutcomeDefinition) -> Phrase | None:
    """A reason when an estimate cannot be read as a number with its uncertainty."""
    se = float(effect.std_error)
    if not (math.isfinite(float(effect.estimate)) and math.isfinite(se) and se > 0):
        return phrase("ne_no_uncertainty", name=_name(info))
    return None


#: the reader's sentence for an estimator's failure of each kind, when it has no text key
_FAILURE_KEYS = (
    (NoOverlapError, "ne_no_overlap"),
    (SingularDesignError, "ne_singular"),
    (EmptyGroupError, "ne_empty_group"),
)


def failure_phrase(err: OutcomelabError, info: OutcomeDefinition) -> Phrase:
    """Why an estimator could not estimate the effect on ``info``, for the report's reader.

    The error's own text key (``err.key``, ``err.values``) when it has one; otherwise a
    sentence for its kind (no overlap, collinear background variables, an empty group). Only
    an error of no known kind falls back to a general sentence that quotes the estimator's
    (English) message, marked as such.

    Examples
    --------
    >>> from outcomelab.errors import EmptyGroupError
    >>> from outcomelab.vocabulary import lab_catalogue
    >>> err = EmptyGroupError("No group-time cell has comparison units.")
    >>> failure_phrase(err, lab_catalogue()["employment"]).text("sv")[:48]
    'För förvärvsarbete saknas jämförelsepersoner ell'
    """
    name = each_language(lambda lang: info.name(lang).lower())
    if err.key is not None and has_text(err.key):
        return phrase(err.key, name=name, **err.values)
    key = next((k for kind, k in _FAILURE_KEYS if isinstance(err, kind)), "ne_estimator")
    return phrase(key, name=name, detail=str(err).rstrip("."))


def _did_effects(setup: Setup, reasons: dict[str, Text | None]) -> dict[str, DidEstimate]:
    """DiD of every estimable outcome in one call; an estimator's error becomes that outcome's
    reason."""
    pending = [code for code in setup.outcomes if reasons[code] is None]
    if not pending:
        return {}
    s = setup.settings
    try:
        found = did_effects(
            setup.panel,
            outcomes=pending,
            follow_up_months=s.follow_up_months,
            covariates=list(setup.covariates),
            control_group=s.control_group,
            alpha=s.alpha,
            seed=s.seed,
            weights=setup.weight,
        )
    except OutcomelabError as err:  # the call's own error holds for every outcome
        found = dict.fromkeys(pending, err)
    did: dict[str, DidEstimate] = {}
    for code, result in found.items():
        if isinstance(result, OutcomelabError):
            reasons[code] = failure_phrase(result, setup.catalogue.require(code))
        else:
            did[code] = result
    return did


def _synthetic_effects(setup: Setup, reasons: dict[str, Text | None]) -> dict[str, SyntheticRun]:
    """Synthetic DiD (or interrupted time series) per estimable outcome; the primary outcome's
    run adds synthetic control and HonestDiD. An estimator's error becomes that outcome's
    reason."""
    s = setup.settings
    runs: dict[str, SyntheticRun] = {}
    for code in setup.outcomes:
        if reasons[code] is None:
            try:
                runs[code] = run_synthetic(
                    setup.panel,
                    code,
                    design=setup.design.estimator,
                    participants=setup.inputs.participants,
                    alpha=s.alpha,
                    seed=s.seed,
                    extras=code == setup.primary,
                )
            except OutcomelabError as err:
                reasons[code] = failure_phrase(err, setup.catalogue.require(code))
    return runs


def _matching(
    setup: Setup, reasons: dict[str, Text | None]
) -> tuple[MatchingRun | None, str | None]:
    """The matching run over the estimable outcomes (matching designs), or why it failed."""
    if setup.design.chosen not in ("matching", "both") or reasons[setup.primary] is not None:
        return None, None
    try:
        run = run_matching(
            setup, adjust=True, outcomes=[c for c in setup.outcomes if reasons[c] is None]
        )
    except OutcomelabError as err:
        if setup.design.chosen == "matching":
            raise
        return None, str(err)
    for code, failure in run.estimate.errors.items():
        reasons[code] = failure_phrase(failure, setup.catalogue.require(code))
    return run, None


def _outcome(
    setup: Setup,
    code: str,
    did: Mapping[str, DidEstimate],
    matching: MatchingRun | None,
    reason: Text | None,
    synthetic: Mapping[str, SyntheticRun] | None = None,
) -> OutcomeEstimate:
    """The estimate of one outcome, or the outcome marked not estimable with the reason."""
    info = setup.catalogue.require(code)
    primary = code == setup.primary
    found = None
    if reason is None and setup.design.uses_did:
        d = did[code]
        mean = _comparison_mean_did(setup, code)
        found = OutcomeEstimate(code, info, primary, d.effect, d.n_treated, d.n_control, mean)
    elif reason is None and matching is not None:
        found = _matched_estimate(matching, code, info, primary)
    elif reason is None and synthetic:
        run = synthetic[code]
        found = OutcomeEstimate(
            code, info, primary, run.effect, run.n_treated, run.n_control, run.comparison_mean()
        )
    if found is not None and found.effect is not None:
        reason = _unusable(found.effect, info)
    if reason is None and found is not None:
        return found
    if primary:
        lang = setup.settings.lang
        shown = in_language(reason, lang)
        raise EstimationError(f"{t('ne_primary', lang, name=info.name(lang))} {shown}")
    return OutcomeEstimate(code, info, False, None, None, None, None, error=reason)


def estimate(setup: Setup) -> Estimates:
    """Estimate the effect on every outcome with the chosen design.

    A secondary outcome that cannot be estimated (see :func:`not_estimable_reason`; an
    estimator's error; an estimate without a finite, positive standard error) is kept with the
    reason in words and the other outcomes are estimated as usual. The primary outcome must be
    estimable.

    Parameters
    ----------
    setup
        From :func:`~outcomelab.evaluation.setup.prepare`.

    Returns
    -------
    Estimates

    Raises
    ------
    EstimationError
        When the primary outcome cannot be estimated (the reason in words).
    OutcomelabError
        When the design's estimator cannot estimate (matching errors only for
        ``design="matching"``; with ``"both"`` they are kept in ``matching_error``).
    """
    reasons: dict[str, Text | None] = {
        code: not_estimable_reason(setup, code) for code in setup.outcomes
    }
    if setup.design.uses_synthetic:
        synthetic = _synthetic_effects(setup, reasons)
        outcomes = tuple(
            _outcome(setup, code, {}, None, reasons[code], synthetic) for code in setup.outcomes
        )
        return Estimates(outcomes, synthetic=synthetic)
    did = _did_effects(setup, reasons) if setup.design.uses_did else {}
    matching, error = _matching(setup, reasons)
    if not setup.design.uses_did and matching is None and reasons[setup.primary] is None:
        raise ParameterError("Matching did not run.")  # pragma: no cover - errors propagate
    outcomes = tuple(_outcome(setup, code, did, matching, reasons[code]) for code in setup.outcomes)
    return Estimates(outcomes, did, matching, error)
