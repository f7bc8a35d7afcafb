"""``ValueResult``: the immutable result of :func:`outcomelab.economics.value`."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab._checks import Lang
from outcomelab.numerics import json_safe
from outcomelab.vocabulary.numbers import fmt_num
from outcomelab.vocabulary.texts import t as say

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PAYER_ORDER", "ValueResult"]

#: order in which payers appear in every table and figure
PAYER_ORDER: tuple[str, ...] = (
    "municipality",
    "region",
    "state",
    "individual",
    "society",
    "investor",
    "other",
)


def _fmt_sek(x: float, lang: Lang) -> str:
    return fmt_num(x, lang, 0)


def _fmt_num(x: float, lang: Lang, digits: int = 2) -> str:
    return fmt_num(x, lang, digits)


def payer_label(payer: str, lang: Lang = "sv") -> str:
    """The reader's word for a payer (``municipality`` -> ``Kommunen``); other codes as given."""
    return say(f"payer_{payer}", lang, default=payer)


def column_label(column: str, lang: Lang = "sv") -> str:
    """The reader's words for a column of the socio-economic tables."""
    return say(f"col_{column}", lang)


def _money_unit(biggest: float, lang: Lang) -> tuple[float, str]:
    """Divisor and unit of an axis in millions or thousands of kronor."""
    return (1e6, say("econ_msek", lang)) if biggest >= 1e6 else (1e3, say("econ_tsek", lang))


class _Row:
    """Attribute access to one record of the payer table (typed as Any for the formatters)."""

    def __init__(self, record: Mapping[Any, Any]) -> None:
        self._record = record

    def __getattr__(self, name: str) -> Any:
        return self._record[name]


