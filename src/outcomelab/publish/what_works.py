"""The catalogue's "what works" page per outcome: the published evaluations taken together.

For every outcome and follow-up the page shows the pooled effect in the report's plain words, a
forest plot with the pooled diamond and the prediction interval, the cost per participant beside
it, the number of evaluations and participants behind it and the strength of the evidence. Its
only input is the disclosure-controlled results the catalogue publishes
(:func:`outcomelab.synthesis.evidence.studies_from_results` refuses anything else); the rule for
which evaluations count is in :mod:`outcomelab.synthesis.evidence`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from outcomelab.publish.i18n import label, local_outcome_names, term
from outcomelab.reports.figure_numbers import localise_ticks
from outcomelab.synthesis.evidence import OutcomeEvidence, studies_from_results, synthesise_outcome
from outcomelab.synthesis.forest import forest_plot
from outcomelab.vocabulary import lab_catalogue
from outcomelab.vocabulary.numbers import effect_scale, fmt_int, fmt_num, fmt_pct, show_effect
from outcomelab.vocabulary.texts import t

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["WhatWorksPage", "what_works_figure", "what_works_pages"]

#: characters per line of a study's label in the forest plot (longer names take two lines)
LABEL_WIDTH = 44


@dataclass(frozen=True)
class WhatWorksPage:
    """Everything the template needs for one outcome and follow-up in one language."""

    code: str
    follow_up_months: int
    evidence: OutcomeEvidence
    figure_name: str | None
    context: dict[str, Any]


def _phrase(code: str, lang: str, names: Mapping[str, str]) -> str:
    """The outcome as words inside a sentence: the lab's phrase, or a local outcome's name."""
    outcome = lab_catalogue().get(code)
    if outcome is not None:
        return outcome.phrase(lang)
    name = names.get(code)
    return name[:1].lower() + name[1:] if name else code.replace("_", " ")


def _unit_key(kind: str | None) -> str:
    return f"ww_unit_{kind}" if kind in ("rate", "amount_sek", "days") else "ww_unit_other"


def _headline(
    ev: OutcomeEvidence, lang: str, names: Mapping[str, str], persons: Mapping[str, int]
) -> list[str]:
    main = ev.main
    level = fmt_pct(1 - main.alpha, lang) if main else "95"
    if main is None:
        return [label("ww_not_pooled", lang, level=ev.min_sms_level)]
    kind = ev.kind or "continuous"
    shown = show_effect(main.estimate, main.conf_low, main.conf_high, kind, lang)
    up = main.estimate >= 0
    amount = kind == "amount_sek"
    more = label(
        ("ww_more_amount" if up else "ww_fewer_amount")
        if amount
        else ("ww_more" if up else "ww_fewer"),
        lang,
    )
    values = {
        "k": main.k,
        "n": fmt_int(_participants(ev, persons), lang),
        "x": shown.estimate.lstrip("\u2212"),
        "more": more,
        "phrase": _phrase(ev.outcome, lang, names),
        "level": level,
        "low": shown.low,
        "high": shown.high,
    }
    if kind == "rate":
        sentence = label("ww_rate", lang, **values)
    else:
        unit = f"{t('unit_amount_sek', lang)} " if amount else ""
        sentence = label("ww_level", lang, unit=unit, **values)
    sign = 1 if ev.direction != "higher_is_worse" else -1
    if main.significant:
        verdict = "ww_good" if sign * main.estimate > 0 else "ww_bad"
    else:
        verdict = "ww_unclear"
    lines = [sentence, label(verdict, lang)]
    if np.isfinite(main.pi_low):
        pi = show_effect(main.estimate, main.pi_low, main.pi_high, kind, lang)
        lines.append(label("ww_prediction", lang, low=pi.low, high=pi.high))
    else:
        lines.append(label("ww_prediction_none", lang))
    return lines


def _rows(ev: OutcomeEvidence, lang: str, persons: Mapping[str, int]) -> list[dict[str, Any]]:
    kind = ev.kind or "continuous"
    weights = {}
    if ev.main is not None:
        weights = dict(zip(ev.main.studies["study"], ev.main.studies["weight"], strict=True))
    rows = []
    for _, s in ev.studies.iterrows():
        shown = show_effect(s["estimate"], s["conf_low"], s["conf_high"], kind, lang)
        cost = s["cost_per_participant"]
        n = persons.get(str(s["evaluation_id"]), s["n_treated"])
        rows.append(
            {
                "evaluation_id": s["evaluation_id"],
                "label": f"{s['intervention']} ({s['organisation']})",
                "participants": fmt_int(int(n), lang) if n == n and n is not None else "–",
                "estimate": shown.estimate,
                "interval": shown.interval,
                "design": term(str(s["design"]), lang),
                "sms_level": s["sms_level"],
                "weight": fmt_num(weights.get(str(s["evaluation_id"])), lang, 0),
                "cost": fmt_num(cost, lang, 0) if cost == cost and cost is not None else "–",
            }
        )
    return rows


def _persons_behind_units(published: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The persons the treated units cover, by evaluation id, for evaluations of aggregate units
    (municipalities, regions): their ``n_treated`` counts units, not participants."""
    persons = {}
    for result in published:
        unit = result.get("unit_of_analysis") or {}
        covered = unit.get("persons_analysed")
        if unit.get("unit") not in (None, "", "person") and isinstance(covered, int):
            persons[str(result.get("evaluation_id"))] = covered
    return persons


