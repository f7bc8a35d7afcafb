"""Rosenbaum bounds for matched pairs: how strong hidden bias must be to explain an effect away.

Wilcoxon's signed-rank test on treated-minus-control pair differences, with the bounds on its
one-sided p-value when treatment odds within a pair may differ by a factor of at most Gamma
(Rosenbaum 2002, chapter 4).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from outcomelab._checks import (
    as_float_array,
    check_alpha,
    check_choice,
    check_no_missing,
    check_numeric,
    require_columns,
    require_dataframe,
    rows_preview,
)
from outcomelab.errors import EmptyGroupError, InputError, ParameterError
from outcomelab.numerics import finite_or_none

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["RosenbaumBounds", "pair_differences", "rosenbaum_bounds"]

#: default grid of Gamma values: 1, 1.1, ..., 3
DEFAULT_GAMMAS = tuple(round(1 + 0.1 * i, 1) for i in range(21))
#: largest number of non-zero pairs for the exact distribution
EXACT_MAX_PAIRS = 400


@dataclass(frozen=True)
class RosenbaumBounds:
    """Bounds on the one-sided p-value of Wilcoxon's signed-rank test under hidden bias.

    Attributes
    ----------
    table
        One row per Gamma: ``gamma, p_lower, p_upper`` (bounds on the one-sided p-value testing
        no effect against a positive effect) and ``significant`` (``p_upper < alpha``).
    statistic
        Wilcoxon's signed-rank statistic T (sum of the ranks of |d| over positive differences).
    n_pairs, n_zero
        Pairs used, and pairs dropped because their difference is zero.
    gamma_critical
        The Gamma at which the upper bound reaches ``alpha`` (solved, not read off the grid);
        ``1.0`` if the test is not significant even without hidden bias, ``inf`` if it stays
        significant for every Gamma (all differences positive and many pairs).
    alpha
        Significance level.
    method
        ``"normal"`` (large-sample) or ``"exact"``.
    """

    table: pd.DataFrame = field(repr=False, compare=False)
    statistic: float
    n_pairs: int
    n_zero: int
    gamma_critical: float
    alpha: float = 0.05
    method: str = "normal"

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.table.copy())

    def tidy(self) -> pd.DataFrame:
        """A copy of the table of bounds (one row per Gamma)."""
        return self.table.copy()

    def summary(self) -> str:
        """Plain-text summary with the sensitivity verdict."""
        lines = [
            "Rosenbaum sensitivity analysis, Wilcoxon signed-rank test "
            f"({self.method}; {self.n_pairs} pairs, {self.n_zero} zero differences dropped)",
            f"  T = {self.statistic:g}",
            self.table.to_string(index=False, float_format=lambda x: f"{x:.4g}"),
            "  " + self.interpretation(),
        ]
        return "\n".join(lines)

    def interpretation(self) -> str:
        """One plain-language sentence about how sensitive the conclusion is."""
        g = self.gamma_critical
        if g <= 1.0:
            return (
                f"The effect is not significant at the {self.alpha:g} level even assuming no "
                "hidden bias."
            )
        if not np.isfinite(g):
            return "The effect stays significant for every amount of hidden bias examined."
        return (
            f"The effect stays significant at the {self.alpha:g} level unless an unmeasured "
            f"factor changes the odds of treatment within pairs by a factor of {g:.2f} or more."
        )

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return (
            f"<p><strong>Rosenbaum bounds</strong> ({html.escape(self.method)}; {self.n_pairs} "
            f"pairs; T = {self.statistic:g})</p>"
            + self.table.to_html(index=False, float_format=lambda x: f"{x:.4g}")
            + f"<p>{html.escape(self.interpretation())}</p>"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (``inf`` becomes ``None``)."""
        g = self.gamma_critical
        return {
            "statistic": float(self.statistic),
            "n_pairs": self.n_pairs,
            "n_zero": self.n_zero,
            "gamma_critical": finite_or_none(g),
            "alpha": self.alpha,
            "method": self.method,
            "interpretation": self.interpretation(),
            "bounds": [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                for row in self.table.to_dict(orient="records")
            ],
        }

    def plot(self, ax: Any = None) -> Figure:
        """Upper and lower p-value bounds against Gamma with the ``alpha`` line.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 3.5))
        else:
            fig = ax.figure
        ax.plot(self.table["gamma"], self.table["p_upper"], marker="o", label="upper bound")
        ax.plot(self.table["gamma"], self.table["p_lower"], marker=".", label="lower bound")
        ax.axhline(self.alpha, color="grey", ls="--", lw=0.8)
        ax.set_xlabel("Gamma (odds of differential assignment)")
        ax.set_ylabel("one-sided p-value")
        ax.legend(frameon=False)
        fig.tight_layout()
        return fig


def _signed_ranks(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ranks = stats.rankdata(np.abs(d), method="average")
    return ranks, (d > 0).astype(float)


def _p_normal(T: float, ranks: np.ndarray, prob: float) -> float:
    mean = prob * ranks.sum()
    var = prob * (1 - prob) * np.dot(ranks, ranks)
    return float(stats.norm.sf((T - mean) / np.sqrt(var)))


def _p_exact(T: float, ranks: np.ndarray, prob: float) -> float:
    """P(sum r_i B_i >= T) for independent B_i ~ Bernoulli(prob), by convolution on half-ranks."""
    twice = np.rint(2 * ranks).astype(np.int64)
    dist = np.zeros(int(twice.sum()) + 1)
    dist[0] = 1.0
    top = 0
    for r in twice:
        new = dist.copy()
        new[: top + 1] *= 1 - prob
        new[r : top + r + 1] += prob * dist[: top + 1]
        dist = new
        top += int(r)
    return float(dist[int(np.rint(2 * T)) :].sum())


def _check_options(method: str, alpha: float, gammas: Sequence[float]) -> list[float]:
    check_choice("method", method, ["normal", "exact"])
    check_alpha(alpha)
    grid = [float(g) for g in gammas]
    if not grid or min(grid) < 1:
        raise ParameterError(
            f"`gammas` must be values of at least 1 (1 = no hidden bias); got {list(gammas)!r}."
        )
    return grid


def _pair_differences(
    treated: Sequence[float] | np.ndarray | pd.Series,
    control: Sequence[float] | np.ndarray | pd.Series | None,
) -> np.ndarray:
    """Treated-minus-control differences (or ``treated`` as given), without missing values."""
    x = as_float_array(np.asarray(treated, dtype=np.float64))
    if control is not None:
        c = as_float_array(np.asarray(control, dtype=np.float64))
        if c.shape != x.shape:
            raise InputError(
                f"`treated` has {x.size} values and `control` {c.size}; pass one treated and one "
                "control outcome per matched pair, in the same order."
            )
        x = x - c
    if np.isnan(x).any():
        raise InputError(
            f"The pair differences have {int(np.isnan(x).sum())} missing values (positions "
            f"{rows_preview(np.flatnonzero(np.isnan(x)))}); drop those pairs first."
        )
    return x


def rosenbaum_bounds(
    treated: Sequence[float] | np.ndarray | pd.Series,
    control: Sequence[float] | np.ndarray | pd.Series | None = None,
    *,
    gammas: Sequence[float] = DEFAULT_GAMMAS,
    alpha: float = 0.05,
    method: Literal["normal", "exact"] = "normal",
) -> RosenbaumBounds:
    """Rosenbaum bounds on Wilcoxon's signed-rank p-value for matched pairs.

    Parameters
    ----------
    treated
        Outcomes of the treated unit of each pair; or, with ``control=None``, the
        treated-minus-control pair differences (see :func:`pair_differences`).
    control
        Outcomes of the matched control of each pair, in the same order.
    gammas
        Values of the sensitivity parameter Gamma >= 1 to tabulate (default 1, 1.1, ..., 3).
    alpha
        Significance level for ``significant`` and ``gamma_critical``.
    method
        ``"normal"``: the large-sample approximation (Rosenbaum 2002, section 4.3.3; as R's
        ``rbounds::psens`` and ``DOS2::senWilcox``, without continuity correction);
        ``"exact"``: the exact distribution of the bounding statistics (at most 400 pairs).

    Returns
    -------
    RosenbaumBounds

    Raises
    ------
    InputError
        Missing values, unequal lengths, or fewer than two non-zero differences.
    ParameterError
        A Gamma below 1, ``alpha`` outside (0, 1), an unknown method, or too many pairs for
        ``"exact"``.

    Notes
    -----
    Pairs with zero difference are dropped; ``|d|`` is ranked with average ranks for ties;
    ``T = sum_i r_i 1{d_i > 0}``. If treatment odds within a pair differ by at most Gamma, T is
    bounded (stochastically) by ``T+ = sum r_i B_i`` with ``B_i ~ Bernoulli(p+)``,
    ``p+ = Gamma / (1 + Gamma)``, and from below by the same with ``p- = 1 / (1 + Gamma)``. The
    bounds on the one-sided p-value are ``P(T- >= t)`` and ``P(T+ >= t)``; the normal
    approximation uses ``E(T+) = p+ sum r_i`` and ``Var(T+) = p+ (1 - p+) sum r_i^2``. At
    Gamma = 1 both equal the usual signed-rank p-value (normal version: R's
    ``wilcox.test(exact = FALSE, correct = FALSE)``). The test is for a positive effect; for an
    outcome where lower is better pass the differences with their sign reversed. For a binary
    outcome every non-zero difference is +-1, the ranks are all tied and the test is McNemar's
    sign test on the discordant pairs; ``method="exact"`` then gives the binomial bounds
    ``P(Binomial(D, p+) >= t)`` of ``rbounds::binarysens``.

    References
    ----------
    Rosenbaum, P. R. (2002). Observational Studies, 2nd ed. Springer. Chapter 4.

    Rosenbaum, P. R. (1987). Sensitivity analysis for certain permutation inferences in matched
    observational studies. Biometrika, 74(1), 13-26.

    Keele, L. (2010). rbounds: An R package for sensitivity analysis with matched data.

    Examples
    --------
    >>> d = [22, 5, 23, -6, 18, 25, 13, 47, 15, 16]
    >>> res = rosenbaum_bounds(d, gammas=[1, 2])
    >>> bool(res.table["p_upper"].iloc[1] > res.table["p_upper"].iloc[0])
    True
    """
    grid = _check_options(method, alpha, gammas)
    x = _pair_differences(treated, control)
    n_zero = int((x == 0).sum())
    d = x[x != 0]
    if d.size < 2:
        raise InputError(
            f"Only {d.size} of {x.size} pairs have a non-zero difference; the signed-rank test "
            "needs at least two."
        )
    if method == "exact" and d.size > EXACT_MAX_PAIRS:
        raise ParameterError(
            f"method='exact' handles at most {EXACT_MAX_PAIRS} pairs; there are {d.size}. Use "
            "method='normal' (the large-sample approximation is accurate at this size)."
        )
    ranks, positive = _signed_ranks(d)
    T = float(np.dot(ranks, positive))
    p_of = _p_exact if method == "exact" else _p_normal

    rows = []
    for g in grid:
        rows.append(
            {
                "gamma": g,
                "p_lower": p_of(T, ranks, 1.0 / (1.0 + g)),
                "p_upper": p_of(T, ranks, g / (1.0 + g)),
            }
        )
    table = pd.DataFrame(rows)
    table["significant"] = table["p_upper"] < alpha

    def excess(log_gamma: float) -> float:
        g = float(np.exp(log_gamma))
        return p_of(T, ranks, g / (1.0 + g)) - alpha

    if excess(0.0) >= 0:
        critical = 1.0
    elif excess(np.log(1e6)) < 0:
        critical = float("inf")
    else:
        critical = float(np.exp(optimize.brentq(excess, 0.0, np.log(1e6), xtol=1e-10)))
    return RosenbaumBounds(
        table=table,
        statistic=T,
        n_pairs=int(d.size),
        n_zero=n_zero,
        gamma_critical=critical,
        alpha=alpha,
        method=method,
    )


def pair_differences(data: pd.DataFrame, *, outcome: str, treatment: str, pair: str) -> pd.Series:
    """Treated-minus-control outcome differences of 1:1 matched pairs.

    Parameters
    ----------
    data
        Matched data, e.g. ``MatchResult.matched_data`` (unmatched rows may be present with a
        missing pair id; they are ignored).
    outcome
        Numeric outcome column.
    treatment
        0/1 treatment column.
    pair
        Column identifying the matched pair (MatchIt's ``subclass``).

    Returns
    -------
    pandas.Series
        One difference per pair, indexed by pair id.

    Raises
    ------
    InputError
        Unknown columns, missing outcomes, or pairs that do not hold exactly one treated and one
        control unit (named).
    EmptyGroupError
        No complete pairs.
    """
    data = require_dataframe(data)
    require_columns(data, outcome=outcome, treatment=treatment, pair=pair)
    matched = data[data[pair].notna()]
    if matched.empty:
        raise EmptyGroupError(f"`pair` column {pair!r} is missing for every row; nothing matched.")
    check_no_missing(matched, "outcome", outcome)
    check_numeric(matched, "outcome", outcome)
    groups = matched.groupby(pair, sort=True)
    n_treated = groups[treatment].sum()
    size = groups.size()
    bad = size.index[(size != 2) | (n_treated != 1)]
    if len(bad):
        raise InputError(
            f"{len(bad)} matched sets are not pairs of one treated and one control unit "
            f"(sets {rows_preview(bad)}); Rosenbaum bounds here need 1:1 matching without "
            "replacement."
        )
    t = matched[treatment].astype(float)
    y = matched[outcome].astype(float)
    signed = (y * (2 * t - 1)).groupby(matched[pair], sort=True).sum()
    return signed.rename("difference")
