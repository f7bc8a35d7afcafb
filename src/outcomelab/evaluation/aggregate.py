"""Aggregate units (municipalities, regions, states) in the standard evaluation (issue 11).

When the unit of analysis is an aggregate and the design is ``auto``,
:func:`outcomelab.synth.choose_aggregate_design` decides: a few treated units with enough
comparison units that have the whole series -> synthetic difference-in-differences (the headline)
with synthetic control beside it; many treated units -> group-time DiD weighted by population (the
usual DiD path); no usable comparison units or too short a history -> interrupted time series on
the treated units' own history (Maryland level 2).

:func:`run_synthetic` runs the chosen synthetic design on one outcome and, for the primary outcome,
the extras the report shows: synthetic control with its in-space placebos (one treated unit) and
the HonestDiD sensitivity of the synthetic DiD average effect over the years after the start
(relative magnitudes, breakdown value; at most the first eight years).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.errors import OutcomelabError
from outcomelab.evaluation.design_choice import DesignChoice
from outcomelab.numerics import finite_or_none, json_safe
from outcomelab.vocabulary.phrases import Phrase, each_language, phrase
from outcomelab.vocabulary.texts import t

if TYPE_CHECKING:
    from outcomelab.honest import HonestResult
    from outcomelab.results import EffectResult
    from outcomelab.synth import DesignChoice as AggregateChoice
    from outcomelab.synth.control import SyntheticControlResult
    from outcomelab.vocabulary import OutcomeDefinition

__all__ = [
    "HONEST_MAX_POST",
    "HONEST_M_VALUES",
    "REPLICATIONS",
    "SyntheticRun",
    "aggregate_choice",
    "many_units_reason",
    "run_synthetic",
    "synthetic_design",
    "synthetic_headline",
    "treated_names",
    "unit_definite",
    "unit_kind",
    "units_word",
]

#: placebo replications behind the synthetic DiD standard error (R synthdid's default)
REPLICATIONS = 200
#: the relative-magnitude bounds Mbar tried by the HonestDiD sensitivity
HONEST_M_VALUES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
#: pre-treatment event-study coefficients HonestDiD looks at (the last ones before the start;
#: as the R HonestDiD README does with 5, fewer keep the sets fast on long panels)
HONEST_NUM_PRE = 4
#: test-inversion grid of HonestDiD (R's default)
HONEST_GRID = 1000
#: post-treatment years whose average effect HonestDiD tests (the later ones are left out: with
#: 8 years the relative-magnitudes set takes about a second, with 10 about 15 s, 12 minutes)
HONEST_MAX_POST = 8
#: fewest comparison units with the whole series for a synthetic comparison group
MIN_DONORS = 5


def unit_kind(panel: pd.DataFrame) -> str:
    """The panel's unit of analysis (``"person"``, ``"municipality"``, ``"state"``, ...)."""
    info = panel.attrs.get("panel_info") or {}
    return str(info.get("unit_of_analysis") or "person")


def units_word(kind: str, lang: str, *, definite: bool = False) -> str:
    """The plural of a unit of analysis in ``lang`` ("kommuner", "states", "units"; definite:
    "kommunerna")."""
    key = "units_def" if definite else "units"
    return t(f"{key}_{kind}", lang, default=t(f"{key}_other", lang))


def unit_definite(kind: str, lang: str) -> str:
    """The definite singular of a unit of analysis ("kommunen", "municipality")."""
    return t(f"unit_def_{kind}", lang, default=t("unit_def_other", lang))


def treated_names(panel: pd.DataFrame, participants: pd.DataFrame, lang: str) -> str:
    """The treated units by name ("Norrköping", "Norrköping och Linköping", "5 kommuner")."""
    ids = sorted(panel.loc[panel["cohort"] > 0, "unit_id"].astype(str).unique())
    names = _names(participants)
    shown = [names.get(u, u) for u in ids]
    if len(shown) > 3:
        return t("n_more_units", lang, n=len(shown), units=units_word(unit_kind(panel), lang))
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + f" {t('list_and', lang)} " + shown[-1]


def aggregate_choice(panel: pd.DataFrame, outcome: str) -> AggregateChoice | None:
    """The aggregate-unit design for ``outcome``, or ``None`` when the units are persons."""
    if unit_kind(panel) == "person":
        return None
    from outcomelab.synth import choose_aggregate_design

    return choose_aggregate_design(
        panel,
        outcome=outcome,
        unit="unit_id",
        time="period",
        cohort="cohort",
        min_donors=MIN_DONORS,
    )


