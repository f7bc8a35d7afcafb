"""Per payer: present values, NPV with its uncertainty, ratios, payback and break-even.

The steps after the flows in :func:`outcomelab.economics.value`: :class:`Returns` holds the
present value of returns per unit of each effect and payer; :func:`payer_table` and
:func:`break_even_table` turn it into the result's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

__all__ = ["Returns", "break_even_table", "payer_table"]

_BREAK_EVEN_COLUMNS = [
    "outcome",
    "payer",
    "estimate",
    "return_per_unit_pv_sek",
    "break_even_effect",
    "break_even_effect_alone",
]


@dataclass(frozen=True)
class Returns:
    """Present values per payer, with a last column ``"total"`` over every payer.

    Attributes
    ----------
    outcomes
        The valued outcomes (rows of ``coef``).
    names
        The payers present, then ``"total"`` (columns of ``coef``).
    coef
        ``coef[j, p]``: present value of returns to payer ``p`` per unit of effect ``j``.
    beta, sigma
        The effects of ``outcomes`` and their sampling covariance.
    cost
        Present value of the costs per payer.
    """

    outcomes: list[str]
    names: list[str]
    coef: np.ndarray
    beta: np.ndarray
    sigma: np.ndarray
    cost: np.ndarray

    @property
    def returns(self) -> np.ndarray:
        """Present value of the returns per payer at the estimated effects."""
        return np.asarray(self.beta @ self.coef)

    @property
    def npv(self) -> np.ndarray:
        """Net present value per payer."""
        return self.returns - self.cost

    @property
    def npv_sd(self) -> np.ndarray:
        """Standard deviation of the NPV per payer (linear in the effects)."""
        quad = np.einsum("jp,jk,kp->p", self.coef, self.sigma, self.coef)
        return np.asarray(np.sqrt(np.maximum(quad, 0.0)))


def _monte_carlo(
    returns: Returns, draws: int, seed: int | None, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile interval of the NPV and P(NPV > 0) from draws of the effects (NaN for none)."""
    if draws <= 0:
        empty = np.full(len(returns.names), np.nan)
        return empty, empty, empty
    rng = np.random.default_rng(seed)
    sample = rng.multivariate_normal(returns.beta, returns.sigma, size=int(draws), method="eigh")
    npv_draws = sample @ returns.coef - returns.cost
    tail = alpha / 2
    low = np.quantile(npv_draws, tail, axis=0)
    high = np.quantile(npv_draws, 1 - tail, axis=0)
    return low, high, (npv_draws > 0).mean(axis=0)


def _payback(net_by_year: pd.Series, years: np.ndarray, cost: float) -> int | None:
    """First year in which the cumulative discounted net flow reaches zero (None without costs)."""
    if cost <= 0:
        return None
    cumulative = net_by_year.cumsum().to_numpy()
    reached = np.flatnonzero(cumulative >= -1e-9 * max(1.0, cost))
    return int(years[reached[0]]) if reached.size else None


def payer_table(
    returns: Returns,
    net_by_year: pd.DataFrame,
    years: np.ndarray,
    *,
    draws: int,
    seed: int | None,
    alpha: float,
) -> pd.DataFrame:
    """One row per payer: present values, NPV, ratios, payback, break-even scale, intervals.

    ``net_by_year`` is the discounted net flow per year (rows) and payer (columns, with
    ``"total"``).
    """
    cost, gained, npv, sd = returns.cost, returns.returns, returns.npv, returns.npv_sd
    z = float(special.ndtri(1 - alpha / 2))  # = scipy.stats.norm.ppf, without its import
    mc_low, mc_high, prob = _monte_carlo(returns, draws, seed, alpha)
    rows = []
    for i, name in enumerate(returns.names):
        with np.errstate(divide="ignore", invalid="ignore"):
            bcr = gained[i] / cost[i] if cost[i] > 0 else np.nan
            roi = npv[i] / cost[i] if cost[i] > 0 else np.nan
            scale_be = cost[i] / gained[i] if gained[i] > 0 else np.nan
        rows.append(
            {
                "payer": name,
                "pv_costs_sek": float(cost[i]),
                "pv_returns_sek": float(gained[i]),
                "npv_sek": float(npv[i]),
                "bcr": float(bcr),
                "roi": float(roi),
                "payback_year": _payback(net_by_year[name], years, float(cost[i])),
                "break_even_scale": float(scale_be),
                "npv_sd": float(sd[i]),
                "npv_low": float(mc_low[i]),
                "npv_high": float(mc_high[i]),
                "npv_low_analytic": float(npv[i] - z * sd[i]),
                "npv_high_analytic": float(npv[i] + z * sd[i]),
                "prob_ahead": float(prob[i]),
                "prob_ahead_analytic": float(
                    # P(NPV > 0) = scipy.stats.norm.sf(0, loc=npv, scale=sd), without its import
                    special.ndtr(npv[i] / sd[i]) if sd[i] > 0 else float(npv[i] > 0)
                ),
            }
        )
    return pd.DataFrame(rows)


def break_even_table(returns: Returns) -> pd.DataFrame:
    """Per outcome and payer: the effect needed for NPV = 0 with the others as estimated, alone."""
    gained = returns.returns
    rows = []
    for j, outcome in enumerate(returns.outcomes):
        for i, name in enumerate(returns.names):
            c = returns.coef[j, i]
            if c == 0:
                continue
            others = gained[i] - c * returns.beta[j]
            rows.append(
                {
                    "outcome": outcome,
                    "payer": name,
                    "estimate": float(returns.beta[j]),
                    "return_per_unit_pv_sek": float(c),
                    "break_even_effect": float((returns.cost[i] - others) / c),
                    "break_even_effect_alone": float(returns.cost[i] / c),
                }
            )
    return pd.DataFrame(rows, columns=_BREAK_EVEN_COLUMNS)
