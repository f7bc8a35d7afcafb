"""Plain-language headline sentences in Swedish and English, in the data labs' style.

"For every 100 participants, 8 more were in work after 24 months than in a comparable group; the
95% interval runs from 3 to 13 more." A non-significant result is described as the Justice Data
Lab does: more people are needed to tell, not a failure of the programme.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outcomelab.reports.i18n import fmt_num, fmt_p, fmt_pct, t
from outcomelab.reports.outcomes import OutcomeInfo

__all__ = ["effect_sentence", "headline_text", "significance_sentence"]


def effect_sentence(
    result: Mapping[str, Any], info: OutcomeInfo, *, lang: str, follow_up_months: int
) -> str:
    """One sentence with the size of the effect and its interval.

    Parameters
    ----------
    result
        An entry of ``results["outcomes"]`` (``estimate``, ``conf_low``, ``conf_high``, ``alpha``
        or the level taken from ``alpha`` in the design).
    info
        The outcome's facts (kind, sentence phrase).
    lang
        ``"sv"`` or ``"en"``.
    follow_up_months
        The follow-up at which the effect is read.

    Returns
    -------
    str
    """
    est = float(result["estimate"])
    low, high = float(result["conf_low"]), float(result["conf_high"])
    alpha = float(result.get("alpha", 0.05))
    more = est >= 0
    if not more:
        low, high = -high, -low
    scale = 100.0 if info.kind == "binary" else 1.0
    decimals = 0 if info.kind == "amount" else 1
    words = {
        "binary": ("more", "fewer"),
        "count": ("more", "fewer"),
        "amount": ("more_amount", "fewer_amount"),
    }[info.kind]
    return t(
        {"binary": "hl_binary", "count": "hl_count", "amount": "hl_amount"}[info.kind],
        lang,
        n=fmt_num(abs(est) * scale, lang, decimals),
        more=t(words[0] if more else words[1], lang),
        state=info.state(lang),
        unit=info.unit(lang),
        months=follow_up_months,
        level=fmt_pct(1 - alpha, lang),
        low=fmt_num(low * scale, lang, decimals),
        high=fmt_num(high * scale, lang, decimals),
    )


def significance_sentence(verdict: str, p_value: float, *, lang: str) -> str:
    """The verdict in words: significant and good, significant and bad, or needs more people."""
    shown = fmt_p(p_value, lang)
    return t(f"sig_{verdict}", lang, p=shown if shown.startswith("<") else f"= {shown}")


def headline_text(
    result: Mapping[str, Any], info: OutcomeInfo, *, lang: str, follow_up_months: int
) -> str:
    """The full headline of one outcome: effect sentence plus significance sentence.

    When the effect could not be estimated (``result["error"]``) the sentence says so.

    Examples
    --------
    >>> from outcomelab.reports.outcomes import OUTCOMES
    >>> r = {"estimate": 0.08, "conf_low": 0.03, "conf_high": 0.13, "p_value": 0.002,
    ...      "verdict": "positive", "alpha": 0.05}
    >>> headline_text(r, OUTCOMES["employment"], lang="en", follow_up_months=24)[:61]
    'For every 100 participants, 8.0 more were in work after 24 mo'
    """
    if result.get("error") or result.get("estimate") is None:
        return t("hl_failed", lang, name=info.name(lang).lower(), error=result.get("error", ""))
    p = result.get("p_value_holm", result.get("p_value"))
    return (
        effect_sentence(result, info, lang=lang, follow_up_months=follow_up_months)
        + " "
        + significance_sentence(str(result["verdict"]), float(p), lang=lang)
    )