def _participants(ev: OutcomeEvidence, persons: Mapping[str, int]) -> int:
    """Participants behind the studies: persons, also behind an aggregate unit's estimate."""
    total = 0
    for _, s in ev.studies.iterrows():
        n = persons.get(str(s["evaluation_id"]), s["n_treated"])
        total += int(n) if n == n and n is not None else 0
    return total


def _context(
    ev: OutcomeEvidence, lang: str, names: Mapping[str, str], persons: Mapping[str, int]
) -> dict[str, Any]:
    kind = ev.kind or "continuous"
    name = term(ev.outcome, lang, names)
    strength = {
        "level": ev.strength,
        "word": label(f"ww_{ev.strength}", lang),
        "reasons": [label(f"ww_r_{r}", lang) for r in ev.strength_reasons],
    }
    costs = ev.studies["cost_per_participant"].dropna()
    cost = (
        label("ww_cost_value", lang, x=fmt_num(ev.cost_per_participant, lang, 0), k=len(costs))
        if ev.cost_per_participant is not None
        else label("ww_cost_none", lang)
    )
    notes = []
    low_level = ev.excluded[ev.excluded["reason"].str.startswith("sms_level")]
    if ev.sensitivity is not None and len(low_level):
        s = show_effect(
            ev.sensitivity.estimate, ev.sensitivity.conf_low, ev.sensitivity.conf_high, kind, lang
        )
        notes.append(
            label(
                "ww_sensitivity",
                lang,
                m=len(low_level),
                level=ev.min_sms_level,
                x=s.estimate,
                low=s.low,
                high=s.high,
            )
        )
    withheld = int((ev.excluded["reason"] == "withheld").sum())
    if withheld:
        notes.append(label("ww_excluded_withheld", lang, m=withheld))
    return {
        "title": label("ww_title", lang, outcome=name),
        "intro": label("ww_intro", lang, outcome=name.lower(), months=ev.follow_up_months),
        "headline": _headline(ev, lang, names, persons),
        "strength": strength,
        "k": ev.main.k if ev.main else len(ev.studies),
        "participants": fmt_int(_participants(ev, persons), lang),
        "cost": cost,
        "rows": _rows(ev, lang, persons),
        "notes": notes,
        "rule": label("ww_rule", lang, level=ev.min_sms_level),
        "forest_alt": label("ww_forest_alt", lang, outcome=name.lower()),
        "unit": label(_unit_key(kind), lang),
    }


def what_works_figure(ev: OutcomeEvidence, lang: str) -> Figure:
    """The forest plot of ``ev`` (studies, pooled diamond, prediction interval) in ``lang``."""
    main = ev.main
    if main is None:
        raise ValueError("No pooled effect to draw.")
    kind = ev.kind or "continuous"
    decimals = 1 if kind in ("rate", "days") else (0 if kind == "amount_sek" else 2)
    # long names on two lines, so that the label column keeps its width (nothing cut)
    labels = [
        textwrap.fill(f"{s['intervention']} ({s['organisation']})", width=LABEL_WIDTH)
        for _, s in ev.studies.iterrows()
    ]
    fig = forest_plot(
        main,
        xlabel=label("ww_axis", lang, unit=label(_unit_key(kind), lang)),
        pooled_label=label("ww_pooled", lang),
        prediction_label=label("ww_pi", lang),
        labels=labels,
        scale=effect_scale(kind),
        number=lambda x: fmt_num(x, lang, decimals),
    )
    return localise_ticks(fig, lang)  # "−10 000" on a Swedish axis


def what_works_pages(published: Iterable[Mapping[str, Any]], lang: str) -> list[WhatWorksPage]:
    """One page per outcome and follow-up with at least one published estimate.

    Parameters
    ----------
    published
        The disclosure-controlled results the catalogue publishes.
    lang
        ``"sv"`` or ``"en"``.
    """
    published = list(published)
    names = local_outcome_names(published, lang)
    persons = _persons_behind_units(published)
    studies = studies_from_results(published)
    pages = []
    keys = studies[studies["estimate"].notna()][["outcome", "follow_up_months"]]
    for code, months in sorted({(str(c), int(m)) for c, m in keys.itertuples(index=False)}):
        ev = synthesise_outcome(studies, code, months)
        figure = f"whatworks_{code}_{months}_{lang}.png" if ev.main is not None else None
        pages.append(WhatWorksPage(code, months, ev, figure, _context(ev, lang, names, persons)))
    return pages
