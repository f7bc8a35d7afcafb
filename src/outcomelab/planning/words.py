"""The plan in plain words, in Swedish and English (what ``outcomelab plan`` prints).

Numbers are formatted by the report's formatter, so a plan reads like the report it announces.
"""

from __future__ import annotations

from typing import Any

from outcomelab._checks import check_lang
from outcomelab.planning.assessment import PlanAssessment
from outcomelab.planning.simulate import SimulatedPower
from outcomelab.vocabulary import lab_catalogue
from outcomelab.vocabulary.numbers import fmt_int, fmt_num

__all__ = ["PLAN_TEXT", "render_plan"]

PLAN_TEXT: dict[str, dict[str, str]] = {
    "title": {
        "sv": "Utvärderingsplan för {id}: går effekten att se?",
        "en": "Evaluation plan for {id}: can the effect be seen?",
    },
    "sizes_person": {
        "sv": "Med {n} analyserade deltagare ({per} per startgrupp i {c} startgrupper, efter att "
        "{att} % väntas falla bort) och {pool} personer i jämförelsegruppen är den minsta effekt "
        "som utvärderingen säkert kan upptäcka (styrka {power} %, signifikansnivå {alpha} %):",
        "en": "With {n} participants analysed ({per} per start cohort in {c} cohorts, after "
        "{att}% expected to be lost) and {pool} comparison persons, the smallest effect the "
        "evaluation can reliably detect ({power}% power, {alpha}% significance level) is:",
    },
    "sizes_aggregate": {
        "sv": "Med {n} kommun(er) med insatsen och {pool} jämförelsekommuner är den minsta effekt "
        "som utvärderingen säkert kan upptäcka (styrka {power} %, signifikansnivå {alpha} %):",
        "en": "With {n} municipality(ies) with the intervention and {pool} comparison "
        "municipalities, the smallest effect the evaluation can reliably detect ({power}% power, "
        "{alpha}% significance level) is:",
    },
    "mde_rate": {
        "sv": "{x} fler eller färre {outcome} av varje 100 deltagare (jämfört med {base} av 100 i "
        "jämförelsegruppen).",
        "en": "{x} more or fewer participants {outcome} out of every 100 (compared with {base} "
        "of 100 in the comparison group).",
    },
    "mde_level": {
        "sv": "en skillnad på {x} {outcome} per deltagare och år (standardavvikelse {sd}).",
        "en": "a difference of {x} {outcome} per participant and year (standard deviation {sd}).",
    },
    "hoped_yes": {
        "sv": "Ni hoppas på {hoped}. Det är större än den minsta upptäckbara effekten: "
        "utvärderingen har {p} % chans att visa den.",
        "en": "You hope for {hoped}. That is larger than the smallest detectable effect: the "
        "evaluation has a {p}% chance of showing it.",
    },
    "hoped_no": {
        "sv": "Ni hoppas på {hoped}. Det är mindre än den minsta upptäckbara effekten: "
        "utvärderingen har bara {p} % chans att visa den, och ett resultat utan säkerställd "
        "effekt skulle säga lite.",
        "en": "You hope for {hoped}. That is smaller than the smallest detectable effect: the "
        "evaluation has only a {p}% chance of showing it, so a result without a significant "
        "effect would say little.",
    },
    "needed_person": {
        "sv": "För att upptäcka {hoped} med {power} % styrka behövs omkring {need} analyserade "
        "deltagare, det vill säga {per} deltagare per startgrupp.",
        "en": "To detect {hoped} with {power}% power you need about {need} participants "
        "analysed, that is {per} participants per start cohort.",
    },
    "needed_aggregate": {
        "sv": "För att upptäcka {hoped} med {power} % styrka behövs omkring {need} kommuner med "
        "insatsen.",
        "en": "To detect {hoped} with {power}% power you need about {need} municipalities with "
        "the intervention.",
    },
    "pool_too_small": {
        "sv": "Jämförelsegruppen är för liten: inte ens med obegränsat många deltagare går "
        "effekten ni hoppas på att upptäcka. Utvidga jämförelsegruppen.",
        "en": "The comparison group is too small: not even an unlimited number of participants "
        "would detect the effect you hope for. Widen the comparison group.",
    },
    "publish_yes": {
        "sv": "Labbet publicerar resultat för minst {min} deltagare. Med {n} väntade deltagare "
        "kan resultatet publiceras.",
        "en": "The lab publishes results for at least {min} participants. With {n} expected "
        "participants the result can be published.",
    },
    "publish_no": {
        "sv": "Labbet publicerar resultat för minst {min} deltagare. Med {n} väntade deltagare "
        "kan resultatet inte publiceras; ta in fler deltagare eller fler startgrupper.",
        "en": "The lab publishes results for at least {min} participants. With {n} expected "
        "participants the result cannot be published; recruit more participants or cohorts.",
    },
    "note_small_cells": {
        "sv": "Bara omkring {events} deltagare väntas ha (eller sakna) utfallet; tabellceller "
        "under {min_cell} personer döljs i den publicerade rapporten.",
        "en": "Only about {events} participants are expected to have (or lack) the outcome; table "
        "cells under {min_cell} persons are suppressed in the published report.",
    },
    "note_few_treated_units": {
        "sv": "Med så få kommuner med insatsen är beräkningen optimistisk: skillnader mellan "
        "kommuner kan likna en effekt. Syntetisk kontroll eller syntetisk DiD behövs.",
        "en": "With so few municipalities with the intervention the calculation is optimistic: "
        "differences between municipalities can look like an effect. Synthetic control or "
        "synthetic DiD is needed.",
    },
    "note_few_treated_units_sdid": {
        "sv": "Med så få kommuner med insatsen är beräkningen en grov vägledning. Simulera styrkan "
        "med `--simulate`: då skattas data med den här uppläggningen med labbets syntetiska DiD.",
        "en": "With so few municipalities with the intervention the calculation is a rough guide. "
        "Simulate the power with `--simulate`: the lab's synthetic DiD then estimates data of "
        "this design.",
    },
    "note_staggered": {
        "sv": "Deltagarna startar i flera omgångar; simulera styrkan med `--simulate` för att "
        "pröva labbets egen skattning på data med den här uppläggningen.",
        "en": "Participants start in several rounds; simulate the power with `--simulate` to try "
        "the lab's own estimator on data of this design.",
    },
    "note_pool_too_small": {"sv": "", "en": ""},
    "simulated": {
        "sv": "Simulering ({reps} dataset med {method} och en sann effekt på {effect}): "
        "styrka {power} % (± {se}), medelskattning {mean}, täckning {coverage} %.",
        "en": "Simulation ({reps} data sets with {method} and a true effect of {effect}): power "
        "{power}% (± {se}), mean estimate {mean}, coverage {coverage}%.",
    },
    "simulated_failures": {
        "sv": "{n} dataset kunde inte skattas: {reasons}",
        "en": "{n} data sets could not be estimated: {reasons}",
    },
    "h_checklist": {
        "sv": "Går insatsen att utvärdera?",
        "en": "Can the intervention be evaluated?",
    },
    "ck_comparison_group": {
        "sv": "Det finns en jämförelsegrupp utan insatsen",
        "en": "There is a comparison group without the intervention",
    },
    "ck_outcome_in_registers": {
        "sv": "Utfallet finns i register eller i den kommunala statistiken ({source})",
        "en": "The outcome is in registers or the municipal statistics ({source})",
    },
    "ck_start_dates": {
        "sv": "Varje deltagares startdatum registreras",
        "en": "Each participant's start date is recorded",
    },
    "ck_primary_outcome_fixed": {
        "sv": "Det primära utfallet är bestämt före start",
        "en": "The primary outcome is fixed before the start",
    },
    "ck_pre_periods": {
        "sv": "Minst två år med utfallsdata före start ({periods}), så att trender kan prövas",
        "en": "At least two years of outcome data before the start ({periods}), so trends can be "
        "checked",
    },
    "ck_publication_minimum": {
        "sv": "Tillräckligt många deltagare för publicering",
        "en": "Enough participants to publish",
    },
    "ck_power": {
        "sv": "Effekten ni hoppas på går att upptäcka",
        "en": "The effect you hope for can be detected",
    },
    "src_register": {"sv": "register", "en": "registers"},
    "src_municipal_statistics": {"sv": "kommunal statistik", "en": "municipal statistics"},
    "src_own_records": {"sv": "egna anteckningar", "en": "own records"},
    "src_unknown": {"sv": "okänt", "en": "unknown"},
    "est_did": {"sv": "DiD per startgrupp", "en": "group-time DiD"},
    "est_matching": {"sv": "matchning", "en": "matching"},
    "est_sdid": {"sv": "syntetisk DiD", "en": "synthetic DiD"},
    "st_yes": {"sv": "ja", "en": "yes"},
    "st_no": {"sv": "nej", "en": "no"},
    "st_unknown": {"sv": "okänt", "en": "unknown"},
}

