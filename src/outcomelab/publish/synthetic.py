"""The evaluation page's section on a synthetic design of aggregate units (municipalities, regions).

Everything here is read from the disclosure-controlled ``synthetic`` block of results.json (see
:func:`outcomelab.disclosure.publishable_results`): the headline numbers, which units make up the
synthetic comparison group and their weights, the treated units against the synthetic comparison
year by year, synthetic control's estimate and placebo result, and the HonestDiD sensitivity. The
sentences are the report's own (``vocabulary/words/synth.toml``), filled in from published
numbers; the page's template escapes every value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from outcomelab.evaluation.aggregate import unit_definite, units_word
from outcomelab.publish.i18n import label
from outcomelab.vocabulary.numbers import (
    effect_scale,
    fmt_int,
    fmt_num,
    fmt_p,
    fmt_pct,
    format_effect,
    format_interval,
)
from outcomelab.vocabulary.texts import t

__all__ = ["TOP_DONORS", "synthetic_section"]

#: donors listed in the weights table (the report lists as many)
TOP_DONORS = 10


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        return None
    return float(x)


def _weight(w: Any, lang: str) -> str:
    value = _number(w)
    if value is None or value < 0.0005:
        return "–"
    return f"{fmt_num(100 * value, lang, 1)} %"


def _level(x: Any, kind: str, lang: str) -> str:
    """A yearly value in the reader's units (per 100 for shares)."""
    value = _number(x)
    if value is None:
        return "–"
    decimals = 1 if kind in ("rate", "days") else 0 if kind == "amount_sek" else 2
    return fmt_num(value * effect_scale(kind), lang, decimals)


def _treated(results: Mapping[str, Any], block: Mapping[str, Any], unit: str, lang: str) -> str:
    """The treated unit by the organisation's name, or "3 kommuner" when there are several."""
    n = _number(block.get("n_treated")) or 1
    if n == 1:
        organisation = (results.get("intervention") or {}).get("organisation") or {}
        name = organisation.get("name")
        if name:
            return str(name)
    return t("n_more_units", lang, n=fmt_int(int(n), lang), units=units_word(unit, lang))


def _donors(block: Mapping[str, Any], lang: str) -> tuple[list[list[str]], bool, float]:
    """The largest donors' rows (name, synthetic DiD weight, synthetic control weight), whether
    synthetic control's weights are there, and the share the listed ones make up."""
    donors = [d for d in block.get("donors") or [] if isinstance(d, Mapping)]
    donors.sort(key=lambda d: -(_number(d.get("weight")) or 0.0))
    top = donors[:TOP_DONORS]
    with_sc = any(_number(d.get("weight_sc")) is not None for d in donors)
    rows = []
    for d in top:
        row = [str(d.get("name") or d.get("unit_id") or "–"), _weight(d.get("weight"), lang)]
        if with_sc:
            row.append(_weight(d.get("weight_sc"), lang))
        rows.append(row)
    share = sum(_number(d.get("weight")) or 0.0 for d in top)
    return rows, with_sc, share


def _honest(block: Mapping[str, Any], post_years: list[int], lang: str) -> str | None:
    """HonestDiD's sensitivity in the report's sentence (see reports.synthetic)."""
    honest = block.get("honest_did")
    if not isinstance(honest, Mapping) or _number(honest.get("num_post")) is None:
        return None
    n = int(honest["num_post"])
    years = ""
    if post_years:
        first = post_years[0]
        years = f" ({first})" if n == 1 else f" ({first}–{first + n - 1})"
    if n == 1:
        target = t("sy_honest_target_one", lang, years=years)
    else:
        key = "sy_honest_target_all" if n >= len(post_years) else "sy_honest_target_first"
        target = t(key, lang, n=n, years=years)
    original = honest.get("original") or [None, None]
    low, high = (_number(x) for x in original[:2])
    if low is None or high is None or low <= 0 <= high:
        return t("sy_honest_none", lang, target=target)
    b = _number(honest.get("breakdown"))
    if b is None or b == 0:  # holds only if the developments are exactly parallel
        return t("sy_honest_fragile", lang, target=target)
    key = "sy_honest_whole" if honest.get("holds_on_whole_grid") else "sy_honest_holds"
    decimals = 0 if b.is_integer() else 1 if (10 * b).is_integer() else 2
    return t(key, lang, m=fmt_num(b, lang, decimals), target=target)


def _placebo(block: Mapping[str, Any], treated: str, units_def: str, lang: str) -> str | None:
    control = block.get("synthetic_control")
    if not isinstance(control, Mapping):
        return None
    if control.get("exact_pre_fit"):
        return t("sy_placebo_sc_exact", lang, treated=treated, units_def=units_def)
    rank, ranked = _number(control.get("rank")), _number(control.get("units_ranked"))
    if rank is None or ranked is None:
        return None
    return t(
        "sy_placebo_sc",
        lang,
        k=fmt_int(int(ranked) - 1, lang),
        units_def=units_def,
        treated=treated,
        rank=fmt_int(int(rank), lang),
        ranked=fmt_int(int(ranked), lang),
        p=fmt_p(control.get("p_value"), lang),
    )