@dataclass(frozen=True)
class ValueResult:
    """Socio-economic value of an intervention, per payer.

    Attributes
    ----------
    payers
        One row per payer and ``total``: ``pv_costs_sek, pv_returns_sek, npv_sek, bcr, roi,
        payback_year, break_even_scale, npv_sd, npv_low, npv_high`` (Monte Carlo),
        ``npv_low_analytic, npv_high_analytic, prob_ahead, prob_ahead_analytic``.
    break_even
        Per outcome and payer: ``estimate, return_per_unit_pv_sek, break_even_effect``
        (others as estimated) and ``break_even_effect_alone``, in the outcome's unit per
        participant and year.
    flows_long
        Every flow: ``year, payer, kind`` (``cost``/``return``), ``item``, ``amount_sek``
        (undiscounted, in the price year; costs negative), ``discount_factor``,
        ``present_value_sek``.
    effects
        The effects used: ``outcome, estimate, std_error, valued, direction``.
    unit_values_used
        The unit-value rows used, with ``value_sek_in_price_year``.
    settings
        Every option of the calculation (JSON-safe).
    unit_values_version
        Citation of the unit-value table (version and digest).
    uses_illustrative
        Whether any illustrative unit value was used (the report must say so).
    notes
        Plain-language remarks for the reader.
    """

    payers: pd.DataFrame = field(repr=False)
    break_even: pd.DataFrame = field(repr=False)
    flows_long: pd.DataFrame = field(repr=False)
    effects: pd.DataFrame = field(repr=False)
    unit_values_used: pd.DataFrame = field(repr=False)
    settings: Mapping[str, Any] = field(repr=False)
    unit_values_version: str = ""
    uses_illustrative: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("payers", "break_even", "flows_long", "effects", "unit_values_used"):
            object.__setattr__(self, name, getattr(self, name).copy())
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "notes", tuple(self.notes))

    # -- headline numbers -----------------------------------------------------------------------
    def _total(self, column: str) -> Any:
        return self.payers.set_index("payer").loc["total", column]

    @property
    def npv(self) -> float:
        """Net present value over all payers (SEK, price year of the settings)."""
        return float(self._total("npv_sek"))

    @property
    def bcr(self) -> float:
        """Benefit-cost ratio over all payers (NaN without costs)."""
        return float(self._total("bcr"))

    @property
    def roi(self) -> float:
        """Return on investment over all payers: NPV / PV of costs."""
        return float(self._total("roi"))

    @property
    def payback_year(self) -> int | None:
        """First year in which the cumulative discounted net flow of all payers reaches zero."""
        v = self._total("payback_year")
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)

    @property
    def flows(self) -> pd.DataFrame:
        """Undiscounted net flow (returns minus costs) per year (rows) and payer (columns)."""
        return self._pivot("amount_sek")

    @property
    def discounted_flows(self) -> pd.DataFrame:
        """Discounted net flow per year and payer (sums to each payer's NPV)."""
        return self._pivot("present_value_sek")

    def _pivot(self, column: str) -> pd.DataFrame:
        f = self.flows_long
        start = int(self.settings["start_year"])
        years = range(start, start + int(self.settings["horizon_years"]))
        payers = [p for p in PAYER_ORDER if p in set(f["payer"])]
        table = (
            f.pivot_table(index="year", columns="payer", values=column, aggfunc="sum")
            .reindex(index=years, columns=payers)
            .fillna(0.0)
        )
        table["total"] = table.sum(axis=1)
        table.columns.name = "payer"
        return table

    # -- report tables --------------------------------------------------------------------------
    def summary_table(self, lang: Lang = "sv") -> pd.DataFrame:
        """Per payer: costs and returns (present values), NPV with interval, probability of
        coming out ahead, ratios, payback year and break-even share, with labels in ``lang``.

        Returns
        -------
        pandas.DataFrame
            Formatted strings, one row per payer and a total row, ready for a report.
        """
        level = round(100 * (1 - float(self.settings["alpha"])))
        rows = []
        records = self.payers.to_dict(orient="records")
        for rec in records:
            r = _Row(rec)
            interval = (
                f"{_fmt_sek(r.npv_low, lang)} – {_fmt_sek(r.npv_high, lang)}"
                if not math.isnan(r.npv_low)
                else f"{_fmt_sek(r.npv_low_analytic, lang)} – {_fmt_sek(r.npv_high_analytic, lang)}"
            )
            prob = r.prob_ahead if not math.isnan(r.prob_ahead) else r.prob_ahead_analytic
            payback = (
                say("econ_not_reached", lang)
                if r.payback_year is None or pd.isna(r.payback_year)
                else str(int(r.payback_year))
            )
            if r.pv_costs_sek <= 0:
                payback = "–"
            rows.append(
                {
                    column_label("payer", lang): payer_label(r.payer, lang),
                    column_label("pv_costs_sek", lang): _fmt_sek(r.pv_costs_sek, lang),
                    column_label("pv_returns_sek", lang): _fmt_sek(r.pv_returns_sek, lang),
                    column_label("npv_sek", lang): _fmt_sek(r.npv_sek, lang),
                    f"{column_label('npv_interval', lang)} ({level} %)": interval,
                    column_label("prob_ahead", lang): f"{round(100 * prob)} %",
                    column_label("bcr", lang): _fmt_num(r.bcr, lang),
                    column_label("roi", lang): _fmt_num(r.roi, lang),
                    column_label("payback_year", lang): payback,
                    column_label("break_even_scale", lang): _fmt_num(r.break_even_scale, lang),
                }
            )
        return pd.DataFrame(rows)

    def break_even_table(self, lang: Lang = "sv", payer: str = "total") -> pd.DataFrame:
        """Effect size per outcome at which ``payer`` breaks even, labelled in ``lang``."""
        t = self.break_even[self.break_even["payer"] == payer]
        return pd.DataFrame(
            {
                column_label("outcome", lang): t["outcome"].to_numpy(),
                column_label("estimate", lang): t["estimate"].to_numpy(),
                column_label("break_even_effect", lang): t["break_even_effect"].to_numpy(),
                column_label("break_even_effect_alone", lang): t[
                    "break_even_effect_alone"
                ].to_numpy(),
            }
        )

    def illustrative_notice(self, lang: Lang = "sv") -> str:
        """The sentence a report must show when illustrative unit values were used, else ``""``."""
        return say("econ_illustrative", lang) if self.uses_illustrative else ""

    def unit_value_sources(self, lang: Lang = "sv") -> pd.DataFrame:
        """The unit values used, in the price year, with unit, source and the illustrative flag
        (for the report's method appendix)."""
        t = self.unit_values_used
        year = self.settings["price_year"]
        return pd.DataFrame(
            {
                column_label("outcome", lang): t["outcome_code"].to_numpy(),
                column_label("payer", lang): [payer_label(p, lang) for p in t["payer"]],
                column_label("agency", lang): t["agency"].to_numpy(),
                say("col_value_in_year", lang, year=year): t["value_sek_in_price_year"].to_numpy(),
                column_label("unit", lang): t["unit"].to_numpy(),
                column_label("source", lang): t["source"].to_numpy(),
                column_label("illustrative", lang): [
                    say("yes" if v else "no", lang) for v in t["illustrative"]
                ],
            }
        )

    def who_pays_who_gains(self, lang: Lang = "sv") -> pd.DataFrame:
        """Costs against discounted returns per payer (SEK, present values), without a total row.

        Returns
        -------
        pandas.DataFrame
            Columns: payer label, costs (positive numbers), returns, net; payers with neither
            costs nor returns are left out.
        """
        t = self.payers[self.payers["payer"] != "total"]
        t = t[(t["pv_costs_sek"].abs() > 0) | (t["pv_returns_sek"].abs() > 0)]
        return pd.DataFrame(
            {
                column_label("payer", lang): [payer_label(p, lang) for p in t["payer"]],
                column_label("costs", lang): t["pv_costs_sek"].to_numpy(),
                column_label("returns", lang): t["pv_returns_sek"].to_numpy(),
                column_label("net", lang): t["npv_sek"].to_numpy(),
            }
        )

    def plot_who_pays_who_gains(self, lang: Lang = "sv", ax: Axes | None = None) -> Figure:
        """Bar chart: each payer's costs (left, negative) and returns (right), with the net.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        table = self.who_pays_who_gains(lang)
        labels = table.iloc[:, 0].tolist()
        costs = table.iloc[:, 1].to_numpy(dtype=float)
        returns = table.iloc[:, 2].to_numpy(dtype=float)
        net = table.iloc[:, 3].to_numpy(dtype=float)
        biggest = float(np.nanmax(np.abs(np.concatenate([costs, returns, net, [1.0]]))))
        div, unit = _money_unit(biggest, lang)
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 0.6 * max(len(labels), 1) + 1.6))
        else:
            fig = ax.figure  # type: ignore[assignment]
        y = np.arange(len(labels))[::-1]
        ax.barh(y, -costs / div, color="#b2182b", label=column_label("costs", lang))
        ax.barh(y, returns / div, color="#2166ac", label=column_label("returns", lang))
        ax.scatter(net / div, y, color="black", zorder=3, label=column_label("net", lang))
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, labels)
        ax.set_xlabel(
            f"{column_label('costs', lang)} / {column_label('returns', lang)}, "
            f"{say('econ_present_value', lang)} ({unit}, {self.settings['price_year']})"
        )
        ax.set_title(say("econ_who_title", lang))
        ax.legend(loc="best", fontsize="small")
        fig.tight_layout()
        return fig

    def plot_cumulative(self, lang: Lang = "sv", ax: Axes | None = None) -> Figure:
        """Cumulative discounted net flow per payer and in total over the years (where a line
        crosses zero is that payer's payback year).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        cum = self.discounted_flows.cumsum()
        biggest = float(np.nanmax(np.abs(cum.to_numpy()))) if cum.size else 1.0
        div, unit = _money_unit(biggest, lang)
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 3.5))
        else:
            fig = ax.figure  # type: ignore[assignment]
        for payer in cum.columns:
            style = {"color": "black", "lw": 2.2} if payer == "total" else {"lw": 1.2}
            ax.plot(cum.index, cum[payer] / div, label=payer_label(payer, lang), **style)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel(say("econ_year", lang))
        ax.set_ylabel(
            f"{say('econ_cumulative_net', lang)}, {say('econ_present_value', lang)} ({unit})"
        )
        ax.legend(loc="best", fontsize="small")
        fig.tight_layout()
        return fig

    # -- serialisation --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of every table, setting and note (NaN becomes ``None``)."""
        return json_safe(
            {
                "npv_sek": self.npv,
                "bcr": self.bcr,
                "roi": self.roi,
                "payback_year": self.payback_year,
                "payers": self.payers,
                "break_even": self.break_even,
                "flows": self.flows.reset_index(),
                "discounted_flows": self.discounted_flows.reset_index(),
                "effects": self.effects,
                "unit_values_used": self.unit_values_used,
                "settings": dict(self.settings),
                "unit_values_version": self.unit_values_version,
                "uses_illustrative": self.uses_illustrative,
                "notes": list(self.notes),
            }
        )

    def summary(self, lang: Lang = "en") -> str:
        """Plain-text summary: the per-payer table and the notes."""
        lines = [
            f"Socio-economic value, {self.settings['horizon_years']} years, price year "
            f"{self.settings['price_year']}, unit values {self.unit_values_version}",
            self.summary_table(lang).to_string(index=False),
        ]
        if self.uses_illustrative:
            lines.append(say("econ_illustrative", lang))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        notes = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in self.notes)
        return self.summary_table("en").to_html(index=False) + notes
