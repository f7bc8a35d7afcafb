"""HTML fragments and figures for each section of the standard evaluation report.

Each ``section_*`` function returns an HTML string in the report language; each ``figure_*``
function a matplotlib Figure. Only aggregates are shown: no function here prints person rows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from outcomelab.reports.estimation import event_time
from outcomelab.reports.headline import headline_text
from outcomelab.reports.i18n import code_label, covariate_label, t
from outcomelab.vocabulary.numbers import (
    effect_scale,
    fmt_int,
    fmt_num,
    fmt_p,
    fmt_pct,
    format_effect,
    format_interval,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from outcomelab.reports.evaluation import Evaluation

__all__ = [
    "figure_balance",
    "figure_event_study",
    "figure_overlap",
    "figure_results",
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
    "section_provenance",
    "section_results",
    "section_robustness",
    "table_html",
    "title",
]


def _e(text: object) -> str:
    return html.escape(str(text))


def heading(key: str, lang: str, level: int = 2) -> str:
    """An ``<hN>`` with the section title ``key`` in ``lang``."""
    return f"<h{level}>{_e(t(key, lang))}</h{level}>"


def table_html(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, text: bool = False
) -> str:
    """A small escaped HTML table with the report's table class (``text``: left-aligned)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    cls = "ol-table ol-text" if text else "ol-table"
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{_e(text)}</p>"


def _effect_text(rec: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """Effect and interval as shown in tables (per 100 for shares)."""
    if rec.get("estimate") is None:
        return "–", "–"
    low, high = rec.get("conf_low"), rec.get("conf_high")
    est = format_effect(rec["estimate"], rec["kind"], lang, conf_low=low, conf_high=high)
    shown_low, shown_high = format_interval(low, high, rec["kind"], lang)
    return est, f"{shown_low} – {shown_high}"


# -- sections -----------------------------------------------------------------------------------
def section_headline(ev: Evaluation) -> str:
    """The plain-language summary: the primary outcome's headline and the counts."""
    lang = ev.lang
    rec = ev.outcome_records()[0]
    flow = ev.flow or ev.sample_flow()
    counts = t(
        "hl_counts",
        lang,
        analysed=fmt_int(flow.analysed, lang),
        submitted=fmt_int(flow.submitted, lang),
        comparison=fmt_int(flow.comparison_analysed, lang),
    )
    return (
        heading("h_headline", lang)
        + f'<div class="ol-headline ol-verdict-{rec["verdict"]}">{_e(ev.headline())}</div>'
        + _p(counts)
    )


def section_flow(ev: Evaluation) -> str:
    """Who was evaluated: from submitted to analysed, with reasons."""
    lang = ev.lang
    flow = ev.flow or ev.sample_flow()
    table = flow.table(lang)
    return heading("h_flow", lang) + table_html(list(table.columns), table.to_numpy().tolist())


def section_intervention(ev: Evaluation) -> str:
    """The intervention's metadata and the participants per start year."""
    lang = ev.lang
    inputs = ev._inputs
    catalogue = inputs.catalogue
    meta = inputs.intervention
    persons = ev.panel.drop_duplicates("unit")
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
        (t("i_cohorts", lang), cohorts),
        (t("i_primary", lang), catalogue[ev.primary].name(lang)),
        (
            t("i_secondary", lang),
            ", ".join(catalogue[c].name(lang) for c in ev.outcome_codes[1:]) or "–",
        ),
    ]
    return heading("h_intervention", lang) + table_html([t("c_item", lang), ""], rows, text=True)


def section_method(ev: Evaluation) -> str:
    """The design and why, in plain words."""
    lang = ev.lang
    design = ev._design
    catalogue = ev._inputs.catalogue
    names = ", ".join(covariate_label(c, lang, catalogue) for c in ev.covariates)
    parts = [
        heading("h_method", lang),
        _p(t("m_compare", lang)),
        _p(design.reason),
        _p(
            t(
                "m_follow_up",
                lang,
                months=ev.follow_up_months,
                e=event_time(ev.follow_up_months, ev.panel),
            )
        ),
        _p(t("m_primary", lang, name=catalogue[ev.primary].name(lang).lower())),
    ]
    if names:
        parts.append(_p(t("m_covariates", lang, names=names)))
    return "".join(parts)


