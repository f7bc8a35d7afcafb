"""Swedish and English text of the standard evaluation report, and number formatting per language.

Every sentence the report prints comes from :data:`TEXT` through :func:`t`, so both languages hold
the same facts. Swedish uses a decimal comma and a (thin) space before ``%``.
"""

from __future__ import annotations

import math
from typing import Any

from outcomelab.errors import ParameterError

__all__ = ["TEXT", "fmt_int", "fmt_num", "fmt_p", "fmt_pct", "t"]

TEXT: dict[str, dict[str, str]] = {
    # section headings
    "title": {"sv": "Utvärdering av {name}", "en": "Evaluation of {name}"},
    "h_headline": {"sv": "Sammanfattning", "en": "Summary"},
    "h_flow": {"sv": "Vilka som utvärderades", "en": "Who was evaluated"},
    "h_intervention": {"sv": "Insatsen", "en": "The intervention"},
    "h_method": {"sv": "Metoden i korthet", "en": "The method in plain words"},
    "h_results": {"sv": "Resultat per utfall", "en": "Results per outcome"},
    "h_diagnostics": {"sv": "Diagnostik", "en": "Diagnostics"},
    "h_robustness": {"sv": "Känslighetsanalys", "en": "Robustness"},
    "h_evidence": {"sv": "Evidensvärdering", "en": "Evidence rating"},
    "h_economics": {"sv": "Samhällsekonomiskt värde", "en": "Socio-economic value"},
    "h_caveats": {"sv": "Förbehåll", "en": "Caveats"},
    "h_annex": {"sv": "Metodbilaga", "en": "Methods annex"},
    "h_provenance": {"sv": "Ursprung och reproducerbarhet", "en": "Provenance"},
    # headline sentences
    "hl_binary": {
        "sv": "Av varje 100 deltagare var {n} {more} {state} efter {months} månader än i en "
        "jämförbar grupp; {level} %-intervallet går från {low} till {high} {more}.",
        "en": "For every 100 participants, {n} {more} were {state} after {months} months than in "
        "a comparable group; the {level}% interval runs from {low} to {high} {more}.",
    },
    "hl_amount": {
        "sv": "Efter {months} månader hade varje deltagare i genomsnitt {n} {unit} {more} {state} "
        "per år än en jämförbar person; {level} %-intervallet går från {low} till {high} {unit} "
        "{more}.",
        "en": "After {months} months each participant had on average {n} {unit} {more} {state} "
        "per year than a comparable person; the {level}% interval runs from {low} to {high} "
        "{unit} {more}.",
    },
    "hl_count": {
        "sv": "Efter {months} månader hade varje deltagare i genomsnitt {n} {more} {state} per år "
        "än en jämförbar person; {level} %-intervallet går från {low} till {high} {more}.",
        "en": "After {months} months each participant had on average {n} {more} {state} per year "
        "than a comparable person; the {level}% interval runs from {low} to {high} {more}.",
    },
    "more": {"sv": "fler", "en": "more"},
    "fewer": {"sv": "färre", "en": "fewer"},
    "more_amount": {"sv": "mer", "en": "more"},
    "fewer_amount": {"sv": "mindre", "en": "less"},
    "sig_positive": {
        "sv": "Skillnaden är statistiskt säkerställd (p = {p}) och går åt det önskade hållet.",
        "en": "The difference is statistically significant (p = {p}) and in the desired direction.",
    },
    "sig_negative": {
        "sv": "Skillnaden är statistiskt säkerställd (p = {p}) men går åt fel håll: deltagarna "
        "hade sämre utfall än den jämförbara gruppen.",
        "en": "The difference is statistically significant (p = {p}) but in the wrong direction: "
        "participants did worse than the comparable group.",
    },
    "sig_inconclusive": {
        "sv": "Skillnaden är inte statistiskt säkerställd (p = {p}); intervallet rymmer noll. Det "
        "betyder inte att insatsen misslyckats, utan att det behövs fler deltagare för att kunna "
        "avgöra om den gjort skillnad.",
        "en": "The difference is not statistically significant (p = {p}); the interval includes "
        "zero. This does not mean the programme failed: more people are needed to tell whether "
        "it made a difference.",
    },
    "hl_counts": {
        "sv": "{analysed} av {submitted} inskickade deltagare ingick i analysen och jämfördes med "
        "{comparison} personer i en jämförelsegrupp.",
        "en": "{analysed} of {submitted} submitted participants were analysed and compared with "
        "{comparison} people in a comparison group.",
    },
    "hl_failed": {
        "sv": "Effekten på {name} kunde inte skattas: {error}",
        "en": "The effect on {name} could not be estimated: {error}",
    },
    # verdict words
    "v_positive": {"sv": "positivt", "en": "positive"},
    "v_negative": {"sv": "negativt", "en": "negative"},
    "v_inconclusive": {"sv": "ej avgjort", "en": "inconclusive"},
    "primary": {"sv": "primärt", "en": "primary"},
    "secondary": {"sv": "sekundärt", "en": "secondary"},
    # table columns
    "c_outcome": {"sv": "Utfall", "en": "Outcome"},
    "c_role": {"sv": "Roll", "en": "Role"},
    "c_estimate": {"sv": "Effekt", "en": "Effect"},
    "c_interval": {"sv": "{level} %-intervall", "en": "{level}% interval"},
    "c_p": {"sv": "p-värde", "en": "p-value"},
    "c_p_holm": {"sv": "p (Holm)", "en": "p (Holm)"},
    "c_n": {"sv": "Deltagare / jämförelse", "en": "Participants / comparison"},
    "c_verdict": {"sv": "Bedömning", "en": "Verdict"},
    "c_stage": {"sv": "Steg", "en": "Stage"},
    "c_count": {"sv": "Antal", "en": "Number"},
    "c_reason": {"sv": "Skäl", "en": "Reason"},
    "c_check": {"sv": "Kontroll", "en": "Check"},
    "c_covariate": {"sv": "Bakgrundsvariabel", "en": "Baseline variable"},
    "c_smd": {"sv": "Standardiserad skillnad", "en": "Standardised difference"},
    "c_item": {"sv": "Uppgift", "en": "Item"},
    "c_value": {"sv": "Värde", "en": "Value"},
    # sample flow
    "f_submitted": {"sv": "Inskickade deltagare", "en": "Participants submitted"},
    "f_valid": {"sv": "Giltiga och länkade", "en": "Valid and linked"},
    "f_eligible": {"sv": "Uppfyller villkoren", "en": "Eligible"},
    "f_analysed": {"sv": "Analyserade", "en": "Analysed"},
    "f_pool": {"sv": "Jämförelsepool", "en": "Comparison pool"},
    "f_comparison": {"sv": "Jämförelsegrupp i analysen", "en": "Comparison group analysed"},
    "r_no_outcomes": {
        "sv": "saknar utfallsuppgifter",
        "en": "no outcome records",
    },
    "r_no_start": {"sv": "saknar startdatum", "en": "no start date"},
    "r_too_late": {
        "sv": "startade för sent för {months} månaders uppföljning",
        "en": "started too late for {months} months of follow-up",
    },
    "r_too_early": {
        "sv": "startade före första observerade år",
        "en": "started before the first observed year",
    },
    "r_missing_covariates": {
        "sv": "saknar bakgrundsuppgifter",
        "en": "missing baseline data",
    },
    "r_unmatched": {
        "sv": "ingen jämförbar person hittades (utanför överlappet)",
        "en": "no comparable person found (outside the overlap)",
    },
    "r_not_in_estimate": {
        "sv": "bidrar inte till skattningen vid uppföljningen",
        "en": "do not contribute to the estimate at the follow-up",
    },
    # design choice
    "d_staggered": {
        "sv": "Deltagarna startade vid {k} olika år ({cohorts}) och det finns {pre} år av "
        "uppgifter före första start. Därför används en difference-in-differences-skattning "
        "per startkohort och år (Callaway och Sant'Anna), som jämför varje kohort med personer "
        "som ({control}) inte fått insatsen.",
        "en": "Participants started in {k} different years ({cohorts}) and there are {pre} years "
        "of data before the first start. A difference-in-differences estimate per start cohort "
        "and year (Callaway and Sant'Anna) is therefore used, comparing each cohort with people "
        "who ({control}) had not received the intervention.",
    },
    "d_single": {
        "sv": "Alla deltagare startade samma år ({cohorts}) och det finns {pre} år av uppgifter "
        "före start. Därför används difference-in-differences med en händelsestudie: "
        "förändringen hos deltagarna jämförs med förändringen i jämförelsegruppen.",
        "en": "All participants started in the same year ({cohorts}) and there are {pre} years "
        "of data before the start. Difference-in-differences with an event study is therefore "
        "used: the change among participants is compared with the change in the comparison "
        "group.",
    },
    "d_matching": {
        "sv": "Det finns bara {pre} år av uppgifter före första start, för lite för att pröva "
        "parallella trender. Därför jämförs deltagarna med personer som liknade dem före start "
        "(matchning på sannolikheten att delta, skattad från bakgrund och historik).",
        "en": "There are only {pre} years of data before the first start, too few to check "
        "parallel trends. Participants are therefore compared with people who resembled them "
        "before the start (matching on the probability of taking part, estimated from "
        "background and history).",
    },
    "d_requested": {
        "sv": "Designen ({design}) var förvald i parametrarna.",
        "en": "The design ({design}) was fixed in the parameters.",
    },
    "d_both": {
        "sv": "Rubriksiffrorna kommer från difference-in-differences; matchning redovisas som "
        "känslighetsanalys.",
        "en": "The headline numbers come from difference-in-differences; matching is shown as a "
        "robustness check.",
    },
    "cg_never_treated": {"sv": "aldrig", "en": "never"},
    "cg_not_yet_treated": {"sv": "ännu inte", "en": "not yet"},
}


