"""``BalanceTable``: the immutable result of :func:`outcomelab.balance.balance`."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import pandas as pd

from outcomelab._checks import check_choice
from outcomelab.balance.plots import love_plot
from outcomelab.balance.wwc import WWCVerdict, cox_index, decide, hedges_g, wwc_band
from outcomelab.numerics import json_safe

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DISPLAY_COLUMNS", "BalanceTable"]

#: variance ratios outside this range are flagged (Rubin 2001; Austin 2009)
VAR_RATIO_LIMITS = (0.5, 2.0)
#: statistics reported for each sample ("before" and, when weights were given, "after")
STATISTICS = ("mean_treated", "mean_control", "smd", "var_ratio", "ecdf_mean", "ecdf_max")
DISPLAY_COLUMNS = ("type", *(f"{s}_{when}" for when in ("before", "after") for s in STATISTICS))


@dataclass(frozen=True)
class BalanceTable:
    """Covariate balance between treated and comparison units, before and after adjustment.

    Attributes
    ----------
    table
        One row per covariate term (index ``term``) with ``variable`` (source column), ``type``
        (``"binary"``/``"continuous"``), ``sd_denominator`` and, for each sample ``before`` and
        (when weights were given) ``after``: ``mean_treated, mean_control, smd, var_ratio,
        ecdf_mean, ecdf_max, var_treated, var_control``. Read it through :meth:`tidy`.
    sample_sizes
        Index ``before``/``after``; columns ``n_treated, n_control`` (units with positive weight)
        and ``ess_treated, ess_control`` (Kish effective sample sizes).
    estimand
        ``"ATT"``, ``"ATE"`` or ``"ATC"``: the population the weights target.
    s_d_denom
        Which standard deviation standardises the differences: ``"treated"``, ``"control"`` or
        ``"pooled"``.
    threshold
        |SMD| at or above which a term is flagged as imbalanced (0.1 by default).

    Notes
    -----
    :meth:`tidy` adds two flags for the last sample: ``imbalanced_*`` (``|SMD| >=
    threshold``) and ``var_ratio_flag_*`` (a continuous term's variance ratio outside 0.5-2;
    Rubin 2001, Austin 2009).
    """

    table: pd.DataFrame = field(repr=False, compare=False)
    sample_sizes: pd.DataFrame = field(repr=False, compare=False)
    estimand: str = "ATT"
    s_d_denom: str = "treated"
    threshold: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.table.copy())
        object.__setattr__(self, "sample_sizes", self.sample_sizes.copy())

    # -- reading ------------------------------------------------------------------------------
    @property
    def adjusted(self) -> bool:
        """Whether the table has an adjusted ("after") sample."""
        return "smd_after" in self.table.columns

    def tidy(self, *, all_columns: bool = False) -> pd.DataFrame:
        """The balance table as a new DataFrame, one row per term.

        Parameters
        ----------
        all_columns
            Also return ``variable``, ``sd_denominator`` and the group variances.

        Returns
        -------
        pandas.DataFrame
            ``term`` first, then the display columns (see :class:`BalanceTable`) and the
            ``imbalanced_*`` and ``var_ratio_flag_*`` flags of the last sample.
        """
        frame = self.table.copy()
        last = "after" if self.adjusted else "before"
        frame[f"imbalanced_{last}"] = frame[f"smd_{last}"].abs() >= self.threshold
        ratio = frame[f"var_ratio_{last}"]
        frame[f"var_ratio_flag_{last}"] = (ratio < VAR_RATIO_LIMITS[0]) | (
            ratio > VAR_RATIO_LIMITS[1]
        )
        if not all_columns:
            flags = [f"imbalanced_{last}", f"var_ratio_flag_{last}"]
            frame = frame[[c for c in DISPLAY_COLUMNS if c in frame.columns] + flags]
        return frame.rename_axis("term").reset_index()

    def max_abs_smd(self, sample: Literal["before", "after"] = "after") -> float:
        """Largest |SMD| over the terms in ``sample``."""
        check_choice("sample", sample, ["before", "after"] if self.adjusted else ["before"])
        return float(self.table[f"smd_{sample}"].abs().max())

    @property
    def balanced(self) -> bool:
        """Whether every term's |SMD| (after adjustment if any) is below ``threshold``."""
        return self.max_abs_smd("after" if self.adjusted else "before") < self.threshold

    def imbalanced_terms(self) -> list[str]:
        """Terms whose |SMD| (after adjustment if any) is at or above ``threshold``."""
        col = "smd_after" if self.adjusted else "smd_before"
        return [str(t) for t in self.table.index[self.table[col].abs() >= self.threshold]]

    # -- judging ------------------------------------------------------------------------------
    def wwc_verdict(
        self,
        *,
        adjusted_for: Iterable[str] = (),
        sample: Literal["before", "after"] | None = None,
    ) -> WWCVerdict:
        """What Works Clearinghouse baseline-equivalence verdict.

        Parameters
        ----------
        adjusted_for
            Covariates (column names or terms) the outcome analysis adjusts for statistically;
            differences of 0.05-0.25 SD in them are then acceptable.
        sample
            ``"after"`` (the analysed, weighted sample; default when weights were given) or
            ``"before"``.

        Returns
        -------
        WWCVerdict
            Per-term effect size (Hedges' g for continuous, Cox index for binary terms, computed
            with the sample's weighted means and variances and the numbers of units with positive
            weight), band and the overall verdict with reasons.

        Notes
        -----
        Bands (WWC Procedures and Standards Handbook v5): |ES| <= 0.05 satisfied; 0.05 < |ES| <=
        0.25 satisfied only with statistical adjustment; |ES| > 0.25 not satisfied.

        References
        ----------
        What Works Clearinghouse (2022). Procedures and Standards Handbook, Version 5.0.
        Institute of Education Sciences, U.S. Department of Education.
        """
        when = sample or ("after" if self.adjusted else "before")
        check_choice("sample", when, ["before", "after"] if self.adjusted else ["before"])
        n_t = float(cast(float, self.sample_sizes.at[when, "n_treated"]))
        n_c = float(cast(float, self.sample_sizes.at[when, "n_control"]))
        rows = []
        for term, r in self.table.iterrows():
            mt, mc = r[f"mean_treated_{when}"], r[f"mean_control_{when}"]
            if r["type"] == "binary":
                es, measure = cox_index(mt, mc, n_t, n_c), "Cox index"
            else:
                vt, vc = r[f"var_treated_{when}"], r[f"var_control_{when}"]
                es, measure = hedges_g(mt, mc, vt, vc, n_t, n_c), "Hedges' g"
            rows.append(
                {
                    "term": term,
                    "variable": r["variable"],
                    "type": r["type"],
                    "measure": measure,
                    "effect_size": es,
                    "band": wwc_band(es),
                }
            )
        return decide(pd.DataFrame(rows), adjusted_for)

    # -- showing ------------------------------------------------------------------------------
    def love_plot(self, *, absolute: bool = True, ax: Any = None) -> Figure:
        """Love plot of |SMD| before and after adjustment with the threshold line.

        Returns
        -------
        matplotlib.figure.Figure
        """
        return love_plot(self.table, threshold=self.threshold, absolute=absolute, ax=ax)

    def summary(self) -> str:
        """Plain-text balance table with sample sizes."""
        lines = [
            f"Balance for the {self.estimand} (SMD denominator: {self.s_d_denom} SD; "
            f"threshold |SMD| < {self.threshold})",
            self.tidy().to_string(index=False, float_format=lambda x: f"{x:.4f}"),
            "",
            "Sample sizes:",
            self.sample_sizes.to_string(float_format=lambda x: f"{x:.1f}"),
        ]
        bad = self.imbalanced_terms()
        lines.append(
            f"Imbalanced terms: {', '.join(bad)}." if bad else "All terms are below the threshold."
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = (
            f"<p><strong>Balance for the {html.escape(self.estimand)}</strong> "
            f"(SMD denominator: {html.escape(self.s_d_denom)} SD; threshold |SMD| &lt; "
            f"{self.threshold})</p>"
        )
        return (
            head
            + self.tidy().to_html(index=False, float_format=lambda x: f"{x:.4f}")
            + self.sample_sizes.to_html(float_format=lambda x: f"{x:.1f}")
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the table, sample sizes and settings (NaN becomes ``None``)."""
        frame = self.tidy()
        sizes = self.sample_sizes.reset_index(names="sample")
        return {
            "estimand": self.estimand,
            "s_d_denom": self.s_d_denom,
            "threshold": self.threshold,
            "balanced": self.balanced,
            "max_abs_smd": self.max_abs_smd("after" if self.adjusted else "before"),
            "terms": json_safe(frame),
            "sample_sizes": json_safe(sizes),
        }
