"""The plan in plain words, in Swedish and English (what ``outcomelab plan`` prints).

Numbers are formatted by the report's formatter, so a plan reads like the report it announces.
"""

from __future__ import annotations

from typing import Any

from outcomelab._checks import check_lang
from outcomelab.planning.assessment import PlanAssessment
from outcomelab.planning.design import PlannedDesign
from outcomelab.planning.simulate import SimulatedPower
from outcomelab.vocabulary import lab_catalogue
from outcomelab.vocabulary.numbers import fmt_int, fmt_num
from outcomelab.vocabulary.texts import t

__all__ = ["render_plan"]


_MARK = {"yes": "✓", "no": "✗", "unknown": "?"}


def _t(key: str, lang: str, **values: Any) -> str:
    return t(f"plan_{key}", lang, **values)


def _effect_words(value: float, kind: str, lang: str) -> str:
    if kind == "rate":
        per100 = fmt_num(100 * abs(value), lang, 1)
        return f"{per100} {'av 100' if lang == 'sv' else 'per 100'}"
    return fmt_num(abs(value), lang, 1)


def render_plan(
    assessment: PlanAssessment, lang: str = "sv", simulated: SimulatedPower | None = None
) -> str:
    """The assessment (and a simulation, if run) as plain paragraphs and a checklist.

    Raises
    ------
    ParameterError
        For a language other than ``sv`` or ``en``.
    """
    check_lang(lang)
    a = assessment
    d = a.design
    pct = {"power": fmt_num(100 * d.power, lang, 0), "alpha": fmt_num(100 * d.alpha, lang, 0)}
    lines = [_t("title", lang, id=d.intervention_id), "", *_size_lines(a, lang, pct)]
    hoped = _effect_words(d.hoped_effect, d.outcome_kind, lang)
    power_hoped = fmt_num(100 * a.power_at_hoped, lang, 0)
    lines += ["", _t("hoped_yes" if a.detectable else "hoped_no", lang, hoped=hoped, p=power_hoped)]
    if not a.detectable:
        lines.append(_needed_line(a, lang, hoped, pct["power"]))
    lines += [
        "",
        _t(
            "publish_yes" if a.publishable else "publish_no",
            lang,
            min=a.min_cohort,
            n=fmt_int(d.participants, lang),
        ),
    ]
    lines += _note_lines(a, lang, simulated)
    if simulated is not None:
        lines += ["", *_simulated_lines(simulated, d, lang)]
    lines += ["", _t("h_checklist", lang)]
    for item in a.checklist:
        values = dict(item.values)
        if "source" in values:
            values["source"] = _t(f"src_{values['source']}", lang)
        lines.append(f"  {_MARK[item.status]} {_t(f'ck_{item.key}', lang, **values)}")
    return "\n".join(lines)


def _size_lines(a: PlanAssessment, lang: str, pct: dict[str, str]) -> list[str]:
    """The planned sizes and the minimal detectable effect."""
    d = a.design
    standard = lab_catalogue().get(d.outcome)
    outcome = standard.phrase(lang) if standard is not None else d.outcome
    if d.unit == "person":
        sizes = _t(
            "sizes_person",
            lang,
            n=fmt_int(d.participants, lang),
            per=fmt_int(d.participants_per_cohort, lang),
            c=d.cohorts,
            att=fmt_num(100 * d.attrition, lang, 0),
            pool=fmt_int(d.comparison_pool, lang),
            **pct,
        )
    else:
        sizes = _t(
            "sizes_aggregate",
            lang,
            n=d.treated_units,
            pool=fmt_int(d.comparison_pool, lang),
            **pct,
        )
    if d.is_share:
        mde = _t(
            "mde_rate",
            lang,
            x=fmt_num(100 * a.mde, lang, 1),
            outcome=outcome,
            base=fmt_num(100 * float(d.base_rate or 0), lang, 0),
        )
    else:
        mde = _t(
            "mde_level",
            lang,
            x=fmt_num(a.mde, lang, 1),
            outcome=outcome,
            sd=fmt_num(a.sigma, lang, 1),
        )
    return [sizes, "  " + mde]


def _needed_line(a: PlanAssessment, lang: str, hoped: str, power: str) -> str:
    """What it would take to detect the hoped-for effect."""
    if a.treated_needed is None:
        return _t("pool_too_small", lang)
    need = fmt_int(int(-(-a.treated_needed // 1)), lang)
    if a.design.unit == "person":
        per = fmt_int(a.participants_per_cohort_needed, lang)
        return _t("needed_person", lang, hoped=hoped, power=power, need=need, per=per)
    return _t("needed_aggregate", lang, hoped=hoped, power=power, need=need)


def _note_lines(a: PlanAssessment, lang: str, simulated: SimulatedPower | None) -> list[str]:
    """The assessment's notes (those a simulation answers left out)."""
    d = a.design
    lines = []
    for note in a.notes:
        if note == "pool_too_small" or (note == "staggered" and simulated is not None):
            continue
        if note == "few_treated_units" and d.design == "sdid":
            if simulated is not None:
                continue
            note = "few_treated_units_sdid"
        lines.append(
            _t(
                f"note_{note}",
                lang,
                events=fmt_num(
                    min(a.expected_events or 0, d.participants - (a.expected_events or 0)), lang, 0
                ),
                min_cell=a.min_cell,
            )
        )
    return lines


def _simulated_lines(simulated: SimulatedPower, d: PlannedDesign, lang: str) -> list[str]:
    """The simulated power, and why some replications failed."""
    lines = [
        _t(
            "simulated",
            lang,
            reps=fmt_int(simulated.replications, lang),
            method=_t(f"est_{simulated.estimator}", lang),
            effect=_effect_words(simulated.effect, d.outcome_kind, lang),
            power=fmt_num(100 * simulated.power, lang, 0),
            se=fmt_num(100 * simulated.power_se, lang, 0),
            mean=fmt_num(simulated.mean_estimate * (100 if d.is_share else 1), lang, 1),
            coverage=fmt_num(100 * simulated.coverage, lang, 0),
        )
    ]
    if simulated.failures:
        lines.append(
            _t(
                "simulated_failures",
                lang,
                n=simulated.failures,
                reasons="; ".join(simulated.failure_reasons[:3]),
            )
        )
    return lines