def section_results(ev: Evaluation) -> str:
    """Table of every outcome (primary first) and one sentence per outcome."""
    lang = ev.lang
    level = fmt_pct(1 - ev.alpha, lang)
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
                t(f"v_{rec['verdict']}", lang),
            )
        )
        info = ev._inputs.catalogue[rec["code"]]
        sentences.append(
            headline_text(
                rec | {"alpha": ev.alpha}, info, lang=lang, follow_up_months=ev.follow_up_months
            )
        )
    header = [
        t("c_outcome", lang),
        t("c_role", lang),
        t("c_estimate", lang),
        t("c_interval", lang, level=level),
        t("c_p", lang),
        t("c_p_holm", lang),
        t("c_n", lang),
        t("c_verdict", lang),
    ]
    items = "".join(f"<li>{_e(s)}</li>" for s in sentences)
    return (
        heading("h_results", lang)
        + table_html(header, rows)
        + _p(t("res_note_holm", lang), "ol-note")
        + f"<ul>{items}</ul>"
    )


def section_diagnostics(ev: Evaluation) -> str:
    """Pre-trend test (DiD) and the baseline balance table."""
    lang = ev.lang
    parts = [heading("h_diagnostics", lang)]
    if ev.pretrend is not None and ev.pretrend["p_value"] is None:
        reason = ev.pretrend.get("reason") or t("dg_pretrend_reason", lang)
        parts.append(_p(t("dg_pretrend_none", lang, reason=reason)))
        parts.append(_p(t("dg_event", lang), "ol-note"))
    elif ev.pretrend is not None:
        p = ev.pretrend["p_value"]
        ok = p >= 0.05
        parts.append(
            _p(
                t(
                    "dg_pretrend",
                    lang,
                    stat=fmt_num(ev.pretrend["statistic"], lang, 2),
                    df=ev.pretrend["df"],
                    p=fmt_p(p, lang),
                    verdict=t("dg_pretrend_ok" if ok else "dg_pretrend_bad", lang),
                )
            )
        )
        parts.append(_p(t("dg_event", lang), "ol-note"))
    missing = (ev.panel.attrs.get("covariate_set") or {}).get("missing_recommended") or []
    unit = (ev._inputs.panel.attrs.get("panel_info") or {}).get("unit_of_analysis", "person")
    if ev.equivalence_table.empty or "smd" not in ev.equivalence_table.columns:
        parts.append(_p(t("dg_no_covariates", lang)))
        if missing and unit == "person":
            parts.append(_p(t("dg_covariates_missing", lang, names=", ".join(missing)), "ol-note"))
        return "".join(parts)
    parts.append(_p(t("dg_balance", lang)))
    if missing and unit == "person":
        parts.append(_p(t("dg_covariates_missing", lang, names=", ".join(missing)), "ol-note"))
    rows = [
        (
            covariate_label(r["covariate"], lang, ev._inputs.catalogue),
            fmt_num(r["smd_unadjusted"], lang, 3),
            fmt_num(r["smd"], lang, 3),
            t(f"wwc_{r['verdict']}", lang),
        )
        for r in ev.equivalence_table.to_dict(orient="records")
    ]
    header = [t("c_covariate", lang), t("c_smd_raw", lang), t("c_smd", lang), "WWC"]
    parts.append(table_html(header, rows))
    return "".join(parts)


