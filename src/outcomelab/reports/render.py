"""HTML fragments and figures for each section of the standard evaluation report.

Each ``section_*`` function returns an HTML fragment in the report language, built by
:mod:`outcomelab.webpage` (every text escaped by construction); each ``figure_*`` function a
matplotlib Figure. Only aggregates are shown: no function here prints person rows.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from outcomelab.evaluation.headline import effect_sentence, headline_text, unit_word, units_word
from outcomelab.reports import synthetic
from outcomelab.vocabulary.numbers import (
    effect_scale,
    fmt_cell,
    fmt_int,
    fmt_num,
    fmt_p,
    fmt_p_relation,
    fmt_pct,
    format_effect,
    format_interval,
)
from outcomelab.vocabulary.texts import code_label, covariate_label, t
from outcomelab.webpage import Markup, bullets, definitions, fragment, join, paragraph
from outcomelab.webpage import heading as _heading
from outcomelab.webpage import table as _table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from outcomelab._checks import Lang
    from outcomelab.economics import ValueResult
    from outcomelab.evaluation import Evaluation
    from outcomelab.vocabulary.catalogue import OutcomeDefinition

__all__ = [
    "figure_balance",
    "figure_event_study",
    "figure_overlap",
    "figure_results",
    "figure_who_pays_who_gains",
    "heading",
    "section_annex",
    "section_caveats",
    "section_diagnostics",
    "section_economics",
    "section_evidence",
    "section_flow",
    "section_headline",
    "section_intervention",
    "section_method",
    "section_plan",
    "section_provenance",
    "section_results",
    "section_robustness",
    "title",
]


def heading(key: str, lang: str, level: int = 2) -> Markup:
    """An ``<hN>`` with the section title ``key`` in ``lang``."""
    return _heading(t(key, lang), level)


def _p(text: str, cls: str = "") -> Markup:
    return paragraph(text, cls)


#: the class of a table whose cells are text (left-aligned)
_TEXT_TABLE = "ol-table ol-text"
#: a table of numbers: no number, interval or p-value wraps inside its cell (first column: names)
_NUMBER_TABLE = "ol-table ol-numbers"


#: tables of at most this many rows stay on one printed page (split, a short table leaves its
#: header and a row alone at the foot of a page); longer ones break between rows, their header
#: repeated, so that a page is not left half empty
_KEEP_ROWS = 6


def table(
    header: Sequence[object], rows: Iterable[Sequence[object]], *, cls: str = "ol-table"
) -> Markup:
    """:func:`outcomelab.webpage.table`, kept whole on paper when it is short."""
    body = list(rows)
    return _table(header, body, cls=f"{cls} ol-keep" if len(body) <= _KEEP_ROWS else cls)


def _units(ev: Evaluation) -> str:
    """The plural noun of the evaluation's units (``deltagare``, ``delstater``, ...)."""
    return units_word(ev.setup.unit_of_analysis()["unit"], ev.lang)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _effect_text(rec: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """Effect and interval as shown in tables (per 100 for shares)."""
    if rec.get("estimate") is None:
        return "–", "–"
    low, high = rec.get("conf_low"), rec.get("conf_high")
    est = format_effect(rec["estimate"], rec["kind"], lang, conf_low=low, conf_high=high)
    if low is None or high is None:  # no interval (synthetic control: a permutation test)
        return est, "–"
    shown_low, shown_high = format_interval(low, high, rec["kind"], lang)
    return est, f"{shown_low} – {shown_high}"


# -- sections -----------------------------------------------------------------------------------
def section_headline(ev: Evaluation) -> Markup:
    """The plain-language summary: the primary outcome's headline and the counts."""
    lang = ev.lang
    rec = ev.outcome_records()[0]
    flow = ev.flow
    unit = ev.setup.unit_of_analysis()["unit"]
    counts = t(
        "hl_counts",
        lang,
        units=units_word(unit, lang),
        comparison_units=units_word(unit, lang, comparison=True),
        analysed=fmt_int(flow.analysed, lang),
        submitted=fmt_int(flow.submitted, lang),
        comparison=fmt_int(flow.comparison_analysed, lang),
    )
    if ev.estimates.synthetic:
        from outcomelab.reports.synthetic import headline_counts

        counts = headline_counts(ev)
    box = fragment(
        '<div class="ol-headline ol-verdict-{{ verdict }}">{{ text }}</div>',
        verdict=rec["verdict"],
        text=ev.headline(),
    )
    return join(heading("h_headline", lang), box, _p(counts))


def section_flow(ev: Evaluation) -> Markup:
    """Who was evaluated: from submitted to analysed, with reasons."""
    lang = ev.lang
    flow = ev.flow.table(lang)
    return join(heading("h_flow", lang), table(list(flow.columns), flow.to_numpy().tolist()))


def section_intervention(ev: Evaluation) -> Markup:
    """The intervention's metadata and the participants per start year."""
    lang = ev.lang
    inputs = ev.setup.inputs
    catalogue = inputs.catalogue
    meta = inputs.intervention
    persons = ev.setup.persons
    per_year = persons.loc[persons["cohort"] > 0, "cohort"].value_counts().sort_index()
    cohorts = ", ".join(f"{g}: {fmt_int(int(n), lang)}" for g, n in per_year.items())
    period = " – ".join(str(x)[:10] for x in (meta.get("start_date"), meta.get("end_date")) if x)
    rows = [
        (t("i_name", lang), meta.get("name") or inputs.intervention_id),
        (t("i_id", lang), inputs.intervention_id),
        (t("i_org", lang), meta.get("organisation_name") or "–"),
        (t("i_org_type", lang), code_label(meta.get("organisation_type"), lang)),
        (t("i_code", lang), meta.get("organisation_code") or "–"),
        (t("i_target", lang), code_label(meta.get("target_group"), lang)),
        (t("i_funding", lang), code_label(meta.get("funding_form"), lang)),
        (t("i_period", lang), period or "–"),
        (_capital(t("i_cohorts", lang, units=_units(ev))), cohorts),
        (t("i_primary", lang), catalogue[ev.setup.primary].name(lang)),
        (
            t("i_secondary", lang),
            ", ".join(catalogue[c].name(lang) for c in ev.setup.outcomes[1:]) or "–",
        ),
    ]
    header = [t("c_item", lang), t("c_value", lang)]
    return join(heading("h_intervention", lang), table(header, rows, cls=_TEXT_TABLE))


def section_method(ev: Evaluation) -> Markup:
    """The design and why, in plain words."""
    lang = ev.lang
    setup = ev.setup
    catalogue = setup.catalogue
    names = ", ".join(covariate_label(c, lang, catalogue) for c in setup.covariates)
    parts = [
        heading("h_method", lang),
        _p(_compare_text(ev)),
        _p(ev.text(setup.design.reason)),
        _p(
            synthetic.follow_up_text(ev)
            or (
                t("m_follow_up", lang, months=ev.settings.follow_up_months, e=setup.event_time)
                if ev.settings.follow_up_months
                else t("m_follow_up_start", lang)
            )
        ),
        _p(
            t(
                "m_primary" if len(setup.outcomes) > 1 else "m_primary_only",
                lang,
                name=catalogue[setup.primary].name(lang).lower(),
            )
        ),
    ]
    if names:
        parts.append(_p(t("m_covariates", lang, names=names)))
    return join(*parts)


def _plan_value(item: str, value: Any, ev: Evaluation) -> str:
    """A value of the planned-versus-done table in the reader's words."""
    lang = ev.lang
    if value is None:
        return "–"
    if item == "primary_outcome":
        info = ev.setup.catalogue.get(str(value))
        return info.name(lang) if info is not None else str(value)
    if item == "follow_up_months":
        return t("pl_months", lang, n=fmt_int(int(value), lang))
    if item == "alpha":
        return t("pl_percent", lang, x=fmt_pct(float(value), lang))
    if item == "participants":
        return fmt_int(int(value), lang)
    prefix = {"design": "pl_design_", "estimator": "pl_estimator_", "control_group": "pl_group_"}
    return t(prefix[item] + str(value), lang, default=str(value))


def section_plan(ev: Evaluation) -> Markup:
    """The registered evaluation plan beside what the evaluation did ("" without a plan)."""
    rows = ev.planned_versus_done()
    plan = ev.setup.plan
    if rows is None or plan is None:
        return Markup()
    lang = ev.lang
    rows_shown = [
        (
            t(f"pl_item_{r.item}", lang),
            _plan_value(r.item, r.planned, ev),
            _plan_value(r.item, r.done, ev),
            "–" if r.same is None else t("pl_yes" if r.same else "pl_no", lang),
        )
        for r in rows
    ]
    departed = [t(f"pl_item_{r.item}", lang).lower() for r in rows if r.same is False]
    parts = [
        heading("h_plan", lang),
        _p(t("pl_intro", lang, date=plan.get("registered") or "–", hash=plan["plan_hash"][:12])),
    ]
    if len(ev.setup.plans) > 1:
        parts.append(_p(t("pl_several", lang, n=len(ev.setup.plans))))
    header = [t("c_item", lang), t("c_planned", lang), t("c_done", lang), t("c_as_planned", lang)]
    parts.append(table(header, rows_shown, cls=_TEXT_TABLE))
    if departed:
        parts.append(_p(t("pl_changed", lang, items=", ".join(departed))))
    else:
        parts.append(_p(t("pl_kept", lang)))
    return join(*parts)


def _compare_text(ev: Evaluation) -> str:
    """What an effect is, for persons or for the treated aggregate units."""
    lang = ev.lang
    if not ev.setup.design.uses_synthetic:
        return t("m_compare", lang)
    from outcomelab.evaluation.aggregate import treated_names, unit_kind, units_word

    panel = ev.setup.panel
    key = "m_compare_its" if ev.setup.design.estimator == "its" else "m_compare_units"
    return t(
        key,
        lang,
        treated=treated_names(panel, ev.setup.inputs.participants, lang),
        units=units_word(unit_kind(panel), lang),
    )


def section_results(ev: Evaluation) -> Markup:
    """Table of every outcome (primary first) and one sentence per outcome."""
    lang = ev.lang
    level = fmt_pct(1 - ev.settings.alpha, lang)
    rows = []
    sentences = []
    for rec in ev.outcome_records():
        est, interval = _effect_text(rec, lang)
        n = (
            f"{fmt_int(rec['n_treated'], lang)} / {fmt_int(rec['n_control'], lang)}"
            if rec.get("n_treated") is not None
            else "–"
        )
        rows.append(
            (
                rec["name"],
                t("primary" if rec["primary"] else "secondary", lang),
                est,
                interval,
                fmt_p(rec["p_value"], lang),
                fmt_p(rec["p_value_holm"], lang),
                n,
                code_label(rec["verdict"], lang),
            )
        )
        info = ev.setup.catalogue[rec["code"]]
        run = ev.estimates.synthetic.get(rec["code"])
        if run is not None:
            from outcomelab.evaluation.aggregate import synthetic_headline, treated_names

            treated = treated_names(ev.setup.panel, ev.setup.inputs.participants, lang)
            sentences.append(
                synthetic_headline(
                    rec | {"alpha": ev.settings.alpha},
                    info,
                    run,
                    treated=treated,
                    lang=lang,
                    unit=ev.setup.unit_of_analysis()["unit"],
                )
            )
            continue
        sentences.append(
            headline_text(
                rec | {"alpha": ev.settings.alpha},
                info,
                lang=lang,
                follow_up_months=ev.settings.follow_up_months,
                unit=ev.setup.unit_of_analysis()["unit"],
            )
        )
    header = [
        t("c_outcome", lang),
        t("c_role", lang),
        t("c_estimate", lang),
        t("c_interval", lang, level=level),
        t("c_p", lang),
        t("c_p_holm", lang),
        _capital(t("c_n", lang, units=_units(ev))),
        t("c_verdict", lang),
    ]
    return join(
        heading("h_results", lang),
        table(header, rows, cls=_NUMBER_TABLE),
        _p(synthetic.results_note(ev) or t("res_note_holm", lang), "ol-note"),
        bullets(sentences),
    )


#: cohorts (with their reason) listed one by one before the rest are counted
_DROPPED_SHOWN = 6


def _years(periods: list[int]) -> str:
    """``2016``, ``2016–2024`` (consecutive) or ``2016, 2019``."""
    if len(periods) > 1 and periods == list(range(periods[0], periods[-1] + 1)):
        return f"{periods[0]}–{periods[-1]}"
    return ", ".join(str(p) for p in periods)


def _dropped_cells(ev: Evaluation) -> list[Markup]:
    """The primary outcome's group-time effects the DiD could not estimate: a sentence and a short
    list, one line per start cohort and reason, or nothing."""
    dropped = ev.diagnostics.dropped_cells
    if not dropped:
        return []
    lang = ev.lang
    groups: dict[tuple[int, str], list[int]] = {}
    for cell in dropped:
        groups.setdefault((cell.cohort, cell.kind), []).append(cell.period)
    items = [
        t(
            "dg_dropped_cell",
            lang,
            cohort=cohort,
            period=_years(sorted(periods)),
            reason=t(f"dg_dropped_{kind}", lang),
        )
        for (cohort, kind), periods in list(groups.items())[:_DROPPED_SHOWN]
    ]
    if len(groups) > _DROPPED_SHOWN:
        items.append(t("dg_dropped_more", lang, n=len(groups) - _DROPPED_SHOWN))
    return [_p(t("dg_dropped_cells", lang, n=len(dropped))), bullets(items)]


def section_diagnostics(ev: Evaluation) -> Markup:
    """Pre-trend test (DiD) and the baseline balance table."""
    lang = ev.lang
    parts = [heading("h_diagnostics", lang)]
    pretrend = ev.diagnostics.pretrend
    if pretrend is not None and pretrend.p_value is None:
        parts.append(_p(t("dg_pretrend_none", lang, reason=t("dg_pretrend_reason", lang))))
        parts.append(_p(t("dg_event", lang), "ol-note"))
    elif pretrend is not None:
        p = pretrend.p_value
        ok = p is None or p >= 0.05
        parts.append(
            _p(
                t(
                    "dg_pretrend",
                    lang,
                    stat=fmt_num(pretrend.statistic, lang, 2),
                    df=pretrend.df,
                    p=fmt_p_relation(p, lang),
                    verdict=t("dg_pretrend_ok" if ok else "dg_pretrend_bad", lang),
                )
            )
        )
        parts.append(_p(t("dg_event", lang), "ol-note"))
    parts.extend(_dropped_cells(ev))
    run = ev.estimates.matching
    if run is not None:
        matched = run.estimate.matched
        parts.append(
            _p(
                t(
                    "dg_matching_ties" if matched.n_tied else "dg_matching_no_ties",
                    lang,
                    treated=fmt_int(matched.n_treated, lang),
                    control=fmt_int(matched.n_control, lang),
                    tied=fmt_int(matched.n_tied, lang),
                )
            )
        )
    missing = ev.setup.covariate_set.get("missing_recommended") or []
    note_missing = bool(missing) and ev.setup.unit_of_analysis()["unit"] == "person"
    balance = ev.diagnostics.equivalence.table
    if balance.empty or "smd" not in balance.columns:
        parts.append(_p(synthetic.diagnostics_text(ev) or t("dg_no_covariates", lang)))
        if note_missing:
            parts.append(_p(t("dg_covariates_missing", lang, names=", ".join(missing)), "ol-note"))
        return join(*parts)
    parts.append(_p(t("dg_balance", lang)))
    if note_missing:
        parts.append(_p(t("dg_covariates_missing", lang, names=", ".join(missing)), "ol-note"))
    rows = [
        (
            covariate_label(r["covariate"], lang, ev.setup.catalogue),
            fmt_num(r["smd_unadjusted"], lang, 3),
            fmt_num(r["smd"], lang, 3),
            t(f"wwc_{r['verdict']}", lang),
        )
        for r in ev.diagnostics.equivalence.table.to_dict(orient="records")
    ]
    header = [t("c_covariate", lang), t("c_smd_raw", lang), t("c_smd", lang), "WWC"]
    parts.append(table(header, rows, cls=_NUMBER_TABLE))
    return join(*parts)


def section_robustness(ev: Evaluation) -> Markup:
    """The primary outcome under other choices, next to the main analysis."""
    lang = ev.lang
    main = ev.outcome_records()[0]
    kind = main["kind"]
    rows = []
    checks = [r.to_dict(lang) for r in ev.robustness]
    for label, rec in [(t("rb_main", lang), main), *[(r["label"], r) for r in checks]]:
        if rec.get("estimate") is None:
            rows.append((label, t("rb_failed", lang), "–", "–"))
            continue
        est, interval = _effect_text(rec | {"kind": kind}, lang)
        rows.append((label, est, interval, fmt_p(rec["p_value"], lang)))
    header = [
        t("c_check", lang),
        t("c_estimate", lang),
        t("c_interval", lang, level=fmt_pct(1 - ev.settings.alpha, lang)),
        t("c_p", lang),
    ]
    return join(
        heading("h_robustness", lang),
        _p(t("rb_intro", lang)),
        table(header, rows, cls=_NUMBER_TABLE),
        _event_study_words(ev),
    )


def _event_study_words(ev: Evaluation) -> Markup:
    """Whether the Sun-Abraham and imputation estimates agree with the main analysis, in words:
    they agree when both lie within the main analysis's interval."""
    others = [
        r.effect
        for r in ev.robustness
        if r.method in ("sun_abraham", "imputation") and r.effect is not None
    ]
    main = ev.outcome_records()[0]
    low, high = main.get("conf_low"), main.get("conf_high")
    if len(others) < 2 or low is None or high is None:
        return Markup()
    agree = all(low <= eff.estimate <= high for eff in others)
    return _p(t("rb_event_agree" if agree else "rb_event_disagree", ev.lang))


def section_evidence(ev: Evaluation) -> Markup:
    """SMS level and WWC verdict with the reasons."""
    lang = ev.lang
    rating = ev.evidence
    return join(
        heading("h_evidence", lang),
        paragraph(t("ev_sms", lang, level=rating.sms_level), strong=True),
        bullets([ev.text(r) for r in rating.sms_reasons]),
        paragraph(t("ev_wwc", lang, verdict=t("wwc_" + rating.wwc_verdict, lang)), strong=True),
        bullets([ev.text(r) for r in rating.wwc_reasons]),
    )


#: the socio-economic table's payer and amount columns; the ratios follow in a second table
_ECONOMICS_AMOUNT_COLUMNS = 6


def section_economics(ev: Evaluation) -> Markup:
    """The socio-economic value per payer, or why it could not be computed.

    Without costs the section says so and shows the returns in total and per participant,
    never a net value.
    """
    lang = ev.lang
    head = heading("h_economics", lang)
    valuation = ev.valuation
    if valuation.result is None:
        reason = t(f"ec_reason_{valuation.reason or 'failed'}", lang)
        return join(head, _p(t("ec_missing", lang, error=reason)))
    intro = _p(
        t(
            "ec_intro",
            lang,
            rate=f"{fmt_num(100 * valuation.discount_rate, lang, 1)} %",
            years=valuation.horizon_years,
        )
    )
    if not valuation.costs_submitted:
        words = synthetic.economics_words(ev) or (t("ec_no_costs", lang), None)
        return join(head, intro, _p(words[0]), _returns_table(valuation.result, lang, words[1]))
    summary = valuation.result.summary_table(lang)
    header = [str(c) for c in summary.columns]
    rows = [[fmt_cell(v, lang) for v in row] for row in summary.to_numpy().tolist()]
    # ten columns do not fit a page (1,293 px in a 950 px page, cut in the PDF): the amounts
    # first, then the ratios, each table with the payer in its first column
    split = min(_ECONOMICS_AMOUNT_COLUMNS, len(header))
    amounts = table(header[:split], [row[:split] for row in rows], cls=_NUMBER_TABLE)
    if split == len(header):
        return join(head, intro, amounts)
    ratios = table(
        header[:1] + header[split:], [row[:1] + row[split:] for row in rows], cls=_NUMBER_TABLE
    )
    return join(head, intro, amounts, ratios)


def _returns_table(result: ValueResult, lang: Lang, per: str | None = None) -> Markup:
    """Returns per payer (present value) in total and per participant: no costs, no net value."""
    from outcomelab.economics.result import column_label, payer_label

    participants = max(int(result.settings.get("participants") or 1), 1)
    rows = [
        (
            payer_label(str(r["payer"]), lang),
            fmt_num(float(r["pv_returns_sek"]), lang, 0),
            fmt_num(float(r["pv_returns_sek"]) / participants, lang, 0),
        )
        for r in result.payers.to_dict(orient="records")
    ]
    header = [
        column_label("payer", lang),
        column_label("pv_returns_sek", lang),
        per or t("ec_per_participant", lang),
    ]
    return table(header, rows, cls=_NUMBER_TABLE)


def section_caveats(ev: Evaluation) -> Markup:
    """What the reader must keep in mind."""
    lang = ev.lang
    items = synthetic.caveat_texts(ev) or [t("cv_observational", lang), t("cv_population", lang)]
    # aggregate units: the 60-person rule counts the persons behind the units, not the units
    persons = ev.setup.unit_of_analysis().get("persons_analysed")
    if (ev.flow.analysed if persons is None else persons) < 60:
        items.append(t("cv_small", lang))
    country = str(ev.setup.inputs.intervention.get("country") or "SE")
    if country != "SE":
        items.append(t("cv_country", lang, country=country))
    if ev.outcome_records()[0]["verdict"] == "inconclusive":
        items.append(t("cv_inconclusive", lang))
    if ev.valuation.result is not None:
        items.append(t("cv_economics", lang))
    return join(heading("h_caveats", lang), bullets(items))


def section_annex(ev: Evaluation) -> Markup:
    """Estimators, estimands and references."""
    lang = ev.lang
    parts = [heading("h_annex", lang)]
    design = ev.setup.design
    if design.uses_did:
        parts.append(_p(t("an_did", lang, e=ev.setup.event_time)))
    if design.uses_synthetic:
        from outcomelab.reports.synthetic import annex_text

        parts.append(annex_text(ev))
    if design.chosen in ("matching", "both") or any(
        r.method.startswith("nearest") for r in ev.robustness
    ):
        parts.append(_p(t("an_matching", lang)))
    parts.append(_p(t("an_evidence", lang)))
    return join(*parts)


#: the glossary's entries, in the order a reader meets the terms
GLOSSARY = (
    "gl_att",
    "gl_did",
    "gl_interval",
    "gl_holm",
    "gl_smd",
    "gl_wwc",
    "gl_band",
    "gl_maryland",
)


def section_glossary(ev: Evaluation) -> Markup:
    """The report's terms in plain words (ATT, Holm, WWC, |g|, simultaneous band, ...)."""
    lang = ev.lang
    pairs = [t(key, lang).partition(": ")[::2] for key in GLOSSARY]
    return join(heading("h_glossary", lang), definitions(pairs, "ol-glossary"))


def section_provenance(ev: Evaluation, facts: Mapping[str, Any]) -> Markup:
    """Submission version, parameters, package versions, seed and run time."""
    lang = ev.lang
    inputs = ev.setup.inputs
    params = ", ".join(
        f"{k} = {'–' if v is None else repr(v)}"
        for k, v in sorted(ev.settings.public_params().items())
    )
    versions = ", ".join(f"{k} {v}" for k, v in sorted(facts.get("versions", {}).items()))
    rows = [
        (t("pv_submission", lang), inputs.submission_id or t("pv_folder", lang)),
        (t("pv_hash", lang), inputs.version_hash),
        (t("pv_seed", lang), ev.settings.seed),
        (t("pv_run", lang), facts.get("run_at", "–")),
        (t("pv_parameters", lang), params),
        (t("pv_versions", lang), versions),
    ]
    header = [t("c_item", lang), t("c_value", lang)]
    return join(heading("h_provenance", lang), table(header, rows, cls=_TEXT_TABLE))


# -- figures ------------------------------------------------------------------------------------
def figure_words(ev: Evaluation, name: str) -> tuple[str, str]:
    """A figure's caption and its alternative text, which states what the figure shows in words.

    Parameters
    ----------
    ev
        The evaluation.
    name
        ``results``, ``event_study``, ``balance``, ``overlap``, ``who_pays_who_gains``, or the
        aggregate-unit designs' ``synthetic`` and ``placebos``
        (:func:`outcomelab.reports.synthetic.figure_words`).

    Returns
    -------
    tuple of str
        ``(caption, alt)`` in the report's language.
    """
    if name in ("synthetic", "placebos"):
        return synthetic.figure_words(ev, name)
    lang = ev.lang
    records = ev.outcome_records()
    level = fmt_pct(1 - ev.settings.alpha, lang)
    if name == "results":
        alt = " ".join(_effect_words(ev, rec) for rec in records if rec.get("estimate") is not None)
        return t("fig_results_caption", lang, level=level), alt
    if name == "event_study":
        primary = ev.setup.catalogue[ev.setup.primary].name(lang)
        pretrend = ev.diagnostics.pretrend
        if pretrend is None or pretrend.p_value is None:
            trend = t("dg_pretrend_none", lang, reason=t("dg_pretrend_reason", lang))
        else:
            ok = pretrend.p_value >= ev.settings.alpha
            trend = t("dg_pretrend_ok" if ok else "dg_pretrend_bad", lang)
        return t("fig_event_caption", lang, name=primary), f"{t('dg_event', lang)} {trend}"
    if name == "balance":
        frame = ev.diagnostics.equivalence.table
        after = np.abs(frame["smd"].to_numpy(dtype=float)) if len(frame) else np.array([])
        biggest = fmt_num(float(np.nanmax(after)), lang, 2) if after.size else "–"
        alt = t("fig_balance_alt", lang, d=biggest, n=len(frame))
        return t("fig_balance_title", lang), alt
    if name == "overlap":
        return t("fig_overlap_caption", lang), t("fig_overlap_alt", lang)
    if name == "who_pays_who_gains" and ev.valuation.result is not None:
        frame = ev.valuation.result.summary_table(lang)
        payers = "; ".join(
            f"{row[0]} {fmt_cell(row[3], lang)}" for row in frame.to_numpy().tolist()
        )
        return t("fig_who_pays_caption", lang), t("fig_who_pays_alt", lang, payers=payers)
    return name.replace("_", " "), name.replace("_", " ")


def _effect_words(ev: Evaluation, rec: Mapping[str, Any]) -> str:
    """One outcome's effect in a sentence: over the years after the start against the synthetic
    comparison for an aggregate-unit design, else at the follow-up, per the evaluation's units."""
    info = ev.setup.catalogue[rec["code"]]
    run = ev.estimates.synthetic.get(rec["code"])
    unit = ev.setup.unit_of_analysis()["unit"]
    if run is not None:
        from outcomelab.evaluation.aggregate import synthetic_headline, treated_names

        treated = treated_names(ev.setup.panel, ev.setup.inputs.participants, ev.lang)
        record = dict(rec) | {"alpha": ev.settings.alpha}
        return synthetic_headline(record, info, run, treated=treated, lang=ev.lang, unit=unit)
    return effect_sentence(
        dict(rec) | {"alpha": ev.settings.alpha},
        info,
        lang=ev.lang,
        follow_up_months=ev.settings.follow_up_months,
        unit=unit,
    )


def figure_results(ev: Evaluation) -> Figure:
    """One row per outcome: the effect and its interval (shares per 100 participants)."""
    import matplotlib.pyplot as plt

    records = ev.outcome_records()
    fig, axes = plt.subplots(len(records), 1, figsize=(7, 1.1 * len(records) + 0.6), squeeze=False)
    for ax, rec in zip(axes[:, 0], records, strict=True):
        ax.axvline(0, color="grey", lw=0.8)
        if rec["estimate"] is not None:
            scale = effect_scale(rec["kind"])
            est = rec["estimate"] * scale
            lo, hi = rec["conf_low"] * scale, rec["conf_high"] * scale
            color = {"positive": "#2f855a", "negative": "#c53030"}.get(rec["verdict"], "#975a16")
            ax.errorbar([est], [0], xerr=[[est - lo], [hi - est]], fmt="o", color=color, capsize=4)
            span = max(abs(lo), abs(hi)) * 1.2 or 1.0
            ax.set_xlim(-span, span)
        label = rec["name"] + (" *" if rec["primary"] else "")
        ax.set_yticks([0], [label])
        ax.set_ylim(-1, 1)
    level = fmt_pct(1 - ev.settings.alpha, ev.lang)
    axes[-1, 0].set_xlabel(t("fig_results", ev.lang, level=level))
    fig.tight_layout()
    return fig


def _event_study_legend(label: str, lang: str) -> str:
    """A legend entry of :func:`outcomelab.did.event_study_plot` in ``lang``."""
    when, _, what = label.partition(": ")
    when = t("fig_es_pre" if when == "pre-treatment" else "fig_es_post", lang)
    if what == "uniform band":
        return t("fig_es_band", lang, when=when)
    level = re.search(r"(\d+)%", what)
    return t("fig_es_point", lang, when=when, level=level.group(1) if level else "95")


def _event_study_axis(ev: Evaluation, info: OutcomeDefinition) -> str:
    """The y axis of the event study in words, on the text's scale, wrapped to fit the axis."""
    lang = ev.lang
    unit = ev.setup.unit_of_analysis()["unit"]
    name = info.name(lang)
    if not name.split(" ", 1)[0].isupper():  # "ohälsodagar", but "NSW earnings"
        name = name[:1].lower() + name[1:]
    if info.kind == "rate":
        key = "fig_es_y_rate" if unit == "person" else "fig_es_y_points"
        text = t(key, lang, state=info.phrase(lang), units=_units(ev))
    elif info.kind in ("amount_sek", "days"):
        text = t("fig_es_y_unit", lang, name=name, unit=unit_word(info, lang))
    else:
        text = t("fig_es_y_level", lang, name=name)
    # never between the digits of a number ("100 000")
    return textwrap.fill(re.sub(r"(?<=\d) (?=\d)", "\u00a0", text), 38)


def figure_event_study(ev: Evaluation) -> Figure:
    """Event study of the primary outcome (DiD) on the scale of the text (shares per 100
    participants, kronor and days as they are), with axes and legend in the report language."""
    from outcomelab.did import event_study_plot
    from outcomelab.did.event_study_plot import legend_below

    lang = ev.lang
    primary = ev.setup.primary
    info = ev.setup.catalogue[primary]
    dynamic = ev.estimates.did[primary].dynamic
    fig = event_study_plot(dynamic, title=info.name(lang), scale=effect_scale(info.kind))
    # event_study_plot labels in English; relabel its axes here
    ax = fig.axes[0]
    ax.set_xlabel(t("fig_es_x", lang))
    ax.set_ylabel(_event_study_axis(ev, info))
    handles, labels = ax.get_legend_handles_labels()
    legend_below(ax, handles, [_event_study_legend(lb, lang) for lb in labels])
    fig.tight_layout()
    return fig


def figure_balance(ev: Evaluation) -> Figure | None:
    """Love plot of the baseline differences (matching: before and after); None without any."""
    lang = ev.lang
    if not ev.setup.covariates:
        return None
    run = ev.estimates.matching
    if run is not None and not ev.setup.design.uses_did:
        tab = run.estimate.matched.balance()
        fig = tab.love_plot()
        # love_plot labels in English with the column names; relabel its axes here
        ax = fig.axes[0]
        terms = tab.tidy()["term"]
        y = np.arange(len(terms))[::-1]  # love_plot draws the first term at the top
        ax.set_yticks(y, [covariate_label(str(c), lang, ev.setup.catalogue) for c in terms])
        ax.set_xlabel(t("fig_balance_x", lang))
        names = {"before": t("c_smd_raw", lang), "after": t("c_smd", lang)}
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(
            handles,
            [names.get(lb, lb) for lb in labels],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.01),
            ncol=2,
            frameon=False,
        )
        fig.tight_layout()
        return fig
    import matplotlib.pyplot as plt

    frame = ev.diagnostics.equivalence.table
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(frame) + 1.4))
    y = np.arange(len(frame))[::-1]
    if "smd_unadjusted" in frame.columns:
        raw = np.abs(frame["smd_unadjusted"].to_numpy(dtype=float))
        ax.scatter(raw, y, facecolors="none", edgecolors="#718096", label=t("c_smd_raw", ev.lang))
    ax.scatter(
        np.abs(frame["smd"].to_numpy(dtype=float)), y, color="#2b6cb0", label=t("c_smd", ev.lang)
    )
    # above the plot, never over a point
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=2, fontsize="small", frameon=False)
    ax.axvline(0.1, color="grey", ls="--", lw=0.8)
    ax.axvline(0.25, color="#c53030", ls=":", lw=0.8)
    labels = [covariate_label(c, ev.lang, ev.setup.catalogue) for c in frame["covariate"]]
    ax.set_yticks(y, labels)
    ax.set_xlabel(t("fig_balance_x", ev.lang))
    fig.tight_layout()
    return fig