def synthetic_design(
    choice: AggregateChoice,
    panel: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    requested: str,
) -> DesignChoice:
    """The evaluation's design record for a synthetic DiD or interrupted time-series choice,
    with the reason as a language-neutral phrase."""
    cohorts = tuple(sorted(int(c) for c in panel.loc[panel["cohort"] > 0, "cohort"].unique()))
    kind = unit_kind(panel)
    words: dict[str, Any] = {
        "treated": each_language(lambda lang: treated_names(panel, participants, lang)),
        "units": each_language(lambda lang: units_word(kind, lang)),
        "units_def": each_language(lambda lang: units_word(kind, lang, definite=True)),
        "donors": choice.n_donors,
        "pre": choice.n_pre,
    }
    if choice.design == "sdid":
        years = int(panel["period"].nunique())
        reason = phrase("d_sdid", years=years, **words)
        return DesignChoice(requested, "synthetic", "sdid", reason, cohorts, choice.n_pre)
    if choice.reason == "no_donors":
        reason = phrase("d_its_no_donors", needed=MIN_DONORS, **words)
    else:
        reason = phrase("d_its_short", **words)
    return DesignChoice(requested, "synthetic", "its", reason, cohorts, choice.n_pre)


def many_units_reason(choice: AggregateChoice, panel: pd.DataFrame) -> Phrase:
    """Why an aggregate-unit evaluation with many treated units uses the usual DiD path."""
    kind = unit_kind(panel)
    return phrase(
        "d_agg_many", n=choice.n_treated, units=each_language(lambda lang: units_word(kind, lang))
    )


