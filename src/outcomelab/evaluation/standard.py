"""The standard evaluation: its steps in order, and everything results.json holds.

The steps are functions of the results before them, each returning an immutable result, in the
order of the analysis (so that a failure is reported in the section where it happened)::

    setup = prepare(params)                          # data, outcomes, design
    estimates = estimate(setup)                       # the effect on every outcome
    diagnostics = diagnose(setup, estimates)          # pre-trends, baseline equivalence
    robustness = check_robustness(setup, estimates)   # other reasonable choices
    evidence = rate_evidence(setup, diagnostics)      # Maryland SMS, WWC
    flow = count_sample_flow(setup, estimates)        # who was analysed
    valuation = value_effects(setup, estimates)       # socio-economic value
    ev = Evaluation(setup, estimates, diagnostics, robustness, evidence, flow, valuation)

:func:`run_evaluation` runs them all. :class:`Evaluation` holds the results and words them
(:meth:`Evaluation.outcome_records`, :meth:`Evaluation.headline`, :meth:`Evaluation.results`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from outcomelab._checks import LANGUAGES, Lang, check_lang
from outcomelab.evaluation import SCHEMA_VERSION
from outcomelab.evaluation.diagnostics import Diagnostics, diagnose, rate_evidence
from outcomelab.evaluation.estimates import Estimates, OutcomeEstimate, estimate
from outcomelab.evaluation.evidence import EvidenceRating
from outcomelab.evaluation.headline import headline_text, unit_word
from outcomelab.evaluation.outcomes import holm, verdict
from outcomelab.evaluation.planned import PlanComparison, compare_plan, plan_record
from outcomelab.evaluation.robustness import RobustnessCheck, check_robustness
from outcomelab.evaluation.sample_flow import SampleFlow, count_sample_flow
from outcomelab.evaluation.settings import EvaluationSettings
from outcomelab.evaluation.setup import Setup, prepare
from outcomelab.evaluation.valuation import Valuation, value_effects
from outcomelab.numerics import finite_or_none
from outcomelab.vocabulary.phrases import in_language

__all__ = ["Evaluation", "OutcomeEstimate", "run_evaluation"]


@dataclass(frozen=True)
class Evaluation:
    """The results of every step of one standard evaluation (read-only)."""

    setup: Setup
    estimates: Estimates
    diagnostics: Diagnostics
    robustness: tuple[RobustnessCheck, ...]
    evidence: EvidenceRating
    flow: SampleFlow
    valuation: Valuation
    #: the evaluation in each language, made once (see :meth:`in_language`)
    _languages: dict[str, Evaluation] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def settings(self) -> EvaluationSettings:
        """The evaluation's choices."""
        return self.setup.settings

    @property
    def lang(self) -> Lang:
        """The report language."""
        return self.setup.settings.lang

    def in_language(self, lang: str) -> Evaluation:
        """The same evaluation (the same numbers, nothing recomputed) shown in ``lang``.

        The steps keep their explanations as language-neutral phrases; every text of the report
        and of results.json is written in :attr:`lang` when it is shown, so one estimation gives
        the Swedish and the English report.
        """
        lang = check_lang(lang)
        if lang == self.lang:
            return self
        if lang not in self._languages:
            setup = replace(self.setup, settings=replace(self.settings, lang=lang))
            if "persons" in vars(self.setup):  # the cached one row per unit: the same data
                vars(setup)["persons"] = self.setup.persons
            shown = replace(self, setup=setup)
            shown._languages[self.lang] = self
            self._languages[lang] = shown
        return self._languages[lang]

    def text(self, value: Any) -> Any:
        """A step's phrase (or any value) written in the report language."""
        return in_language(value, self.lang)

    def outcome_records(self) -> list[dict[str, Any]]:
        """The ``outcomes`` array of results.json (primary first, Holm across secondaries)."""
        alpha = self.settings.alpha
        found = self.estimates.outcomes
        secondary_p = [
            finite_or_none(e.effect.p_value) if e.effect is not None else None for e in found[1:]
        ]
        primary = found[0].effect
        adjusted = [finite_or_none(primary.p_value) if primary else None, *holm(secondary_p)]
        return [
            _outcome_record(est, p_holm, alpha, self.lang)
            for est, p_holm in zip(found, adjusted, strict=True)
        ]

    def headline(self) -> str:
        """The plain-language headline of the primary outcome."""
        rec = self.outcome_records()[0] | {"alpha": self.settings.alpha}
        run = self.estimates.synthetic.get(self.setup.primary)
        if run is not None:
            from outcomelab.evaluation.aggregate import synthetic_headline, treated_names

            treated = treated_names(self.setup.panel, self.setup.inputs.participants, self.lang)
            return synthetic_headline(
                rec,
                self.estimates.primary.info,
                run,
                treated=treated,
                lang=self.lang,
                unit=self.setup.unit_of_analysis()["unit"],
            )
        return headline_text(
            rec,
            self.estimates.primary.info,
            lang=self.lang,
            follow_up_months=self.settings.follow_up_months,
            unit=self.setup.unit_of_analysis()["unit"],
        )

    def texts(self) -> dict[str, Any]:
        """The words a reader sees, in :attr:`lang` (one language of results.json's ``texts``).

        ``dropped_reasons`` and ``robustness_labels`` follow the order of ``sample_flow.dropped``
        and ``robustness``; ``outcome_names`` and ``outcome_units`` are keyed by outcome code.
        """
        records = self.outcome_records()
        return {
            "headline": self.headline(),
            "design_reason": self.text(self.setup.design.reason),
            "sms_reasons": [self.text(r) for r in self.evidence.sms_reasons],
            "wwc_reasons": [self.text(r) for r in self.evidence.wwc_reasons],
            "dropped_reasons": [self.text(d.reason) for d in self.flow.dropped],
            "robustness_labels": [self.text(r.label) for r in self.robustness],
            "outcome_names": {r["code"]: r["name"] for r in records},
            "outcome_units": {r["code"]: r["unit"] for r in records},
        }

    def results(self, figures: list[str] | None = None) -> dict[str, Any]:
        """Everything results.json holds (see ``data_schemas/results/results.md``)."""
        from outcomelab._version import __version__

        inputs = self.setup.inputs
        records = self.outcome_records()
        unit = self.setup.unit_of_analysis()
        if unit.get("persons_analysed") is not None:
            for rec in records:
                rec["persons_treated"] = unit["persons_analysed"]
        results: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "evaluation_id": f"{inputs.intervention_id}-{inputs.version_hash[:12]}",
            "language": self.lang,
            "outcomelab_version": __version__,
            "intervention": _intervention_record(self.setup),
            "submission": {"id": inputs.submission_id, "version_hash": inputs.version_hash},
            "design": _design_record(self.setup),
            "unit_of_analysis": unit,
            "evidence": self.evidence.to_dict(self.lang),
            "sample_flow": self.flow.to_dict(self.lang),
            "outcomes": records,
            "robustness": [r.to_dict(self.lang) for r in self.robustness],
            "diagnostics": {
                "pretrend": self.diagnostics.pretrend.to_dict()
                if self.diagnostics.pretrend
                else None,
                "event_study": self._event_study_rows(),
                "dropped_cells": [c.to_dict() for c in self.diagnostics.dropped_cells],
                "balance": {
                    "max_abs_smd": self.evidence.max_abs_smd,
                    "wwc_verdict": self.evidence.wwc_verdict,
                },
                "matching": self._matching_record(),
            },
            "economics": self.valuation.to_dict(),
            "synthetic": self._synthetic(),
            "headline": {
                "text": self.headline(),
                "verdict": records[0]["verdict"],
                "outcome": records[0]["code"],
            },
            "texts": {lang: self.in_language(lang).texts() for lang in LANGUAGES},
            "parameters": self.settings.public_params(),
            "figures": sorted(figures or []),
        }
        if self.setup.plan is not None:
            results["plan"] = {
                **plan_record(self.setup.plan, results),
                "plans_registered": len(self.setup.plans),
            }
        return results

    def planned_versus_done(self) -> list[PlanComparison] | None:
        """The registered plan beside what this evaluation did (None without a plan)."""
        if self.setup.plan is None:
            return None
        return compare_plan(self.setup.plan, self.results())

    def _matching_record(self) -> dict[str, int] | None:
        """Matched units and the matches decided by the tie rule (matching runs, else None)."""
        run = self.estimates.matching
        if run is None:
            return None
        matched = run.estimate.matched
        return {
            "n_treated": int(matched.n_treated),
            "n_control": int(matched.n_control),
            "n_tied": int(matched.n_tied),
        }

    def _synthetic(self) -> dict[str, Any] | None:
        """The aggregate-unit design's numbers for the primary outcome (or ``None``)."""
        run = self.estimates.synthetic.get(self.setup.primary)
        return None if run is None else run.to_dict()

    def _event_study_rows(self) -> list[dict[str, Any]] | None:
        if not self.setup.design.uses_did:
            return None
        terms = self.estimates.did[self.setup.primary].dynamic.tidy()
        return [
            {
                "rel_time": int(r["event_time"]),
                "estimate": finite_or_none(r["estimate"]),
                "conf_low": finite_or_none(r["conf_low"]),
                "conf_high": finite_or_none(r["conf_high"]),
            }
            for r in terms.to_dict(orient="records")
        ]


