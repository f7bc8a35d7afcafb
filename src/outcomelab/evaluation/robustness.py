"""Step 4 of a standard evaluation: the primary outcome under other reasonable choices."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outcomelab.errors import OutcomelabError
from outcomelab.evaluation.aggregate import REPLICATIONS
from outcomelab.evaluation.estimates import Estimates, did_estimate, run_matching
from outcomelab.evaluation.setup import Setup
from outcomelab.numerics import finite_or_none
from outcomelab.vocabulary.phrases import Text, in_language, phrase

if TYPE_CHECKING:
    from outcomelab.did import EventStudyResult
    from outcomelab.results import EffectResult

__all__ = ["RobustnessCheck", "check_robustness"]


@dataclass(frozen=True)
class RobustnessCheck:
    """The primary outcome's effect under one other choice (or why it could not be estimated)."""

    outcome: str
    label: Text
    method: str
    control_group: str
    covariates: bool
    effect: EffectResult | None
    error: str | None = None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """One entry of results.json's ``robustness`` array (the label in ``lang``)."""
        eff = self.effect
        numbers = ("estimate", "std_error", "conf_low", "conf_high", "p_value")
        return {
            "outcome": self.outcome,
            "label": in_language(self.label, lang),
            "method": self.method,
            "control_group": self.control_group,
            "covariates": self.covariates,
            **{k: None if eff is None else finite_or_none(getattr(eff, k)) for k in numbers},
            "n_treated": None if eff is None else int(eff.n_treated),
            "n_control": None if eff is None else int(eff.n_control),
            "error": self.error,
        }


def _check(
    setup: Setup,
    label: Text,
    method: str,
    control: str,
    covariates: bool,
    run: Callable[[], EffectResult],
) -> RobustnessCheck:
    try:
        effect = run()
    except OutcomelabError as err:
        return RobustnessCheck(setup.primary, label, method, control, covariates, None, str(err))
    return RobustnessCheck(setup.primary, label, method, control, covariates, effect)


def _event_study_checks(setup: Setup) -> list[RobustnessCheck]:
    """Sun-Abraham and imputation estimates at the follow-up, for persons in staggered designs.

    Both rest on parallel trends without covariates (the baseline covariates do not change over
    time, so unit effects absorb them) and use the same units as the main analysis.
    """
    if setup.weight is not None:  # aggregate units: their own designs and checks
        return []
    persons = setup.persons
    if persons.loc[persons["cohort"] > 0, "cohort"].nunique() < 2:
        return []
    from outcomelab.did import imputation, sun_abraham

    code, e = setup.primary, setup.event_time
    args = {
        "outcome": code,
        "unit": "unit",
        "time": "period",
        "cohort": "cohort",
        "alpha": setup.settings.alpha,
    }

    def run(estimator: Callable[..., EventStudyResult]) -> Callable[[], EffectResult]:
        def at_follow_up() -> EffectResult:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # its notes say the same
                return estimator(setup.panel, **args).at_event_time(e)

        return at_follow_up

    return [
        _check(
            setup,
            phrase("rb_sun_abraham"),
            "sun_abraham",
            "never_treated",
            False,
            run(sun_abraham),
        ),
        _check(
            setup, phrase("rb_imputation"), "imputation", "not_yet_treated", False, run(imputation)
        ),
    ]


#: with fewer clusters than this the cluster-robust t-test over-rejects (12 clusters: about 10 %
#: at the 5 % level in tests/did/test_twfe_wild_simulation.py), so the DiD checks add the two-way
#: fixed effects estimate with the wild cluster bootstrap's p-value and interval
FEW_CLUSTERS = 30
#: wild bootstrap draws (all sign vectors are enumerated when 2**clusters is fewer)
WILD_DRAWS = 9999


def _wild_bootstrap_check(setup: Setup) -> list[RobustnessCheck]:
    """TWFE with the wild cluster restricted bootstrap, clustered on the unit, when there are fewer
    than :data:`FEW_CLUSTERS` units (aggregate units such as municipalities)."""
    n_clusters = int(setup.panel["unit"].nunique())
    if n_clusters >= FEW_CLUSTERS:
        return []

    def run() -> EffectResult:
        from outcomelab.did import twfe

        with warnings.catch_warnings():
            # its staggered-timing warning: the label says this is the two-way fixed effects
            # average, a check beside the heterogeneity-robust headline
            warnings.simplefilter("ignore", UserWarning)
            return twfe(
                setup.panel,
                outcome=setup.primary,
                unit="unit",
                time="period",
                treatment="treated_post",
                cluster="unit",
                weights=setup.weight,
                alpha=setup.settings.alpha,
                bootstrap=WILD_DRAWS,
                seed=setup.settings.seed,
            )

    label = phrase("rb_wild_bootstrap", clusters=n_clusters)
    return [_check(setup, label, "twfe/wild_bootstrap", "all_units", False, run)]