@dataclass(frozen=True)
class SyntheticRun:
    """The synthetic design's results for one outcome.

    Attributes
    ----------
    code
        Outcome code.
    design
        ``"sdid"`` or ``"its"``.
    effect
        The headline result (:class:`~outcomelab.synth.SynthResult` or
        :class:`~outcomelab.synth.ITSResult`).
    control
        Synthetic control beside synthetic DiD (one treated unit; primary outcome only), with its
        in-space placebos, or ``None``.
    honest
        HonestDiD relative-magnitudes sensitivity of the synthetic DiD event study's average
        effect over the years after the start (at most :data:`HONEST_MAX_POST`; primary
        outcome), or ``None``.
    notes
        Why an extra could not be computed (keyed ``control`` / ``honest``).
    names
        Unit id -> name (from the submission's units table, when it has names).
    """

    code: str
    design: str
    effect: EffectResult
    control: SyntheticControlResult | None = field(default=None, repr=False)
    honest: HonestResult | None = field(default=None, repr=False)
    notes: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))

    @property
    def replicates(self) -> np.ndarray:
        """The placebo estimates behind the synthetic DiD standard error (empty for ITS)."""
        return np.asarray(getattr(self.effect, "replicates", np.empty(0)), dtype=float)

    @property
    def unit_weights(self) -> pd.DataFrame:
        """``unit, weight`` of the comparison units (empty for interrupted time series)."""
        weights = getattr(self.effect, "unit_weights", None)
        return pd.DataFrame(columns=["unit", "weight"]) if weights is None else weights

    @property
    def trajectory(self) -> pd.DataFrame:
        """Per period: the treated units against the synthetic comparison or extended trend."""
        return getattr(self.effect, "trajectory", pd.DataFrame())

    @property
    def n_treated(self) -> int:
        """Treated units in the estimate."""
        return int(self.effect.n_treated)

    @property
    def n_control(self) -> int:
        """Comparison units (donors) in the estimate (0 for interrupted time series)."""
        return int(self.effect.n_control)

    def donors(self, top: int = 10, min_weight: float = 0.001) -> pd.DataFrame:
        """The comparison units that make up the synthetic comparison, largest weight first.

        Columns ``unit_id``, ``name``, ``weight`` (synthetic DiD) and ``weight_sc`` (synthetic
        control, when it ran): the ``top`` largest synthetic DiD weights and the ``top // 2``
        largest synthetic control weights. Empty for interrupted time series.
        """
        weights = self.unit_weights
        if weights.empty:
            return pd.DataFrame(columns=["unit_id", "name", "weight", "weight_sc"])
        w = weights.groupby("unit", sort=False)["weight"].sum()
        table = pd.DataFrame({"unit_id": w.index.astype(str), "weight": w.to_numpy(dtype=float)})
        if self.control is not None:
            sc = self.control.unit_weights.groupby("unit")["weight"].sum()
            table["weight_sc"] = table["unit_id"].map(sc.rename(index=str)).fillna(0.0)
        else:
            table["weight_sc"] = np.nan
        keep = (table["weight"] >= min_weight) | (table["weight_sc"].fillna(0) >= min_weight)
        table = table[keep].sort_values("weight", ascending=False, ignore_index=True)
        # the largest synthetic DiD weights, and synthetic control's largest beside them
        shown = set(table["unit_id"].head(top))
        shown |= set(table.nlargest(max(top // 2, 1), "weight_sc")["unit_id"])
        table = table[table["unit_id"].isin(shown)].reset_index(drop=True)
        table.insert(1, "name", table["unit_id"].map(lambda u: self.names.get(u, u)))
        return table

    def top_share(self, top: int = 10) -> float:
        """The share of the synthetic comparison made up by the ``top`` largest donors."""
        weights = self.unit_weights
        if weights.empty:
            return float("nan")
        w = weights.groupby("unit")["weight"].sum().sort_values(ascending=False)
        return float(w.head(top).sum() / w.sum())

    def n_donors_used(self, min_weight: float = 0.001) -> int:
        """Comparison units with a weight of at least ``min_weight``."""
        weights = self.unit_weights
        if weights.empty:
            return 0
        return int((weights.groupby("unit")["weight"].sum() >= min_weight).sum())

    def comparison_mean(self) -> float | None:
        """The synthetic comparison's (or the extended trend's) mean over the post-treatment
        periods: what the treated units would have had without the intervention."""
        tr = self.trajectory
        if tr.empty:
            return None
        column = "synthetic" if "synthetic" in tr.columns else "counterfactual"
        return finite_or_none(float(tr.loc[tr["post"].astype(bool), column].mean()))

    def placebo_rank(self) -> tuple[int, int] | None:
        """The treated unit's rank among all units by post/pre RMSPE ratio (1 = largest) and the
        number of units ranked (synthetic control's in-space placebos), or ``None``."""
        if self.control is None or self.control.placebos.empty or self.exact_pre_fit:
            return None
        table = self.control.placebos
        kept = table[table["kept"]]
        treated = kept[kept["treated"]]
        if treated.empty:
            return None
        return int(treated["rank"].iloc[0]), len(kept)

    @property
    def exact_pre_fit(self) -> bool:
        """Whether synthetic control reproduces the treated unit exactly before the start (it
        lies inside the donors' hull): its permutation rank then says nothing."""
        if self.control is None:
            return False
        return bool(self.control.diagnostics.get("exact_pre_fit", False))

    def to_dict(self) -> dict[str, Any]:
        """The ``synthetic`` object of results.json."""
        eff = self.effect
        out: dict[str, Any] = {
            "outcome": self.code,
            "design": self.design,
            "estimate": finite_or_none(eff.estimate),
            "std_error": finite_or_none(eff.std_error),
            "conf_low": finite_or_none(eff.conf_low),
            "conf_high": finite_or_none(eff.conf_high),
            "p_value": finite_or_none(eff.p_value),
            "method": eff.method,
            "n_treated": self.n_treated,
            "n_control": self.n_control,
            "trajectory": json_safe(self.trajectory),
            "notes": dict(self.notes),
        }
        if self.design == "sdid":
            donors = self.donors(top=10_000)
            out["donors"] = json_safe(donors)
            out["donors_used"] = self.n_donors_used()
            out["placebo_estimates"] = json_safe(self.replicates)
        if self.control is not None:
            sc = self.control
            rank = self.placebo_rank()
            out["synthetic_control"] = {
                "estimate": finite_or_none(sc.estimate),
                "p_value": finite_or_none(sc.p_value),
                "exact_pre_fit": self.exact_pre_fit,
                "rank": None if rank is None else rank[0],
                "units_ranked": None if rank is None else rank[1],
                "placebos": json_safe(sc.placebos),
            }
        if self.honest is not None:
            out["honest_did"] = self.honest.to_dict()
        if self.design == "its":
            out["maryland_level"] = int(getattr(eff, "maryland_level", 2))
        return out


def _names(participants: pd.DataFrame) -> dict[str, str]:
    if "unit_id" not in participants.columns or "name" not in participants.columns:
        return {}
    named = participants.dropna(subset=["unit_id", "name"])
    named = named[named["name"].astype(str).str.strip() != ""]
    return dict(zip(named["unit_id"].astype(str), named["name"].astype(str), strict=True))


def _balanced(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Treated units and the comparison units with the whole series of ``outcome``."""
    data = panel[["unit_id", "period", "cohort", outcome]]
    periods = data["period"].nunique()
    complete = data.dropna(subset=[outcome]).groupby("unit_id")["period"].nunique() == periods
    keep = set(complete.index[complete]) | set(data.loc[data["cohort"] > 0, "unit_id"])
    return data[data["unit_id"].isin(keep)].reset_index(drop=True)


def run_synthetic(
    panel: pd.DataFrame,
    code: str,
    *,
    design: str,
    participants: pd.DataFrame,
    alpha: float,
    seed: int,
    extras: bool,
) -> SyntheticRun:
    """Run the synthetic design on outcome ``code``.

    Parameters
    ----------
    panel
        The evaluation's panel (columns ``unit_id``, ``period``, ``cohort`` and the outcome).
    code
        Outcome code.
    design
        ``"sdid"`` or ``"its"``.
    participants
        The submission's units table (for the units' names).
    alpha, seed
        Level and random seed (placebo draws).
    extras
        Also run synthetic control with placebos and the HonestDiD sensitivity (primary
        outcome).

    Returns
    -------
    SyntheticRun

    Raises
    ------
    OutcomelabError
        When the headline estimator fails (the evaluation marks the outcome not estimable).
    """
    from outcomelab.synth import interrupted_time_series, synthdid, synthetic_control

    names = _names(participants)
    data = _balanced(panel, code)
    if design == "its":
        treated = data[data["cohort"] > 0]
        its = interrupted_time_series(
            treated,
            outcome=code,
            time="period",
            start=int(treated["cohort"].min()),
            unit="unit_id",
            units=sorted(treated["unit_id"].unique()),
            alpha=alpha,
        )
        return SyntheticRun(code, "its", its, names=names)
    sdid = synthdid(
        data,
        outcome=code,
        unit="unit_id",
        time="period",
        cohort="cohort",
        replications=REPLICATIONS,
        seed=seed,
        alpha=alpha,
    )
    notes: dict[str, str] = {}
    control = honest = None
    if extras:
        if sdid.n_treated == 1:
            try:
                control = synthetic_control(
                    data, outcome=code, unit="unit_id", time="period", cohort="cohort", v="equal"
                )
            except OutcomelabError as err:
                notes["control"] = str(err)
        else:
            notes["control"] = "several_treated"
        try:
            from outcomelab.honest import honest_did_for

            # the average effect over the years after the start (what the headline reports),
            # over at most HONEST_MAX_POST years; the report says which years
            honest = honest_did_for(
                sdid,
                num_pre=HONEST_NUM_PRE,
                num_post=HONEST_MAX_POST,
                post_period="average",
                m_values=list(HONEST_M_VALUES),
                grid_points=HONEST_GRID,
            )
        except OutcomelabError as err:
            notes["honest"] = str(err)
    return SyntheticRun(code, "sdid", sdid, control, honest, notes, names)


def synthetic_headline(
    record: Mapping[str, Any],
    info: OutcomeDefinition,
    run: SyntheticRun,
    *,
    treated: str,
    lang: str,
    unit: str = "person",
) -> str:
    """The headline of an aggregate-unit design: the average effect over the years after the
    start against the synthetic comparison (or the extended trend), and the verdict in words.

    Parameters
    ----------
    record
        The primary outcome's entry of ``results["outcomes"]`` (with ``alpha``).
    info
        The outcome's catalogue entry.
    run
        The synthetic design's run of the primary outcome.
    treated
        The treated units by name.
    lang
        ``"sv"`` or ``"en"``.
    unit
        The unit of analysis (``municipality``, ...): what more of would be needed when the
        result is not significant.
    """
    from outcomelab.evaluation.headline import (
        effect_words,
        interval_phrase,
        significance_sentence,
        unit_word,
    )
    from outcomelab.vocabulary.numbers import fmt_pct, format_effect

    if record.get("error") or record.get("estimate") is None:
        return t("hl_failed", lang, name=info.name(lang).lower(), error=record.get("error", ""))
    est, low, high = (float(record[k]) for k in ("estimate", "conf_low", "conf_high"))
    more = est >= 0
    if not more:
        est, low, high = -est, -high, -low
    words = effect_words(info.kind, more)
    prefix = "hl_sy_its" if run.design == "its" else "hl_sy"
    key = f"{prefix}_rate" if info.kind == "rate" else f"{prefix}_other"
    level = fmt_pct(1 - float(record.get("alpha", 0.05)), lang)
    sentence = t(
        key,
        lang,
        n=format_effect(est, info.kind, lang, conf_low=low, conf_high=high),
        more=t(words[0], lang),
        state=info.phrase(lang),
        name=info.name(lang).lower(),
        unit=unit_word(info, lang),
        treated=treated,
        # "mellan 0,5 färre och 3,2 fler" when the interval crosses zero, as in the DiD headline
        interval=interval_phrase(low, high, info, lang, level=level, words=words),
    )
    p = record.get("p_value_holm", record.get("p_value"))
    verdict = significance_sentence(str(record["verdict"]), float(p), lang=lang, unit=unit)
    return f"{sentence} {verdict}"