def _outcome_record(
    est: OutcomeEstimate, p_holm: float | None, alpha: float, lang: str
) -> dict[str, Any]:
    eff = est.effect
    numbers = ("estimate", "std_error", "conf_low", "conf_high", "p_value")
    record: dict[str, Any] = {
        "code": est.code,
        "name": est.info.name(lang),
        "primary": est.primary,
        "kind": est.info.kind,
        "unit": unit_word(est.info, lang) or None,
        "direction": est.info.direction,
        **{k: finite_or_none(getattr(eff, k)) if eff else None for k in numbers},
        "p_value_holm": p_holm,
        "n_treated": est.n_treated,
        "n_control": est.n_control,
        "estimand": (eff.estimand if eff else ""),
        "method": (eff.method if eff else ""),
        "comparison_mean": est.comparison_mean,
        "error": in_language(est.error, lang),
    }
    record["significant"] = bool(p_holm is not None and p_holm < alpha)
    record["verdict"] = (
        "not_estimable"
        if est.error is not None
        else verdict(record["estimate"], p_holm, alpha, est.info.direction)
    )
    return record


def _intervention_record(setup: Setup) -> dict[str, Any]:
    meta = setup.inputs.intervention
    return {
        "id": setup.inputs.intervention_id,
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
    }


def _design_record(setup: Setup) -> dict[str, Any]:
    design, s = setup.design, setup.settings
    return {
        "requested": design.requested,
        "chosen": design.chosen,
        "estimator": design.estimator,
        "reason": in_language(design.reason, s.lang),
        "control_group": (
            s.control_group
            if design.uses_did
            else "own_history"
            if design.estimator == "its"
            else "synthetic"
            if design.uses_synthetic
            else "matched"
        ),
        "follow_up_months": s.follow_up_months,
        "alpha": s.alpha,
        "seed": s.seed,
        "covariates": list(setup.covariates),
        "covariates_missing": list(setup.covariate_set.get("missing_recommended", [])),
        "covariates_left_out": list(setup.covariate_set.get("left_out", [])),
        "cohorts": list(design.cohorts),
        "pre_periods": design.pre_periods,
    }


def run_evaluation(params: Mapping[str, Any] | EvaluationSettings) -> Evaluation:
    """Run every step of the standard evaluation.

    Parameters
    ----------
    params
        The standard template's parameters (see ``templates/standard_evaluation.ipynb``).

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> from outcomelab.example import example_dir
    >>> ev = run_evaluation({"data_dir": str(example_dir()), "lang": "en"})  # doctest: +SKIP
    >>> ev.headline()  # doctest: +SKIP
    """
    setup = prepare(params)
    estimates = estimate(setup)
    diagnostics = diagnose(setup, estimates)
    return Evaluation(
        setup=setup,
        estimates=estimates,
        diagnostics=diagnostics,
        robustness=check_robustness(setup, estimates),
        evidence=rate_evidence(setup, diagnostics),
        flow=count_sample_flow(setup, estimates),
        valuation=value_effects(setup, estimates),
    )
