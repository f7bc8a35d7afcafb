"""The standard evaluation, step by step: what the report template's cells call.

:class:`Evaluation` is built in the order of the analysis (load and choose the design, estimate,
diagnostics, robustness, evidence, value) so that a failure is reported in the section where it
happened, and the report shows the results in the order a reader wants them. Every number it
produces comes from the public estimators (:mod:`outcomelab.did`, :mod:`outcomelab.matching`,
:mod:`outcomelab.economics`) through :mod:`outcomelab.reports.estimation`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.errors import NoOverlapError, OutcomelabError, ParameterError
from outcomelab.matching.propensity import fit_propensity
from outcomelab.reports.design_choice import DesignChoice, choose_design
from outcomelab.reports.estimation import (
    DidEstimate,
    MatchingEstimate,
    baseline_covariates,
    did_effect,
    event_time,
    matching_effect,
    matching_sample,
)
from outcomelab.reports.evidence import EvidenceRating, baseline_equivalence, evidence_rating
from outcomelab.reports.headline import headline_text, unit_word
from outcomelab.reports.i18n import t
from outcomelab.reports.inputs import EvaluationInputs, load_inputs
from outcomelab.reports.outcomes import holm, verdict
from outcomelab.reports.results_json import SCHEMA_VERSION
from outcomelab.reports.sample_flow import SampleFlow
from outcomelab.vocabulary import OutcomeDefinition

if TYPE_CHECKING:
    from outcomelab.results import EffectResult

__all__ = ["Evaluation", "OutcomeEstimate"]

_PATH_PARAMETERS = ("data_dir", "store_dir", "output_dir")


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


def _num(x: Any) -> float | None:
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) or math.isinf(value) else value


def _odds_weights(persons: pd.DataFrame, covariates: list[str]) -> np.ndarray:
    """1 for treated persons, p/(1-p) of a logit propensity score for comparison persons.

    The logit is the matching step's (:func:`outcomelab.matching.propensity.fit_propensity`, IRLS
    as R's ``glm.fit``); under separation or non-convergence the weights fall back to 1.
    """
    treated = persons["treated"].to_numpy(dtype=float)
    if not covariates:
        return np.ones(len(persons))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # quasi-separation: handled by the fallback
        try:
            fit = fit_propensity(persons[covariates].to_numpy(dtype=float), treated, maxit=50)
        except NoOverlapError:
            return np.ones(len(persons))
    if not fit.converged:
        return np.ones(len(persons))
    p = np.clip(fit.score, 1e-6, 1 - 1e-6)
    return np.where(treated == 1, 1.0, p / (1 - p))


class Evaluation:
    """One standard evaluation, filled in step by step by the report template.

    Parameters
    ----------
    params
        The checked template parameters (see ``templates/standard_evaluation.ipynb``).
    """

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)
        self.lang: str = str(params.get("lang", "sv"))
        self.alpha: float = float(params.get("alpha", 0.05))
        self.seed: int = int(params.get("seed", 0))
        self.follow_up_months: int = int(params.get("follow_up_months", 24))
        self.control_group: str = str(params.get("control_group", "never_treated"))
        self.inputs: EvaluationInputs | None = None
        self.panel = pd.DataFrame()
        self.covariates: list[str] = []
        self.design: DesignChoice | None = None
        self.outcome_codes: list[str] = []
        self.primary: str = ""
        self.estimates: list[OutcomeEstimate] = []
        self.did: dict[str, DidEstimate] = {}
        self.matching: MatchingEstimate | None = None
        self.matching_error: str | None = None
        self.robustness: list[dict[str, Any]] = []
        self.pretrend: dict[str, Any] | None = None
        self.evidence: EvidenceRating | None = None
        self.equivalence_table = pd.DataFrame()
        self.economics: Any = None
        self.economics_error: str | None = None
        self.flow: SampleFlow | None = None
        self._counts: dict[str, Any] = {}

    # -- step 1: data and design ---------------------------------------------------------------
    @classmethod
    def start(cls, params: Mapping[str, Any]) -> Evaluation:
        """Load the submission, build the panel, fix the outcomes and choose the design."""
        ev = cls(params)
        ev.inputs = load_inputs(
            data_dir=params.get("data_dir") or None,
            store_dir=params.get("store_dir") or None,
            submission=params.get("submission") or None,
            intervention_id=str(params.get("intervention_id") or ""),
        )
        ev._prepare()
        return ev

    def _prepare(self) -> None:
        inputs = self._inputs
        panel, covariates = baseline_covariates(inputs.panel)
        available = [c for c in inputs.catalogue if c in panel.columns]
        info = panel.attrs.get("panel_info", {})
        listed = [str(o) for o in info.get("outcomes", [])] or available
        registered = inputs.intervention.get("primary_outcome") or ""
        primary = str(self.params.get("primary_outcome") or registered or listed[0])
        if primary not in listed:
            raise ParameterError(
                f"The primary outcome {primary!r} is not in the submission; it has "
                f"{', '.join(repr(o) for o in listed)}."
            )
        secondary = self.params.get("secondary_outcomes")
        if secondary is None:
            secondary = [o for o in listed if o != primary]
        unknown = [o for o in secondary if o not in listed]
        if unknown:
            raise ParameterError(
                f"Secondary outcome(s) {', '.join(repr(o) for o in unknown)} are not in the "
                f"submission; it has {', '.join(repr(o) for o in listed)}."
            )
        self.primary = primary
        self.outcome_codes = [primary, *[o for o in secondary if o != primary]]
        # persons without complete baseline data cannot be compared
        persons = panel.drop_duplicates("unit")
        incomplete = persons.loc[persons[covariates].isna().any(axis=1), "unit"]
        self._counts["missing_covariates"] = int(
            persons.loc[persons["unit"].isin(incomplete), "treated"].sum()
        )
        self.panel = panel[~panel["unit"].isin(incomplete)].reset_index(drop=True)
        self.covariates = covariates
        cohorts = persons.loc[persons["cohort"] > 0, "cohort"].tolist()
        self.design = choose_design(
            cohorts,
            panel["period"].unique().tolist(),
            requested=str(self.params.get("design", "auto")),
            control_group=self.control_group,
            lang=self.lang,
        )

    @property
    def _inputs(self) -> EvaluationInputs:
        if self.inputs is None:
            raise ParameterError("Call Evaluation.start(params) first.")
        return self.inputs

    @property
    def _design(self) -> DesignChoice:
        if self.design is None:
            raise ParameterError("Call Evaluation.start(params) first.")
        return self.design

    # -- step 2: estimation --------------------------------------------------------------------
    def estimate(self) -> None:
        """Estimate the effect on every outcome with the chosen design."""
        design = self._design
        if design.uses_did:
            for code in self.outcome_codes:
                self.did[code] = did_effect(
                    self.panel,
                    outcome=code,
                    follow_up_months=self.follow_up_months,
                    covariates=self.covariates,
                    control_group=self.control_group,
                    alpha=self.alpha,
                    seed=self.seed,
                )
        if design.chosen in ("matching", "both"):
            try:
                self.matching = self._run_matching(adjust=True)
            except OutcomelabError as err:
                if design.chosen == "matching":
                    raise
                self.matching_error = str(err)
        self.estimates = [self._outcome_estimate(code) for code in self.outcome_codes]

    def _run_matching(self, *, adjust: bool) -> MatchingEstimate:
        sample, match_on = matching_sample(
            self.panel,
            outcomes=self.outcome_codes,
            follow_up_months=self.follow_up_months,
            covariates=self.covariates,
        )
        sample = sample.dropna(subset=[*match_on, *self.outcome_codes]).reset_index(drop=True)
        self._matching_sample = sample
        self._match_on = match_on
        return matching_effect(
            sample,
            outcomes=self.outcome_codes,
            covariates=match_on,
            alpha=self.alpha,
            seed=self.seed,
            adjust=adjust,
        )

    def _comparison_mean_did(self, code: str) -> float | None:
        e = event_time(self.follow_up_months, self.panel)
        persons = self.panel.drop_duplicates("unit")
        sizes = persons.loc[persons["cohort"] > 0, "cohort"].value_counts()
        last = int(self.panel["period"].max())
        sizes = sizes[sizes.index + e <= last]
        comp = self.panel[self.panel["cohort"] == 0].groupby("period")[code].mean()
        years = sizes.index + e
        if sizes.empty or not set(years) <= set(comp.index):
            return None
        return float(np.average(comp.loc[years].to_numpy(), weights=sizes.to_numpy()))

    def _outcome_estimate(self, code: str) -> OutcomeEstimate:
        info = self._inputs.catalogue.require(code)
        primary = code == self.primary
        if self._design.uses_did:
            d = self.did[code]
            return OutcomeEstimate(
                code,
                info,
                primary,
                d.effect,
                d.n_treated,
                d.n_control,
                self._comparison_mean_did(code),
            )
        m = self.matching
        if m is None:  # pragma: no cover - matching errors propagate for design='matching'
            raise ParameterError("Matching did not run.")
        eff = m.effects[code]
        data = self._matching_sample
        w = m.matched.weights.to_numpy()
        ctrl = (data["treated"].to_numpy() == 0) & (w > 0)
        mean = float(np.average(data.loc[ctrl, code].to_numpy(), weights=w[ctrl]))
        return OutcomeEstimate(code, info, primary, eff, eff.n_treated, eff.n_control, mean)

    # -- step 3: diagnostics -------------------------------------------------------------------
    def diagnose(self) -> None:
        """Pre-trend test (DiD) and baseline equivalence of the analysed sample."""
        if self._design.uses_did:
            test = self.did[self.primary].group_time.pretest()
            self.pretrend = {
                "statistic": _num(test.statistic),
                "df": int(test.df),
                "p_value": _num(test.p_value),
            }
            persons = self.panel.drop_duplicates("unit")
            e = event_time(self.follow_up_months, self.panel)
            last = int(self.panel["period"].max())
            keep = (persons["cohort"] == 0) | (
                (persons["cohort"] > 0) & (persons["cohort"] + e <= last)
            )
            sample = persons[keep].reset_index(drop=True)
            covs = self.covariates
            # the doubly robust DiD reweights comparison persons by the odds of the propensity
            # score; baseline equivalence is judged on that reweighted comparison
            sample = sample.assign(_w=_odds_weights(sample, covs))
            # the doubly robust DiD adjusts for the baseline covariates (none: unconditional)
            adjusted_for = list(covs)
        else:
            m = self.matching
            if m is None:  # pragma: no cover
                raise ParameterError("Matching did not run.")
            sample = self._matching_sample.assign(_w=m.matched.weights.to_numpy())
            covs = self._match_on
            # the matched-sample regression adjusts for the covariates matched on
            adjusted_for = list(covs)
        eq = baseline_equivalence(
            sample, treatment="treated", covariates=covs, weights="_w", adjusted_for=adjusted_for
        )
        self._equivalence = eq
        self.equivalence_table = eq.table

    # -- step 4: robustness --------------------------------------------------------------------
    def _robust_row(self, label: str, method: str, control: str, cov: bool, fn: Any) -> None:
        row: dict[str, Any] = {
            "outcome": self.primary,
            "label": label,
            "method": method,
            "control_group": control,
            "covariates": cov,
        }
        try:
            eff = fn()
            row.update(
                {
                    "estimate": _num(eff.estimate),
                    "std_error": _num(eff.std_error),
                    "conf_low": _num(eff.conf_low),
                    "conf_high": _num(eff.conf_high),
                    "p_value": _num(eff.p_value),
                    "n_treated": int(eff.n_treated),
                    "n_control": int(eff.n_control),
                    "error": None,
                }
            )
        except OutcomelabError as err:
            row.update(
                {k: None for k in ("estimate", "std_error", "conf_low", "conf_high", "p_value")}
            )
            row.update({"n_treated": None, "n_control": None, "error": str(err)})
        self.robustness.append(row)

    def check_robustness(self) -> None:
        """The primary outcome under the other control group, estimator and covariate choice."""
        lang, code = self.lang, self.primary
        en = lang == "en"
        if self._design.uses_did:
            other = "not_yet_treated" if self.control_group == "never_treated" else "never_treated"

            def other_group() -> EffectResult:
                return did_effect(
                    self.panel,
                    outcome=code,
                    follow_up_months=self.follow_up_months,
                    covariates=self.covariates,
                    control_group=other,
                    alpha=self.alpha,
                    seed=self.seed,
                ).effect

            def no_covariates() -> EffectResult:
                return did_effect(
                    self.panel,
                    outcome=code,
                    follow_up_months=self.follow_up_months,
                    covariates=None,
                    control_group=self.control_group,
                    alpha=self.alpha,
                    seed=self.seed,
                ).effect

            def matched() -> EffectResult:
                m = self.matching or self._run_matching(adjust=True)
                return m.effects[code]

            label_cg = (
                f"Other comparison group ({other.replace('_', ' ')})"
                if en
                else "Annan jämförelsegrupp ("
                + ("ännu inte behandlade" if other == "not_yet_treated" else "aldrig behandlade")
                + ")"
            )
            self._robust_row(label_cg, "att_gt/dr", other, True, other_group)
            self._robust_row(
                "Without covariates" if en else "Utan bakgrundsvariabler",
                "att_gt/dr",
                self.control_group,
                False,
                no_covariates,
            )
            self._robust_row(
                "Other estimator: propensity-score matching"
                if en
                else "Annan skattning: matchning på sannolikhet att delta",
                "nearest/logit",
                "matched",
                True,
                matched,
            )
        else:

            def unadjusted() -> EffectResult:
                return self._run_matching(adjust=False).effects[code]

            def did() -> EffectResult:
                return did_effect(
                    self.panel,
                    outcome=code,
                    follow_up_months=self.follow_up_months,
                    covariates=self.covariates,
                    control_group=self.control_group,
                    alpha=self.alpha,
                    seed=self.seed,
                ).effect

            self._robust_row(
                "Without regression adjustment" if en else "Utan regressionsjustering",
                "nearest/logit",
                "matched",
                False,
                unadjusted,
            )
            if self._design.pre_periods >= 1:
                self._robust_row(
                    "Other estimator: difference-in-differences"
                    if en
                    else "Annan skattning: difference-in-differences",
                    "att_gt/dr",
                    self.control_group,
                    True,
                    did,
                )

    # -- step 5: evidence ----------------------------------------------------------------------
    def rate_evidence(self) -> EvidenceRating:
        """Maryland SMS level and WWC baseline-equivalence verdict, with reasons."""
        p = self.pretrend["p_value"] if self.pretrend else None
        self.evidence = evidence_rating(
            design="did" if self._design.uses_did else "matching",
            equivalence=self._equivalence,
            pretrend_p=p,
            alpha=0.05,
            lang=self.lang,
        )
        return self.evidence

    # -- step 6: socio-economic value ------------------------------------------------------------
    def value(self) -> None:
        """Socio-economic value with :func:`outcomelab.economics.value`, when it can be computed."""
        try:
            from outcomelab.economics import value
        except ImportError:  # the economics package is optional for a report
            self.economics_error = "outcomelab.economics is not available."
            return
        effects = {e.code: e.effect for e in self.estimates if e.effect is not None}
        if "social_assistance_amount" in effects:
            # receipt and amount value the same money: keep the amount only
            effects.pop("social_assistance_receipt", None)
        costs = self._inputs.costs
        analysed = self.estimates[0].n_treated or 0
        try:
            self.economics = value(
                effects,
                None,
                costs,
                horizon_years=int(self.params.get("horizon_years", 10)),
                participants=int(analysed),
                start_year=int(min(self._design.cohorts)),
                discount_rate=float(self.params.get("discount_rate", 0.035)),
                draws=2000,
                seed=self.seed,
            )
        except (OutcomelabError, ValueError, KeyError) as err:
            self.economics = None
            self.economics_error = str(err)

    # -- the sample flow -------------------------------------------------------------------------
    def sample_flow(self) -> SampleFlow:
        """Counts from submitted to analysed with the reasons people dropped out."""
        lang = self.lang
        part = self._inputs.participants
        if "group" in part.columns:
            part = part[part["group"] == "participant"]
        submitted = len(part)
        no_start = (
            int(part["start_date"].isna().sum() + (part["start_date"] == "None").sum())
            if "start_date" in part.columns
            else 0
        )
        persons = self._inputs.panel.drop_duplicates("unit")
        valid = int((persons["treated"] == 1).sum())
        valid = min(valid, submitted)
        e = event_time(self.follow_up_months, self.panel)
        first, last = int(self.panel["period"].min()), int(self.panel["period"].max())
        cohorts = persons.loc[persons["treated"] == 1, "cohort"]
        too_late = int((cohorts + e > last).sum())
        too_early = int((cohorts <= first).sum()) if self._design.uses_did else 0
        missing = self._counts.get("missing_covariates", 0)
        eligible = max(valid - too_late - too_early - missing, 0)
        primary = self.estimates[0]
        analysed = min(int(primary.n_treated or 0), eligible)
        reasons = [
            ("valid", t("r_no_start", lang), no_start),
            ("valid", t("r_no_outcomes", lang), submitted - valid - no_start),
            ("eligible", t("r_too_late", lang, months=self.follow_up_months), too_late),
            ("eligible", t("r_too_early", lang), too_early),
            ("eligible", t("r_missing_covariates", lang), missing),
            (
                "analysed",
                t("r_not_in_estimate" if self._design.uses_did else "r_unmatched", lang),
                eligible - analysed,
            ),
        ]
        self.flow = SampleFlow.build(
            submitted=submitted,
            valid=valid,
            eligible=eligible,
            analysed=analysed,
            comparison_pool=int((persons["cohort"] == 0).sum()),
            comparison_analysed=int(primary.n_control or 0),
            reasons=[(s, r, max(int(c), 0)) for s, r, c in reasons],
        )
        return self.flow

    def _unit_of_analysis(self) -> dict[str, Any]:
        """The unit of analysis and, for aggregate units, the persons behind the analysed units."""
        info = self._inputs.panel.attrs.get("panel_info") or {}
        unit = str(info.get("unit_of_analysis") or "person")
        weight = info.get("weight")
        if unit == "person" or not weight or weight not in self.panel.columns:
            return {"unit": unit, "weight": None}
        persons = self.panel.drop_duplicates("unit")
        e = event_time(self.follow_up_months, self.panel)
        last = int(self.panel["period"].max())
        treated = persons[(persons["cohort"] > 0) & (persons["cohort"] + e <= last)]
        comparison = persons[persons["cohort"] == 0]
        return {
            "unit": unit,
            "weight": str(weight),
            "persons_analysed": int(treated[weight].sum()),
            "persons_comparison": int(comparison[weight].sum()),
            "min_unit_persons": int(persons[weight].min()),
        }

    # -- results.json ----------------------------------------------------------------------------
    def outcome_records(self) -> list[dict[str, Any]]:
        """The ``outcomes`` array of results.json (primary first, Holm across secondaries)."""
        secondary_p = [
            _num(e.effect.p_value) if e.effect is not None else None for e in self.estimates[1:]
        ]
        adjusted = [
            _num(self.estimates[0].effect.p_value) if self.estimates[0].effect else None,
            *holm(secondary_p),
        ]
        records = []
        for est, p_holm in zip(self.estimates, adjusted, strict=True):
            eff = est.effect
            rec: dict[str, Any] = {
                "code": est.code,
                "name": est.info.name(self.lang),
                "primary": est.primary,
                "kind": est.info.kind,
                "unit": unit_word(est.info, self.lang) or None,
                "direction": est.info.direction,
                "estimate": _num(eff.estimate) if eff else None,
                "std_error": _num(eff.std_error) if eff else None,
                "conf_low": _num(eff.conf_low) if eff else None,
                "conf_high": _num(eff.conf_high) if eff else None,
                "p_value": _num(eff.p_value) if eff else None,
                "p_value_holm": p_holm,
                "n_treated": est.n_treated,
                "n_control": est.n_control,
                "estimand": (eff.estimand if eff else ""),
                "method": (eff.method if eff else ""),
                "comparison_mean": est.comparison_mean,
                "error": est.error,
            }
            rec["significant"] = bool(p_holm is not None and p_holm < self.alpha)
            rec["verdict"] = verdict(rec["estimate"], p_holm, self.alpha, est.info.direction)
            records.append(rec)
        return records

    def headline(self) -> str:
        """The plain-language headline of the primary outcome."""
        rec = self.outcome_records()[0] | {"alpha": self.alpha}
        return headline_text(
            rec, self.estimates[0].info, lang=self.lang, follow_up_months=self.follow_up_months
        )

    def results(self, figures: list[str] | None = None) -> dict[str, Any]:
        """Everything results.json holds (see ``data_schemas/results/results.md``)."""
        from outcomelab import __version__

        inputs, design = self._inputs, self._design
        meta = inputs.intervention
        records = self.outcome_records()
        flow = self.flow or self.sample_flow()
        evidence = self.evidence or self.rate_evidence()
        economics = None
        if self.economics is not None:
            economics = dict(self.economics.to_dict())
            economics["discount_rate"] = float(self.params.get("discount_rate", 0.035))
            economics["horizon_years"] = int(self.params.get("horizon_years", 10))
        event_rows = None
        if design.uses_did:
            terms = self.did[self.primary].dynamic.tidy()
            event_rows = [
                {
                    "rel_time": int(r["event_time"]),
                    "estimate": _num(r["estimate"]),
                    "conf_low": _num(r["conf_low"]),
                    "conf_high": _num(r["conf_high"]),
                }
                for r in terms.to_dict(orient="records")
            ]
        balance = None
        if self.evidence is not None:
            balance = {"max_abs_smd": evidence.max_abs_smd, "wwc_verdict": evidence.wwc_verdict}
        params = {k: v for k, v in self.params.items() if k not in _PATH_PARAMETERS}
        unit = self._unit_of_analysis()
        if unit.get("persons_analysed") is not None:
            for rec in records:
                rec["persons_treated"] = unit["persons_analysed"]
        covariate_set = self.panel.attrs.get("covariate_set") or {}
        return {
            "schema_version": SCHEMA_VERSION,
            "evaluation_id": f"{inputs.intervention_id}-{inputs.version_hash[:12]}",
            "language": self.lang,
            "outcomelab_version": __version__,
            "intervention": {
                "id": inputs.intervention_id,
                "name": meta.get("name"),
                "organisation": {
                    "name": meta.get("organisation_name"),
                    "type": meta.get("organisation_type"),
                    "code": meta.get("organisation_code"),
                },
                "target_group": meta.get("target_group"),
                "funding_form": meta.get("funding_form"),
                "start_date": meta.get("start_date"),
                "end_date": meta.get("end_date"),
                "description": meta.get("description"),
            },
            "submission": {"id": inputs.submission_id, "version_hash": inputs.version_hash},
            "design": {
                "requested": design.requested,
                "chosen": design.chosen,
                "estimator": design.estimator,
                "reason": design.reason,
                "control_group": self.control_group if design.uses_did else "matched",
                "follow_up_months": self.follow_up_months,
                "alpha": self.alpha,
                "seed": self.seed,
                "covariates": list(self.covariates),
                "covariates_missing": list(covariate_set.get("missing_recommended", [])),
                "covariates_left_out": list(covariate_set.get("left_out", [])),
                "cohorts": list(design.cohorts),
                "pre_periods": design.pre_periods,
            },
            "unit_of_analysis": unit,
            "evidence": evidence.to_dict(),
            "sample_flow": flow.to_dict(),
            "outcomes": records,
            "robustness": self.robustness,
            "diagnostics": {
                "pretrend": self.pretrend,
                "event_study": event_rows,
                "balance": balance,
            },
            "economics": economics,
            "headline": {
                "text": self.headline(),
                "verdict": records[0]["verdict"],
                "outcome": records[0]["code"],
            },
            "parameters": params,
            "figures": sorted(figures or []),
        }
