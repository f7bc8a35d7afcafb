"""Swedish and English labels for the published catalogue."""

from __future__ import annotations

from outcomelab.reports.i18n import TEXT, code_label
from outcomelab.vocabulary import lab_catalogue

__all__ = ["LANGUAGES", "label"]

LANGUAGES = ("sv", "en")

_LABELS: dict[str, dict[str, str]] = {
    "site_title": {
        "sv": "Utvärderingar av sociala investeringar",
        "en": "Evaluations of social investments",
    },
    "site_intro": {
        "sv": "Standardiserade utvärderingar från utfallslabbet. Resultat för färre än {n} "
        "deltagare publiceras inte, och små tal är undertryckta eller avrundade.",
        "en": "Standard evaluations from the outcomes lab. Results for fewer than {n} "
        "participants are not published, and small counts are suppressed or rounded.",
    },
    "other_language": {"sv": "In English", "en": "På svenska"},
    "filters": {"sv": "Filtrera", "en": "Filter"},
    "search": {"sv": "Sök", "en": "Search"},
    "search_placeholder": {
        "sv": "namn, kommun, utfall ...",
        "en": "name, municipality, outcome ...",
    },
    "all": {"sv": "Alla", "en": "All"},
    "target_group": {"sv": "Målgrupp", "en": "Target group"},
    "organisation": {"sv": "Kommun/region", "en": "Municipality/region"},
    "outcome": {"sv": "Utfall", "en": "Outcome"},
    "design": {"sv": "Design", "en": "Design"},
    "evidence": {"sv": "Evidensnivå (SMS)", "en": "Evidence rating (SMS)"},
    "result": {"sv": "Resultat", "en": "Result"},
    "intervention": {"sv": "Insats", "en": "Intervention"},
    "headline": {"sv": "Huvudresultat", "en": "Headline"},
    "shown": {
        "sv": "Visar {shown} av {total} utvärderingar",
        "en": "Showing {shown} of {total} evaluations",
    },
    "downloads": {"sv": "Ladda ner", "en": "Downloads"},
    "csv_all": {
        "sv": "Huvudresultat för alla utvärderingar (CSV)",
        "en": "Headline results of all evaluations (CSV)",
    },
    "results_json": {
        "sv": "Maskinläsbara resultat (JSON)",
        "en": "Machine-readable results (JSON)",
    },
    "forest_plots": {"sv": "Vad fungerar? Samlad bild per utfall", "en": "What works? By outcome"},
    "back": {"sv": "Till alla utvärderingar", "en": "Back to all evaluations"},
    "who": {"sv": "Vilka utvärderades", "en": "Who was evaluated"},
    "results_per_outcome": {"sv": "Resultat per utfall", "en": "Results per outcome"},
    "estimate": {"sv": "Effekt", "en": "Effect"},
    "interval": {"sv": "95 % konfidensintervall", "en": "95% confidence interval"},
    "p_value": {"sv": "p-värde (Holm)", "en": "p-value (Holm)"},
    "n_treated": {"sv": "Deltagare", "en": "Participants"},
    "n_control": {"sv": "Jämförelsegrupp", "en": "Comparison group"},
    "primary": {"sv": "primärt", "en": "primary"},
    "figures": {"sv": "Figurer", "en": "Figures"},
    "figure_alt": {
        "sv": "Figur {i} i utvärderingen av {name}",
        "en": "Figure {i} of the evaluation of {name}",
    },
    "method": {"sv": "Metod", "en": "Method"},
    "reason": {"sv": "Skäl", "en": "Reason"},
    "stage": {"sv": "Steg", "en": "Stage"},
    "count": {"sv": "Antal", "en": "Count"},
    "suppressed": {"sv": "undertryckt", "en": "suppressed"},
    "withheld": {"sv": "ej publicerat (för få)", "en": "withheld (too few)"},
    "disclosure_note": {
        "sv": "Röjandekontroll: antal avrundade till närmaste {base}; "
        "celler under {cell} undertryckta.",
        "en": "Disclosure control: counts rounded to the nearest {base}; "
        "cells below {cell} suppressed.",
    },
    "submitted": {"sv": "Inskickade", "en": "Submitted"},
    "valid": {"sv": "Giltiga", "en": "Valid"},
    "eligible": {"sv": "Behöriga", "en": "Eligible"},
    "analysed": {"sv": "Analyserade", "en": "Analysed"},
    "comparison_pool": {"sv": "Jämförelsepool", "en": "Comparison pool"},
    "comparison_analysed": {"sv": "Jämförelsegrupp i analysen", "en": "Comparison group analysed"},
    "effect_units": {
        "sv": "Effekter på andelar anges per 100 deltagare (procentenheter), belopp i kronor "
        "per deltagare och år, dagar per deltagare och år.",
        "en": "Effects on shares are per 100 participants (percentage points), amounts in SEK "
        "per participant and year, days per participant and year.",
    },
    "no_results": {"sv": "Inga utvärderingar matchar.", "en": "No evaluations match."},
    # "what works" pages (outcomelab.publish.what_works)
    "ww_title": {"sv": "Vad fungerar? {outcome}", "en": "What works? {outcome}"},
    "ww_intro": {
        "sv": "Samlad bild av alla publicerade utvärderingar som mätt {outcome} {months} månader "
        "efter start.",
        "en": "All published evaluations that measured {outcome} {months} months after the "
        "start, taken together.",
    },
    "ww_rate": {
        "sv": "I {k} utvärderingar med sammanlagt {n} deltagare var i genomsnitt {x} {more} av "
        "varje 100 deltagare {phrase} än i jämförbara grupper ({level} %-intervall: {low} till "
        "{high}).",
        "en": "Across {k} evaluations with {n} participants in all, on average {x} {more} of "
        "every 100 participants were {phrase} than in comparable groups ({level}% interval: "
        "{low} to {high}).",
    },
    "ww_level": {
        "sv": "I {k} utvärderingar med sammanlagt {n} deltagare hade varje deltagare i genomsnitt "
        "{x} {unit}{more} {phrase} per år än jämförbara personer ({level} %-intervall: {low} till "
        "{high}).",
        "en": "Across {k} evaluations with {n} participants in all, each participant had on "
        "average {x} {unit}{more} {phrase} per year than comparable persons ({level}% interval: "
        "{low} to {high}).",
    },
    "ww_more": {"sv": "fler", "en": "more"},
    "ww_fewer": {"sv": "färre", "en": "fewer"},
    "ww_more_amount": {"sv": "mer", "en": "more"},
    "ww_fewer_amount": {"sv": "mindre", "en": "less"},
    "ww_good": {
        "sv": "Skillnaden är statistiskt säkerställd och går åt det önskade hållet.",
        "en": "The difference is statistically significant and in the desired direction.",
    },
    "ww_bad": {
        "sv": "Skillnaden är statistiskt säkerställd men går åt fel håll.",
        "en": "The difference is statistically significant but in the wrong direction.",
    },
    "ww_unclear": {
        "sv": "Skillnaden är inte statistiskt säkerställd: fler utvärderingar behövs för att "
        "säga om insatserna gör skillnad.",
        "en": "The difference is not statistically significant: more evaluations are needed to "
        "tell whether the interventions make a difference.",
    },
    "ww_prediction": {
        "sv": "I en ny kommun kan effekten väntas hamna mellan {low} och {high} "
        "(prediktionsintervall: effekterna skiljer sig mellan kommuner och insatser).",
        "en": "In a new municipality the effect can be expected between {low} and {high} "
        "(prediction interval: effects differ between municipalities and interventions).",
    },
    "ww_prediction_none": {
        "sv": "Med två utvärderingar går det inte att säga hur mycket effekten varierar mellan "
        "kommuner.",
        "en": "With two evaluations it cannot be said how much the effect varies between "
        "municipalities.",
    },
    "ww_not_pooled": {
        "sv": "Färre än två utvärderingar når evidensnivå {level}; ingen samlad effekt beräknas.",
        "en": "Fewer than two evaluations reach evidence level {level}; no pooled effect is "
        "computed.",
    },
    "ww_strength": {"sv": "Evidensstyrka", "en": "Strength of evidence"},
    "ww_strong": {"sv": "Stark", "en": "Strong"},
    "ww_moderate": {"sv": "Måttlig", "en": "Moderate"},
    "ww_limited": {"sv": "Begränsad", "en": "Limited"},
    "ww_insufficient": {"sv": "Otillräcklig", "en": "Insufficient"},
    "ww_r_few_studies": {"sv": "färre än fem utvärderingar", "en": "fewer than five evaluations"},
    "ww_r_imprecise": {"sv": "intervallet rymmer noll", "en": "the interval includes zero"},
    "ww_r_inconsistent": {
        "sv": "effekten kan gå åt olika håll i olika kommuner",
        "en": "the effect may go either way in different municipalities",
    },
    "ww_r_asymmetry": {
        "sv": "små utvärderingar visar systematiskt andra effekter (Eggers test)",
        "en": "small evaluations show systematically different effects (Egger's test)",
    },
    "ww_r_asymmetry_untested": {
        "sv": "snedvridning mot små studier kan prövas först vid tio utvärderingar",
        "en": "small-study bias can only be tested from ten evaluations",
    },
    "ww_r_excluded": {
        "sv": "utvärderingar under nivå 3 är uteslutna",
        "en": "evaluations below level 3 are left out",
    },
    "ww_cost": {"sv": "Kostnad per deltagare", "en": "Cost per participant"},
    "ww_cost_value": {
        "sv": "{x} kr (median, nuvärde, {k} utvärderingar)",
        "en": "SEK {x} (median, present value, {k} evaluations)",
    },
    "ww_cost_none": {"sv": "inte publicerad", "en": "not published"},
    "ww_evaluations": {"sv": "Utvärderingar", "en": "Evaluations"},
    "ww_participants": {"sv": "Deltagare", "en": "Participants"},
    "ww_pooled": {"sv": "Samlad effekt", "en": "Pooled effect"},
    "ww_pi": {"sv": "Prediktionsintervall", "en": "Prediction interval"},
    "ww_forest_alt": {
        "sv": "Skogsdiagram: effekten på {outcome} i varje utvärdering med 95-procentigt "
        "intervall, den samlade effekten som en romb och prediktionsintervallet under den",
        "en": "Forest plot: the effect on {outcome} in each evaluation with its 95% interval, "
        "the pooled effect as a diamond and the prediction interval below it",
    },
    "ww_axis": {"sv": "Effekt ({unit})", "en": "Effect ({unit})"},
    "ww_unit_rate": {"sv": "per 100 deltagare", "en": "per 100 participants"},
    "ww_unit_amount_sek": {
        "sv": "kronor per deltagare och år",
        "en": "SEK per participant and year",
    },
    "ww_unit_days": {"sv": "dagar per deltagare och år", "en": "days per participant and year"},
    "ww_unit_other": {"sv": "per deltagare", "en": "per participant"},
    "ww_sensitivity": {
        "sv": "Med även {m} utvärdering(ar) under nivå {level}: {x} ({low} till {high}).",
        "en": "Including {m} evaluation(s) below level {level} as well: {x} ({low} to {high}).",
    },
    "ww_excluded_withheld": {
        "sv": "{m} resultat är undertryckta av röjandekontrollen och ingår inte.",
        "en": "{m} results are suppressed by disclosure control and not included.",
    },
    "ww_rule": {
        "sv": "Så räknar labbet: utvärderingar på nivå {level} eller högre på Maryland-skalan "
        "(jämförelsegrupp före och efter start) vägs samman med en random-effects-metaanalys "
        "(REML, Hartung-Knapp-intervall). Bara publicerade, röjandekontrollerade siffror används.",
        "en": "How the lab counts: evaluations at level {level} or higher on the Maryland scale "
        "(a comparison group before and after the start) are pooled with a random-effects "
        "meta-analysis (REML, Hartung-Knapp interval). Only published, disclosure-controlled "
        "numbers are used.",
    },
    # codes
    "positive": {"sv": "Positivt", "en": "Positive"},
    "negative": {"sv": "Negativt", "en": "Negative"},
    "inconclusive": {"sv": "Inte säkerställt", "en": "Inconclusive"},
    "did": {"sv": "Skillnad-i-skillnader", "en": "Difference-in-differences"},
    "matching": {"sv": "Matchning", "en": "Matching"},
    "both": {
        "sv": "Skillnad-i-skillnader och matchning",
        "en": "Difference-in-differences and matching",
    },
}


def label(key: str, language: str, **values: object) -> str:
    """Return the label ``key`` in ``language`` with ``values`` filled in.

    Unknown keys pass through with underscores as spaces.

    Parameters
    ----------
    key
        Label or code.
    language
        ``"sv"`` or ``"en"``.
    **values
        Placeholders in the label.

    Returns
    -------
    str
    """
    outcomes = lab_catalogue()
    if key in outcomes:  # outcome names: one source, the outcome catalogue
        return outcomes[key].name(language)
    if f"code_{key}" in TEXT:  # codes of the standard tables: the report's words
        return code_label(key, language)
    text = _LABELS.get(key, {}).get(language)
    if text is None:
        return key.replace("_", " ")
    return text.format(**values) if values else text