def figure_overlap(ev: Evaluation) -> Figure | None:
    """Overlap of the propensity score (matching only)."""
    run = ev.estimates.matching
    if run is None or run.estimate.matched.propensity is None:
        return None
    from outcomelab.balance import overlap_plot

    lang = ev.lang
    fig = overlap_plot(run.estimate.matched.propensity, run.sample["treated"])
    # overlap_plot labels in English; relabel it in the report's language
    ax = fig.axes[0]
    ax.set_title(t("fig_overlap_title", lang))
    ax.set_xlabel(t("fig_overlap_x", lang))
    ax.set_ylabel(t("fig_overlap_y", lang))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [t(f"fig_overlap_{lb}", lang) for lb in labels], frameon=False)
    fig.tight_layout()
    return fig


def title(ev: Evaluation) -> Markup:
    """The report's ``<h1>``: the intervention's name."""
    inputs = ev.setup.inputs
    name = inputs.intervention.get("name") or inputs.intervention_id
    return _heading(t("title", ev.lang, name=name), 1)


def figure_who_pays_who_gains(ev: Evaluation) -> Figure | None:
    """The socio-economic value per payer: who pays and who gains (``None`` without a value)."""
    from outcomelab.did.event_study_plot import legend_below

    result = ev.valuation.result
    if result is None:
        return None
    fig = result.plot_who_pays_who_gains(ev.lang)
    legend_below(fig.axes[0])  # below the axis label: never over a bar, whatever the amounts
    fig.tight_layout()
    return fig