def _series(
    block: Mapping[str, Any], kind: str, lang: str
) -> tuple[list[str], list[list[str]], list[int]]:
    """The yearly table (header, rows) and the years after the start."""
    its = block.get("design") == "its"
    rows_in = [r for r in block.get("trajectory") or [] if isinstance(r, Mapping)]
    several = len({r.get("cohort") for r in rows_in if r.get("cohort") is not None}) > 1
    header = [label("sy_year", lang)]
    if several:
        header.append(label("sy_cohort", lang))
    header.append(label("sy_period", lang))
    rows: list[list[str]] = []
    post_years: list[int] = []
    for r in rows_in:
        treated = r.get("observed") if its else r.get("treated")
        compared = r.get("counterfactual") if its else r.get("synthetic")
        gap = r.get("gap")
        shown, compared_to = _number(treated), _number(compared)
        if gap is None and shown is not None and compared_to is not None:
            gap = shown - compared_to
        post = bool(r.get("post"))
        period = r.get("period")
        if post and isinstance(period, int) and not several:
            post_years.append(period)
        row = [str(period)]
        if several:
            row.append(str(r.get("cohort")))
        row.append(label("sy_after" if post else "sy_before", lang))
        row.extend([_level(treated, kind, lang), _level(compared, kind, lang)])
        row.append(_level(gap, kind, lang))
        rows.append(row)
    return header, rows, sorted(post_years)


def synthetic_section(results: Mapping[str, Any], lang: str) -> dict[str, Any] | None:
    """What the evaluation page shows of an aggregate-unit design, or None for persons.

    Parameters
    ----------
    results
        Disclosure-controlled results (the site's copy of results.json).
    lang
        ``"sv"`` or ``"en"``.

    Returns
    -------
    dict or None
        ``heading``, ``weights`` (sentence), ``weights_caption``, ``weights_header``,
        ``weights_rows``, ``weights_note``, ``estimates`` (sentence), ``placebo``,
        ``honest`` (sentences or None), ``series_heading``, ``series_intro``,
        ``series_caption``, ``series_header`` and ``series_rows`` (one row per year).
    """
    block = results.get("synthetic")
    if not isinstance(block, Mapping):
        return None
    unit = str((results.get("unit_of_analysis") or {}).get("unit") or "other")
    outcome: Mapping[str, Any] = next(
        (o for o in results.get("outcomes") or [] if o.get("code") == block.get("outcome")), {}
    )
    kind = str(outcome.get("kind") or "continuous")
    its = block.get("design") == "its"
    treated = _treated(results, block, unit, lang)
    units_def = units_word(unit, lang, definite=True)
    unit_words = label(
        f"sy_unit_{kind if kind in ('rate', 'amount_sek', 'days') else 'other'}", lang
    )

    header, rows, post_years = _series(block, kind, lang)
    compared = label("sy_trend" if its else "sy_synthetic", lang)
    header.extend([treated, compared, label("sy_gap", lang)])
    start = str(post_years[0]) if post_years else "–"
    section: dict[str, Any] = {
        "heading": t("h_its" if its else "h_synthetic", lang),
        "series_heading": label("sy_series", lang),
        "series_intro": label(
            "sy_its_intro" if its else "sy_series_intro",
            lang,
            treated=treated,
            unit=unit_words,
            start=start,
        ),
        "series_caption": label("sy_its_caption" if its else "sy_caption", lang, treated=treated),
        "series_header": header,
        "series_rows": rows,
        "weights": None,
        "weights_rows": [],
        "weights_note": None,
        "estimates": None,
        "placebo": None,
        "honest": _honest(block, post_years, lang),
    }
    if its:
        return section
    donor_rows, with_sc, share = _donors(block, lang)
    used = int(_number(block.get("donors_used")) or len(block.get("donors") or []))
    top = min(TOP_DONORS, used, len(donor_rows))
    section["weights"] = t(
        "sy_weights",
        lang,
        used=fmt_int(used, lang),
        donors=fmt_int(int(_number(block.get("n_control")) or used), lang),
        units_def=units_def,
        unit_one=unit_definite(unit, lang),
        top=top,
        share=f"{fmt_num(100 * share, lang, 0)} %",
    )
    section["weights_caption"] = label("sy_weights_caption", lang, top=top)
    section["weights_header"] = [t("c_unit", lang), t("c_weight_sdid", lang)] + (
        [t("c_weight_sc", lang)] if with_sc else []
    )
    section["weights_rows"] = donor_rows
    if with_sc:
        section["weights_note"] = t("sy_weights_sc", lang, units=units_word(unit, lang))
    low, high = format_interval(block.get("conf_low"), block.get("conf_high"), kind, lang)
    control = block.get("synthetic_control")
    sc_estimate = control.get("estimate") if isinstance(control, Mapping) else None
    alpha = _number((results.get("design") or {}).get("alpha")) or 0.05
    bounds = {"conf_low": block.get("conf_low"), "conf_high": block.get("conf_high")}
    section["estimates"] = t(
        "sy_estimates",
        lang,
        sdid=format_effect(block.get("estimate"), kind, lang, **bounds),
        level=fmt_pct(1 - alpha, lang),
        low=low,
        high=high,
        sc="–"
        if _number(sc_estimate) is None
        else format_effect(sc_estimate, kind, lang, **bounds),
    )
    section["placebo"] = _placebo(block, treated, units_def, lang)
    return section