_MARK = {"yes": "✓", "no": "✗", "unknown": "?"}


def _t(key: str, lang: str, **values: Any) -> str:
    return PLAN_TEXT[key][lang].format(**values)


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
    standard = lab_catalogue().get(d.outcome)
    outcome = standard.phrase(lang) if standard is not None else d.outcome
    pct = {"power": fmt_num(100 * d.power, lang, 0), "alpha": fmt_num(100 * d.alpha, lang, 0)}
    lines = [_t("title", lang, id=d.intervention_id), ""]
    if d.unit == "person":
        lines.append(
            _t(
                "sizes_person",
                lang,
                n=fmt_int(d.participants, lang),
                per=fmt_int(d.participants_per_cohort, lang),
                c=d.cohorts,
                att=fmt_num(100 * d.attrition, lang, 0),
                pool=fmt_int(d.comparison_pool, lang),
                **pct,
            )
        )
    else:
        lines.append(
            _t(
                "sizes_aggregate",
                lang,
                n=d.treated_units,
                pool=fmt_int(d.comparison_pool, lang),
                **pct,
            )
        )
    if d.is_share:
        lines.append(
            "  "
            + _t(
                "mde_rate",
                lang,
                x=fmt_num(100 * a.mde, lang, 1),
                outcome=outcome,
                base=fmt_num(100 * float(d.base_rate or 0), lang, 0),
            )
        )
    else:
        lines.append(
            "  "
            + _t(
                "mde_level",
                lang,
                x=fmt_num(a.mde, lang, 1),
                outcome=outcome,
                sd=fmt_num(a.sigma, lang, 1),
            )
        )
    hoped = _effect_words(d.hoped_effect, d.outcome_kind, lang)
    power_hoped = fmt_num(100 * a.power_at_hoped, lang, 0)
    lines += ["", _t("hoped_yes" if a.detectable else "hoped_no", lang, hoped=hoped, p=power_hoped)]
    if not a.detectable:
        if a.treated_needed is None:
            lines.append(_t("pool_too_small", lang))
        elif d.unit == "person":
            lines.append(
                _t(
                    "needed_person",
                    lang,
                    hoped=hoped,
                    power=pct["power"],
                    need=fmt_int(int(-(-a.treated_needed // 1)), lang),
                    per=fmt_int(a.participants_per_cohort_needed, lang),
                )
            )
        else:
            lines.append(
                _t(
                    "needed_aggregate",
                    lang,
                    hoped=hoped,
                    power=pct["power"],
                    need=fmt_int(int(-(-a.treated_needed // 1)), lang),
                )
            )
    lines += [
        "",
        _t(
            "publish_yes" if a.publishable else "publish_no",
            lang,
            min=a.min_cohort,
            n=fmt_int(d.participants, lang),
        ),
    ]
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
    if simulated is not None:
        lines += [
            "",
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
            ),
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
    lines += ["", _t("h_checklist", lang)]
    for item in a.checklist:
        values = dict(item.values)
        if "source" in values:
            values["source"] = _t(f"src_{values['source']}", lang)
        lines.append(f"  {_MARK[item.status]} {_t(f'ck_{item.key}', lang, **values)}")
    return "\n".join(lines)
