"""The report section of the aggregate-unit designs: the synthetic comparison group (issue 11).

For synthetic difference-in-differences: which units make up the synthetic comparison (in words
and a table of weights, synthetic control's beside them), the treated units against the synthetic
comparison year by year, the placebo distribution behind the standard error and synthetic
control's permutation test, and the HonestDiD breakdown value in a sentence. For interrupted time
series: the treated units against their extended pre-period trend, the level and slope change.
Texts come from ``vocabulary/words/synth.toml``; only aggregates (municipal statistics) are shown.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from outcomelab.errors import ParameterError
from outcomelab.evaluation.aggregate import (
    HONEST_MAX_POST,
    HONEST_NUM_PRE,
    SyntheticRun,
    treated_names,
    unit_definite,
    unit_kind,
    units_word,
)
from outcomelab.reports.figure_numbers import YEAR_AXIS
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
from outcomelab.webpage import Markup, heading, join, paragraph, table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from outcomelab.evaluation import Evaluation
    from outcomelab.honest import HonestResult

__all__ = [
    "annex_text",
    "caveat_texts",
    "diagnostics_text",
    "economics_words",
    "figure_placebos",
    "figure_trajectory",
    "figure_words",
    "follow_up_text",
    "headline_counts",
    "results_note",
    "section_synthetic",
]

#: donors listed in the weights table
TOP_DONORS = 10


def _run(ev: Evaluation) -> SyntheticRun | None:
    return ev.estimates.synthetic.get(ev.setup.primary)


def _kind(ev: Evaluation) -> str:
    return ev.setup.catalogue[ev.setup.primary].kind


def _weight(w: float, lang: str) -> str:
    if w is None or not math.isfinite(w) or w < 0.0005:
        return "–"
    return f"{fmt_num(100 * w, lang, 1)} %"


def _effect(ev: Evaluation, estimate: float, low: float | None, high: float | None) -> str:
    return format_effect(estimate, _kind(ev), ev.lang, conf_low=low, conf_high=high)


def _honest_target(run: SyntheticRun, honest: HonestResult, lang: str) -> str:
    """Which effect HonestDiD tested, in words: the average over the post years it used."""
    n = honest.num_post
    study = getattr(run.effect, "event_study", None)
    total = n if study is None else int((study["event_time"] >= 0).sum())
    tr = run.trajectory
    years = ""
    if not tr.empty and tr["cohort"].nunique() == 1:
        first = int(tr.loc[tr["post"].astype(bool), "period"].min())
        years = f" ({first})" if n == 1 else f" ({first}–{first + n - 1})"
    if n == 1:
        return t("sy_honest_target_one", lang, years=years)
    key = "sy_honest_target_all" if n >= total else "sy_honest_target_first"
    return t(key, lang, n=n, years=years)


def _honest_sentence(run: SyntheticRun, lang: str) -> str | None:
    honest = run.honest
    if honest is None:
        return None
    target = _honest_target(run, honest, lang)
    if not honest.original_significant:
        return t("sy_honest_none", lang, target=target)
    b = honest.breakdown
    if b is None:
        return t("sy_honest_fragile", lang, target=target)
    key = "sy_honest_whole" if honest.holds_on_whole_grid else "sy_honest_holds"
    decimals = 0 if float(b).is_integer() else 1 if float(10 * b).is_integer() else 2
    return t(key, lang, m=fmt_num(b, lang, decimals), target=target)


def section_synthetic(ev: Evaluation) -> Markup:
    """The synthetic comparison group (or the interrupted time series) in words and a table.

    Empty when the evaluation's design is not an aggregate-unit one.
    """
    run = _run(ev)
    if run is None:
        return Markup()
    lang = ev.lang
    panel = ev.setup.panel
    kind = unit_kind(panel)
    units = units_word(kind, lang)
    units_def = units_word(kind, lang, definite=True)
    treated = treated_names(panel, ev.setup.inputs.participants, lang)
    eff = run.effect
    if run.design == "its":
        terms = eff.terms.set_index("term")
        level = terms.loc["level change"]
        slope = terms.loc["slope change"]
        parts = [
            heading(t("h_its", lang), 2),
            paragraph(
                t(
                    "sy_its",
                    lang,
                    level_change=_effect(
                        ev, level["estimate"], level["conf_low"], level["conf_high"]
                    ),
                    slope_change=_effect(
                        ev, slope["estimate"], slope["conf_low"], slope["conf_high"]
                    ),
                )
            ),
        ]
        return join(*parts)
    parts = [heading(t("h_synthetic", lang), 2), paragraph(t("sy_figure", lang, treated=treated))]
    donors = run.donors(top=TOP_DONORS)
    parts.append(
        paragraph(
            t(
                "sy_weights",
                lang,
                used=fmt_int(run.n_donors_used(), lang),
                donors=fmt_int(run.n_control, lang),
                units_def=units_def,
                unit_one=unit_definite(kind, lang),
                top=min(TOP_DONORS, run.n_donors_used()),
                share=f"{fmt_num(100 * run.top_share(TOP_DONORS), lang, 0)} %",
            )
        )
    )
    header = [t("c_unit", lang), t("c_weight_sdid", lang)]
    with_sc = run.control is not None
    if with_sc:
        header.append(t("c_weight_sc", lang))
    rows = []
    for r in donors.to_dict(orient="records"):
        row = [str(r["name"]), _weight(r["weight"], lang)]
        if with_sc:
            row.append(_weight(r["weight_sc"], lang))
        rows.append(row)
    parts.append(table(header, rows))
    if with_sc:
        parts.append(paragraph(t("sy_weights_sc", lang, units=units), "ol-note"))
    level = fmt_pct(1 - ev.settings.alpha, lang)
    low, high = format_interval(eff.conf_low, eff.conf_high, _kind(ev), lang)
    sc_text = "–"
    if run.control is not None:
        # as many decimals as the synthetic DiD estimate beside it
        sc_text = format_effect(
            run.control.estimate, _kind(ev), lang, conf_low=eff.conf_low, conf_high=eff.conf_high
        )
    parts.append(
        paragraph(
            t(
                "sy_estimates",
                lang,
                sdid=_effect(ev, eff.estimate, eff.conf_low, eff.conf_high),
                level=level,
                low=low,
                high=high,
                sc=sc_text,
            )
        )
    )
    scale = effect_scale(_kind(ev))
    parts.append(
        paragraph(
            t(
                "sy_placebo_sdid",
                lang,
                reps=fmt_int(len(run.replicates), lang),
                n=fmt_int(run.n_treated, lang),
                units_def=units_def,
                se=fmt_num(eff.std_error * scale, lang, 2),
            )
        )
    )
    rank = run.placebo_rank()
    if run.control is not None and run.exact_pre_fit:
        # the treated unit lies inside the donors' hull: the rank says nothing (tests/synth)
        parts.append(
            paragraph(t("sy_placebo_sc_exact", lang, treated=treated, units_def=units_def))
        )
    elif rank is not None and run.control is not None:
        parts.append(
            paragraph(
                t(
                    "sy_placebo_sc",
                    lang,
                    k=fmt_int(rank[1] - 1, lang),
                    units_def=units_def,
                    treated=treated,
                    rank=fmt_int(rank[0], lang),
                    ranked=fmt_int(rank[1], lang),
                    p=fmt_p(run.control.p_value, lang),
                )
            )
        )
    honest = _honest_sentence(run, lang)
    if honest is not None:
        parts.append(paragraph(honest))
    return join(*parts)


def _labels(ev: Evaluation, run: SyntheticRun) -> tuple[str, float]:
    info = ev.setup.catalogue[ev.setup.primary]
    scale = effect_scale(info.kind)
    name = info.name(ev.lang)
    return (f"{name} (%)" if scale == 100 else name), scale


def figure_trajectory(ev: Evaluation) -> Figure | None:
    """The treated units against the synthetic comparison (or the extended trend), by year."""
    run = _run(ev)
    if run is None:
        return None
    import matplotlib.pyplot as plt

    from outcomelab.did.event_study_plot import legend_below

    lang = ev.lang
    tr = run.trajectory
    ylabel, scale = _labels(ev, run)
    treated = treated_names(ev.setup.panel, ev.setup.inputs.participants, lang)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    if run.design == "its":
        ax.plot(tr["period"], tr["observed"] * scale, "o-", color="#2b6cb0", label=treated)
        ax.plot(
            tr["period"],
            tr["counterfactual"] * scale,
            "--",
            color="#718096",
            label=t("fig_sy_synthetic", lang),
        )
        start = tr.loc[tr["post"].astype(bool), "period"].min()
    else:
        first = tr[tr["cohort"] == tr["cohort"].min()]
        ax.plot(first["period"], first["treated"] * scale, "o-", color="#2b6cb0", label=treated)
        ax.plot(
            first["period"],
            first["synthetic"] * scale,
            "--",
            color="#718096",
            label=t("fig_sy_synthetic", lang),
        )
        start = first.loc[first["post"].astype(bool), "period"].min()
    ax.axvline(start - 0.5, color="#c53030", lw=0.8, ls=":")
    ax.annotate(
        t("fig_sy_start", lang),
        (start - 0.5, 1.0),
        xycoords=("data", "axes fraction"),
        ha="left",
        va="top",
        fontsize=8,
        color="#c53030",
    )
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_gid(YEAR_AXIS)  # years, not amounts: no thousands separator
    ax.set_xlabel(t("fig_sy_x", lang))
    ax.set_ylabel(ylabel)
    legend_below(ax)  # outside the plot: never over a line, whatever the data
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def figure_placebos(ev: Evaluation) -> Figure | None:
    """Placebo estimates behind the synthetic DiD standard error, the actual estimate marked;
    beside them synthetic control's post/pre RMSPE ratios (one treated unit)."""
    run = _run(ev)
    if run is None or run.design != "sdid":
        return None
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from outcomelab.did.event_study_plot import legend_below

    lang = ev.lang
    _, scale = _labels(ev, run)
    treated = treated_names(ev.setup.panel, ev.setup.inputs.participants, lang)
    units = units_word(unit_kind(ev.setup.panel), lang)
    placebos = run.control.placebos if run.control is not None else None
    panels = 2 if placebos is not None and not placebos.empty else 1
    fig, axes = plt.subplots(1, panels, figsize=(7 if panels == 1 else 10, 3.4), squeeze=False)
    ax = axes[0, 0]
    reps = run.replicates * scale
    reps = reps[np.isfinite(reps)]
    ax.hist(reps, bins=30, color="#a0aec0")
    ax.axvline(
        run.effect.estimate * scale,
        color="#c53030",
        lw=1.5,
        label=t("fig_sy_placebo_actual", lang, treated=treated),
    )
    ax.set_xlabel(t("fig_sy_placebo_x", lang))
    ax.set_ylabel(t("fig_sy_placebo_y", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of draws
    ax.set_title(t("fig_sy_placebo_title", lang, units=units), fontsize=9)
    legend_below(ax)  # outside the plot: never over the estimate's line or a bar
    if panels == 2 and placebos is not None:
        # synthetic control's in-space placebos: the made-up effect of every other unit
        ax2 = axes[0, 1]
        gaps = placebos["post_gap_mean"].to_numpy(dtype=float) * scale
        mine = placebos["treated"].to_numpy(dtype=bool)
        ax2.hist(gaps[~mine & np.isfinite(gaps)], bins=30, color="#a0aec0")
        ax2.axvline(float(gaps[mine][0]), color="#c53030", lw=1.5, label=treated)
        legend_below(ax2)
        ax2.set_xlabel(t("fig_sy_placebo_sc_x", lang))
        ax2.set_ylabel(t("fig_sy_placebo_sc_y", lang, units=units))
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    for a in axes[0]:
        a.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def figure_words(ev: Evaluation, name: str) -> tuple[str, str]:
    """The caption and alternative text of ``synthetic`` (the trajectory) or ``placebos``: what
    the figure shows and its result in words, in the evaluation's language.

    Parameters
    ----------
    ev
        An evaluation with an aggregate-unit design (:func:`section_synthetic`).
    name
        ``synthetic`` or ``placebos``.

    Returns
    -------
    tuple of str
        ``(caption, alt)``.
    """
    from outcomelab.evaluation.aggregate import synthetic_headline

    run = _run(ev)
    if run is None or name not in ("synthetic", "placebos"):
        raise ParameterError(
            f"There is no synthetic-control figure {name!r} in this evaluation: the names are "
            "'synthetic' and 'placebos', for an aggregate-unit design."
        )
    lang = ev.lang
    info = ev.setup.catalogue[ev.setup.primary]
    treated = _treated(ev)
    units = units_word(unit_kind(ev.setup.panel), lang)
    if name == "synthetic":
        record = ev.outcome_records()[0] | {"alpha": ev.settings.alpha}
        unit = ev.setup.unit_of_analysis()["unit"]
        result = synthetic_headline(record, info, run, treated=treated, lang=lang, unit=unit)
        start = int(ev.setup.panel.loc[ev.setup.panel["cohort"] > 0, "cohort"].min())
        its = "_its" if run.design == "its" else ""
        caption = t(f"fig_sy_caption{its}", lang, name=info.name(lang), treated=treated)
        return caption, t(f"fig_sy_alt{its}", lang, treated=treated, start=start, result=result)
    eff = run.effect
    reps = run.replicates[np.isfinite(run.replicates)]
    alt = t(
        "fig_sy_placebo_alt",
        lang,
        reps=fmt_int(len(reps), lang),
        k=fmt_int(int((np.abs(reps) >= abs(eff.estimate)).sum()), lang),
        treated=treated,
        effect=_effect(ev, eff.estimate, eff.conf_low, eff.conf_high),
    )
    rank = run.placebo_rank()
    if rank is not None:
        units_def = units_word(unit_kind(ev.setup.panel), lang, definite=True)
        more = t(
            "fig_sy_placebo_alt_sc",
            lang,
            treated=treated,
            rank=fmt_int(rank[0], lang),
            ranked=fmt_int(rank[1], lang),
            units_def=units_def,
        )
        alt = f"{alt} {more}"
    return t("fig_sy_placebo_caption", lang, units=units, treated=treated), alt


def annex_text(ev: Evaluation) -> Markup:
    """The methods annex paragraph of the aggregate-unit design (empty for other designs)."""
    run = _run(ev)
    if run is None:
        return Markup()
    key = "an_its" if run.design == "its" else "an_synthetic"
    return paragraph(t(key, ev.lang, pre=HONEST_NUM_PRE, post=HONEST_MAX_POST))


def headline_counts(ev: Evaluation) -> str:
    """The headline's second sentence for an aggregate-unit design: what was compared."""
    run = _run(ev)
    if run is None:
        return ""
    lang = ev.lang
    panel = ev.setup.panel
    treated = treated_names(panel, ev.setup.inputs.participants, lang)
    if run.design == "its":
        return t("hl_sy_counts_its", lang, treated=treated)
    return t(
        "hl_sy_counts",
        lang,
        treated=treated,
        used=fmt_int(run.n_donors_used(), lang),
        donors=fmt_int(run.n_control, lang),
        units_def=units_word(unit_kind(panel), lang, definite=True),
    )


# -- the generic sections' sentences in their aggregate-unit form ---------------------------------
def _treated(ev: Evaluation) -> str:
    return treated_names(ev.setup.panel, ev.setup.inputs.participants, ev.lang)


def follow_up_text(ev: Evaluation) -> str | None:
    """What the effect averages over ("the 6 years from the start year on (2019-2024)"), or
    ``None`` when the design is not an aggregate-unit one (the follow-up month sentence then)."""
    if _run(ev) is None:
        return None
    panel = ev.setup.panel
    last = int(panel["period"].max())
    starts = sorted(int(c) for c in panel.loc[panel["cohort"] > 0, "cohort"].unique())
    if len(starts) == 1:
        n = last - starts[0] + 1
        return t("m_follow_up_synthetic", ev.lang, n=n, first=starts[0], last=last)
    unit_one = unit_definite(unit_kind(panel), ev.lang)
    return t("m_follow_up_synthetic_cohorts", ev.lang, last=last, unit_one=unit_one)


def results_note(ev: Evaluation) -> str | None:
    """The results table's note for aggregate units (shares per 100 people the measure covers;
    the Holm adjustment only when there are secondary outcomes)."""
    if _run(ev) is None:
        return None
    key = "res_note_units" if len(ev.setup.outcomes) > 1 else "res_note_units_single"
    return t(key, ev.lang)


def diagnostics_text(ev: Evaluation) -> str | None:
    """What the comparison rests on for a synthetic design without background variables."""
    run = _run(ev)
    if run is None:
        return None
    if run.design == "its":
        return t("dg_its", ev.lang, treated=_treated(ev))
    units_def = units_word(unit_kind(ev.setup.panel), ev.lang, definite=True)
    pre = int(ev.setup.design.pre_periods or 0)
    return t("dg_synthetic", ev.lang, units_def=units_def, treated=_treated(ev), pre=pre)


def caveat_texts(ev: Evaluation) -> list[str] | None:
    """The first two caveats (not chosen at random; who the results apply to) for the treated
    aggregate units, or ``None``."""
    if _run(ev) is None:
        return None
    treated = _treated(ev)
    units = units_word(unit_kind(ev.setup.panel), ev.lang)
    return [
        t("cv_observational_units", ev.lang, treated=treated),
        t("cv_population_units", ev.lang, treated=treated, units=units),
    ]


def economics_words(ev: Evaluation) -> tuple[str, str] | None:
    """The no-costs sentence and the per-person column header for aggregate units, or ``None``."""
    if _run(ev) is None:
        return None
    return (
        t("ec_no_costs_units", ev.lang, treated=_treated(ev)),
        t("ec_per_person_units", ev.lang),
    )
