"""Swedish and English labels for the socio-economic tables and figures.

Reports speak of costs and returns ("kostnader och avkastning"), not of assets: municipal accounting
treats spending on people as a cost.
"""

from __future__ import annotations

from typing import Literal

from outcomelab._checks import check_choice

__all__ = ["LANGUAGES", "Lang", "column_label", "payer_label", "text"]

Lang = Literal["sv", "en"]
LANGUAGES: tuple[str, ...] = ("sv", "en")

_PAYERS: dict[str, dict[str, str]] = {
    "municipality": {"sv": "Kommunen", "en": "Municipality"},
    "region": {"sv": "Regionen", "en": "Region"},
    "state": {"sv": "Staten", "en": "State"},
    "individual": {"sv": "Individen", "en": "Individual"},
    "society": {"sv": "Samhället i övrigt", "en": "Rest of society"},
    "investor": {"sv": "Investerare", "en": "Investor"},
    "other": {"sv": "Övriga", "en": "Other"},
    "total": {"sv": "Totalt", "en": "Total"},
}

_COLUMNS: dict[str, dict[str, str]] = {
    "payer": {"sv": "Aktör", "en": "Payer"},
    "pv_costs_sek": {"sv": "Kostnader, nuvärde (kr)", "en": "Costs, present value (SEK)"},
    "pv_returns_sek": {"sv": "Avkastning, nuvärde (kr)", "en": "Returns, present value (SEK)"},
    "npv_sek": {"sv": "Nettonuvärde (kr)", "en": "Net present value (SEK)"},
    "npv_interval": {"sv": "Osäkerhetsintervall för nettonuvärdet", "en": "NPV interval"},
    "prob_ahead": {
        "sv": "Sannolikhet för positivt nettonuvärde",
        "en": "Probability of a positive NPV",
    },
    "bcr": {"sv": "Avkastning per kostnadskrona", "en": "Benefit-cost ratio"},
    "roi": {"sv": "Nettoavkastning per kostnadskrona", "en": "Return on investment"},
    "payback_year": {"sv": "Återbetalningsår", "en": "Payback year"},
    "break_even_scale": {
        "sv": "Andel av skattad effekt som krävs för att gå jämnt ut",
        "en": "Share of the estimated effect needed to break even",
    },
    "costs": {"sv": "Kostnader", "en": "Costs"},
    "returns": {"sv": "Avkastning", "en": "Returns"},
    "net": {"sv": "Netto", "en": "Net"},
    "outcome": {"sv": "Utfall", "en": "Outcome"},
    "estimate": {"sv": "Skattad effekt", "en": "Estimated effect"},
    "break_even_effect": {
        "sv": "Effekt som krävs (övriga utfall som skattat)",
        "en": "Effect needed (other outcomes as estimated)",
    },
    "break_even_effect_alone": {
        "sv": "Effekt som krävs (endast detta utfall)",
        "en": "Effect needed (this outcome alone)",
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "who_title": {"sv": "Vem betalar och vem får avkastningen?", "en": "Who pays, who gains?"},
    "present_value": {"sv": "nuvärde", "en": "present value"},
    "not_reached": {"sv": "nås inte", "en": "not reached"},
    "illustrative": {
        "sv": (
            "Några av enhetsvärdena är illustrativa (inte hämtade från en citerbar offentlig"
            " källa); resultatet visar räknesättet, inte ett belagt värde."
        ),
        "en": (
            "Some unit values are illustrative (not from a citable public source); the result shows"
            " the calculation, not an established value."
        ),
    },
}


def payer_label(payer: str, lang: Lang = "sv") -> str:
    """Label of a payer (``municipality`` -> ``Kommunen``)."""
    check_choice("lang", lang, LANGUAGES)
    return _PAYERS.get(payer, {}).get(lang, payer)


def column_label(column: str, lang: Lang = "sv") -> str:
    """Label of a summary-table column."""
    check_choice("lang", lang, LANGUAGES)
    return _COLUMNS.get(column, {}).get(lang, column)


def text(key: str, lang: Lang = "sv") -> str:
    """A fixed sentence or phrase in the chosen language."""
    check_choice("lang", lang, LANGUAGES)
    return _TEXT[key][lang]