def t(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Raises
    ------
    ParameterError
        For a language other than ``sv`` or ``en``.
    """
    if lang not in ("sv", "en"):
        raise ParameterError(f"The report language must be 'sv' or 'en'; got {lang!r}.")
    entry = TEXT[key]
    return entry[lang].format(**values) if values else entry[lang]


def fmt_num(x: float | None, lang: str, decimals: int = 1) -> str:
    """``x`` with ``decimals`` decimals, a decimal comma in Swedish and a real minus sign."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    r = round(float(x), decimals) + 0.0
    text = f"{abs(r):,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return ("\u2212" + text) if r < 0 else text


def fmt_int(n: int | None, lang: str) -> str:
    """A count with a thousands separator (a space in Swedish, a comma in English)."""
    if n is None:
        return "–"
    return f"{n:,}".replace(",", "\u00a0") if lang == "sv" else f"{n:,}"


def fmt_p(p: float | None, lang: str) -> str:
    """A p-value: three decimals, ``< 0.001`` for smaller ones."""
    if p is None or math.isnan(p):
        return "–"
    if p < 0.001:
        return "< 0,001" if lang == "sv" else "< 0.001"
    return fmt_num(p, lang, 3)


def fmt_pct(x: float, lang: str) -> str:
    """A level such as 95 (from ``1 - alpha``) without decimals where whole."""
    value = 100 * x
    return str(round(value)) if abs(value - round(value)) < 1e-9 else fmt_num(value, lang, 1)
