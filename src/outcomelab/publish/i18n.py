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
    "forest_plots": {"sv": "Jämförelse per utfall", "en": "Comparison by outcome"},
    "forest_alt": {
        "sv": "Skogsdiagram: effekten på {outcome} med 95-procentigt konfidensintervall "
        "för varje utvärdering",
        "en": "Forest plot: the effect on {outcome} with its 95% confidence interval "
        "for each evaluation",
    },
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