def _did_checks(setup: Setup, estimates: Estimates) -> list[RobustnessCheck]:
    code, chosen = setup.primary, setup.settings.control_group
    other = "not_yet_treated" if chosen == "never_treated" else "never_treated"

    def matched() -> EffectResult:
        run = estimates.matching or run_matching(setup, adjust=True, outcomes=estimates.estimable)
        return run.effect(code)

    return [
        _check(
            setup,
            phrase("rb_other_group", group=phrase(f"rb_group_{other}")),
            "att_gt/dr",
            other,
            True,
            lambda: did_estimate(setup, code, control_group=other).effect,
        ),
        _check(
            setup,
            phrase("rb_no_covariates"),
            "att_gt/dr",
            chosen,
            False,
            lambda: did_estimate(setup, code, covariates=None).effect,
        ),
        _check(setup, phrase("rb_matching"), "nearest/logit", "matched", True, matched),
        *_event_study_checks(setup),
        *_wild_bootstrap_check(setup),
    ]


def _matching_checks(setup: Setup, estimates: Estimates) -> list[RobustnessCheck]:
    code = setup.primary
    checks = [
        _check(
            setup,
            phrase("rb_unadjusted"),
            "nearest/logit",
            "matched",
            False,
            lambda: run_matching(setup, adjust=False, outcomes=estimates.estimable).effect(code),
        )
    ]
    if setup.design.pre_periods >= 1:
        checks.append(
            _check(
                setup,
                phrase("rb_did"),
                "att_gt/dr",
                setup.settings.control_group,
                True,
                lambda: did_estimate(setup, code).effect,
            )
        )
    return checks


def _synthetic_checks(setup: Setup, estimates: Estimates) -> list[RobustnessCheck]:
    """Synthetic control (one treated unit) and DiD with equal weights beside synthetic DiD."""
    code = setup.primary
    run = estimates.synthetic.get(code)
    if run is None or run.design != "sdid":
        return []
    checks = []
    if run.control is not None:
        checks.append(
            RobustnessCheck(
                code,
                phrase("rb_synthetic_control"),
                "synthetic_control",
                "synthetic",
                False,
                run.control,
            )
        )

    def plain_did() -> EffectResult:
        from outcomelab.synth import synthdid

        # the same units as synthetic DiD: the treated ones and the donors with the whole series
        donors = run.unit_weights["unit"]
        panel = setup.panel
        return synthdid(
            panel.loc[panel["unit_id"].isin(donors) | (panel["cohort"] > 0)],
            outcome=code,
            unit="unit_id",
            time="period",
            cohort="cohort",
            method="did",
            replications=REPLICATIONS,
            seed=setup.settings.seed,
            alpha=setup.settings.alpha,
        )

    checks.append(_check(setup, phrase("rb_plain_did"), "did", "all_units", False, plain_did))
    return checks


def check_robustness(setup: Setup, estimates: Estimates) -> tuple[RobustnessCheck, ...]:
    """The primary outcome under the other control group, estimator and covariate choice.

    DiD designs: the other DiD comparison group, no covariates, propensity-score matching and,
    for persons in staggered designs, the Sun-Abraham and imputation (Borusyak, Jaravel and
    Spiess) event studies at the follow-up and, with fewer than 30 units (aggregate units),
    two-way fixed effects with the wild cluster bootstrap's p-value and interval.
    Matching designs: no regression adjustment and, with a year before the first start,
    difference-in-differences. Synthetic DiD: synthetic control (one treated unit) and DiD with
    every comparison unit weighted equally. A check that cannot be estimated is kept with its
    reason.
    """
    if setup.design.uses_synthetic:
        return tuple(_synthetic_checks(setup, estimates))
    if setup.design.uses_did:
        return tuple(_did_checks(setup, estimates))
    return tuple(_matching_checks(setup, estimates))