def section_robustness(ev: Evaluation) -> str:
    """The primary outcome under other choices, next to the main analysis."""
    lang = ev.lang
    main = ev.outcome_records()[0]
    kind = main["kind"]
    rows = []
    for label, rec in [(t("rb_main", lang), main), *[(r["label"], r) for r in ev.robustness]]:
        if rec.get("estimate") is None:
            rows.append((label, t("rb_failed", lang), "–", "–"))
            continue
        est, interval = _effect_text(rec | {"kind": kind}, lang)
        rows.append((label, est, interval, fmt_p(rec["p_value"], lang)))
    header = [
        t("c_check", lang),
        t("c_estimate", lang),
        t("c_interval", lang, level=fmt_pct(1 - ev.alpha, lang)),
        t("c_p", lang),
    ]
    return heading("h_robustness", lang) + _p(t("rb_intro", lang)) + table_html(header, rows)


def section_evidence(ev: Evaluation) -> str:
    """SMS level and WWC verdict with the reasons."""
    lang = ev.lang
    rating = ev.evidence or ev.rate_evidence()
    sms = "".join(f"<li>{_e(r)}</li>" for r in rating.sms_reasons)
    wwc = "".join(f"<li>{_e(r)}</li>" for r in rating.wwc_reasons)
    return (
        heading("h_evidence", lang)
        + f"<p><strong>{_e(t('ev_sms', lang, level=rating.sms_level))}</strong></p><ul>{sms}</ul>"
        + f"<p><strong>{_e(t('ev_wwc', lang, verdict=t('wwc_' + rating.wwc_verdict, lang)))}"
        + f"</strong></p><ul>{wwc}</ul>"
    )


def section_economics(ev: Evaluation) -> str:
    """The socio-economic value per payer, or why it could not be computed."""
    lang = ev.lang
    head = heading("h_economics", lang)
    if ev.economics is None:
        return head + _p(t("ec_missing", lang, error=ev.economics_error or "–"))
    rate = float(ev.params.get("discount_rate", 0.035))
    intro = _p(
        t(
            "ec_intro",
            lang,
            rate=f"{fmt_num(100 * rate, lang, 1)} %",
            years=int(ev.params.get("horizon_years", 10)),
        )
    )
    table = ev.economics.summary_table(lang)
    rows = [
        [fmt_num(v, lang, 2) if isinstance(v, float) else ("–" if v is None else v) for v in row]
        for row in table.to_numpy().tolist()
    ]
    return head + intro + table_html([str(c) for c in table.columns], rows)


def section_caveats(ev: Evaluation) -> str:
    """What the reader must keep in mind."""
    lang = ev.lang
    items = [t("cv_observational", lang), t("cv_population", lang)]
    flow = ev.flow or ev.sample_flow()
    unit = ev._unit_of_analysis()
    # aggregate units: the 60-person rule counts the persons behind the units, not the units
    persons = unit.get("persons_analysed")
    if (flow.analysed if persons is None else persons) < 60:
        items.append(t("cv_small", lang))
    country = str(ev._inputs.intervention.get("country") or "SE")
    if country != "SE":
        items.append(t("cv_country", lang, country=country))
    if ev.outcome_records()[0]["verdict"] == "inconclusive":
        items.append(t("cv_inconclusive", lang))
    if ev.economics is not None:
        items.append(t("cv_economics", lang))
    return (
        heading("h_caveats", lang) + "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
    )


def section_annex(ev: Evaluation) -> str:
    """Estimators, estimands and references."""
    lang = ev.lang
    parts = [heading("h_annex", lang)]
    if ev._design.uses_did:
        parts.append(_p(t("an_did", lang, e=event_time(ev.follow_up_months, ev.panel))))
    if ev._design.chosen in ("matching", "both") or any(
        r["method"].startswith("nearest") for r in ev.robustness
    ):
        parts.append(_p(t("an_matching", lang)))
    parts.append(_p(t("an_evidence", lang)))
    return "".join(parts)


def section_provenance(ev: Evaluation, facts: Mapping[str, Any]) -> str:
    """Submission version, parameters, package versions, seed and run time."""
    lang = ev.lang
    inputs = ev._inputs
    params = ", ".join(
        f"{k} = {'–' if v is None else repr(v)}"
        for k, v in sorted(ev.params.items())
        if k not in ("store_dir", "data_dir", "output_dir")
    )
    versions = ", ".join(f"{k} {v}" for k, v in sorted(facts.get("versions", {}).items()))
    rows = [
        (t("pv_submission", lang), inputs.submission_id or t("pv_folder", lang)),
        (t("pv_hash", lang), inputs.version_hash),
        (t("pv_seed", lang), ev.seed),
        (t("pv_run", lang), facts.get("run_at", "–")),
        (t("pv_parameters", lang), params),
        (t("pv_versions", lang), versions),
    ]
    header = [t("c_item", lang), t("c_value", lang)]
    return heading("h_provenance", lang) + table_html(header, rows, text=True)


# -- figures ------------------------------------------------------------------------------------
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
    axes[-1, 0].set_xlabel(t("fig_results", ev.lang, level=fmt_pct(1 - ev.alpha, ev.lang)))
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


def figure_event_study(ev: Evaluation) -> Figure:
    """Event study of the primary outcome (DiD), with axes and legend in the report language."""
    from outcomelab.did import event_study_plot

    lang = ev.lang
    title = ev._inputs.catalogue[ev.primary].name(lang)
    fig = event_study_plot(ev.did[ev.primary].dynamic, title=title)
    # event_study_plot labels in English; relabel its axes here
    ax = fig.axes[0]
    ax.set_xlabel(t("fig_es_x", lang))
    ax.set_ylabel(t("fig_es_y", lang))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [_event_study_legend(lb, lang) for lb in labels], fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


def figure_balance(ev: Evaluation) -> Figure | None:
    """Love plot of the baseline differences (matching: before and after); None without any."""
    lang = ev.lang
    if not ev.covariates:
        return None
    if ev.matching is not None and not ev._design.uses_did:
        tab = ev.matching.matched.balance()
        fig = tab.love_plot()
        # love_plot labels in English with the column names; relabel its axes here
        ax = fig.axes[0]
        terms = tab.to_frame().index
        y = np.arange(len(terms))[::-1]  # love_plot draws the first term at the top
        ax.set_yticks(y, [covariate_label(str(c), lang, ev._inputs.catalogue) for c in terms])
        ax.set_xlabel(t("fig_balance_x", lang))
        ax.set_title(t("fig_balance_title", lang))
        names = {"before": t("c_smd_raw", lang), "after": t("c_smd", lang)}
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, [names.get(lb, lb) for lb in labels], loc="lower right", frameon=False)
        fig.tight_layout()
        return fig
    import matplotlib.pyplot as plt

    table = ev.equivalence_table
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    if "smd_unadjusted" in table.columns:
        raw = np.abs(table["smd_unadjusted"].to_numpy(dtype=float))
        ax.scatter(raw, y, facecolors="none", edgecolors="#718096", label=t("c_smd_raw", ev.lang))
    ax.scatter(
        np.abs(table["smd"].to_numpy(dtype=float)), y, color="#2b6cb0", label=t("c_smd", ev.lang)
    )
    ax.legend(loc="lower right", fontsize="small")
    ax.axvline(0.1, color="grey", ls="--", lw=0.8)
    ax.axvline(0.25, color="#c53030", ls=":", lw=0.8)
    labels = [covariate_label(c, ev.lang, ev._inputs.catalogue) for c in table["covariate"]]
    ax.set_yticks(y, labels)
    ax.set_xlabel("|g|")
    fig.tight_layout()
    return fig


def figure_overlap(ev: Evaluation) -> Figure | None:
    """Overlap of the propensity score (matching only)."""
    if ev.matching is None:
        return None
    from outcomelab.balance import overlap_plot

    m = ev.matching.matched
    if m.propensity is None:
        return None
    return overlap_plot(m.propensity, ev._matching_sample["treated"])


def title(ev: Evaluation) -> str:
    """The report's ``<h1>``: the intervention's name."""
    name = ev._inputs.intervention.get("name") or ev._inputs.intervention_id
    return f"<h1>{_e(t('title', ev.lang, name=name))}</h1>"
