"""Goodman-Bacon (2021) decomposition of the two-way fixed effects DiD coefficient.

With staggered adoption of a binary, absorbing treatment in a balanced panel, the TWFE
coefficient is a weighted average of every 2x2 DiD between treatment-timing groups (and the
never-treated group), with weights that depend on group sizes and on the variance of treatment
within each comparison. The decomposition shows which comparisons drive the TWFE estimate, in
particular the "forbidden" ones that use already-treated units as the comparison group.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab._checks import as_float_array, rows_preview
from outcomelab.did.panel_checks import check_binary, check_panel_frame, check_unique_unit_time
from outcomelab.did.twfe import staggered_timing
from outcomelab.did.within import TwoWayIndex, factorize
from outcomelab.errors import InputError, SingularDesignError
from outcomelab.numerics import json_safe

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["BaconDecomposition", "bacon_decomposition"]

TREATED_VS_NEVER = "treated vs never treated"
EARLIER_VS_LATER = "earlier vs later treated"
LATER_VS_EARLIER = "later vs earlier treated"
LATER_VS_ALWAYS = "later vs always treated"
NEVER = "never treated"


@dataclass(frozen=True)
class BaconDecomposition:
    """The 2x2 comparisons behind a TWFE coefficient, their estimates and weights.

    Attributes
    ----------
    twfe_estimate
        The weighted sum of the 2x2 estimates, equal to the TWFE coefficient.
    outcome
        Outcome column.
    table
        One row per comparison: ``type, treated, control, estimate, weight`` (read through
        :meth:`tidy`, which returns a copy).
    """

    twfe_estimate: float
    outcome: str
    table: pd.DataFrame = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.table.reset_index(drop=True).copy())

    def tidy(self) -> pd.DataFrame:
        """Copy of the comparisons table (``type, treated, control, estimate, weight``)."""
        return self.table.copy()

    def by_type(self) -> pd.DataFrame:
        """Total weight and weighted-average estimate per comparison type."""
        t = self.table
        grouped = t.assign(wx=t["weight"] * t["estimate"]).groupby("type", sort=False)
        out = grouped[["weight", "wx"]].sum()
        out["estimate"] = out["wx"] / out["weight"]
        return out[["weight", "estimate"]].reset_index()

    @property
    def forbidden_weight(self) -> float:
        """Total weight on comparisons that use already-treated units as controls."""
        t = self.table
        return float(t.loc[t["type"].isin([LATER_VS_EARLIER, LATER_VS_ALWAYS]), "weight"].sum())

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict."""
        return json_safe(
            {
                "twfe_estimate": self.twfe_estimate,
                "outcome": self.outcome,
                "forbidden_weight": self.forbidden_weight,
                "comparisons": self.table,
                "by_type": self.by_type(),
            }
        )

    def summary(self) -> str:
        """Plain-text summary: TWFE coefficient, weight and estimate per comparison type."""
        lines = [
            f"Goodman-Bacon decomposition of the TWFE coefficient on {self.outcome}: "
            f"{self.twfe_estimate:.6g}",
            self.by_type().to_string(index=False, float_format=lambda x: f"{x:.4g}"),
            f"  weight on comparisons with already-treated controls: {self.forbidden_weight:.3f}",
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = (
            f"<p><strong>Goodman-Bacon decomposition</strong> of the TWFE coefficient on "
            f"{html.escape(self.outcome)}: {self.twfe_estimate:.6g}</p>"
        )
        return head + self.by_type().to_html(index=False, float_format=lambda x: f"{x:.4g}")

    def plot(self, ax: Any = None) -> Figure:
        """Scatter of each 2x2 estimate against its weight, by comparison type, with the TWFE
        coefficient as a horizontal line.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 4))
        else:
            fig = ax.figure
        markers = {
            TREATED_VS_NEVER: "o",
            EARLIER_VS_LATER: "^",
            LATER_VS_EARLIER: "v",
            LATER_VS_ALWAYS: "s",
        }
        for kind, part in self.table.groupby("type", sort=False):
            ax.scatter(
                part["weight"],
                part["estimate"],
                label=str(kind),
                marker=markers.get(str(kind), "o"),
            )
        ax.axhline(self.twfe_estimate, color="grey", lw=0.8, ls="--", label="TWFE coefficient")
        ax.set_xlabel("weight")
        ax.set_ylabel("2x2 DiD estimate")
        ax.legend(fontsize="small")
        fig.tight_layout()
        return fig


def bacon_decomposition(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
) -> BaconDecomposition:
    """Goodman-Bacon decomposition of the TWFE coefficient into 2x2 DiD comparisons.

    Parameters
    ----------
    data
        Balanced long panel, one row per unit and period.
    outcome
        Numeric outcome column.
    unit, time
        Unit identifier and period (must sort chronologically).
    treatment
        Binary, absorbing treatment indicator ``D_it`` (once 1, 1 for the rest of the panel).

    Returns
    -------
    BaconDecomposition
        ``tidy()`` gives ``type, treated, control, estimate, weight``; the weights sum to 1
        and ``sum(weight * estimate)`` equals the TWFE coefficient (``twfe_estimate``).

    Raises
    ------
    InputError
        Missing columns or values, non-numeric columns, treatment not 0/1, duplicate rows, an
        unbalanced panel, or a treatment that switches off again.
    SingularDesignError
        No variation in treatment timing (nobody or everybody treated in every period).

    Notes
    -----
    Timing groups ``k`` (first treated period ``t_k``; units treated from the first period are
    "always treated"; ``U`` is never treated), with sample shares ``n_k`` and share of periods
    treated ``Dbar_k``. ``V`` is the variance of the two-way demeaned treatment. Theorem 1 of
    Goodman-Bacon (2021):

    * treated vs never treated: ``s_kU = (n_k + n_U)^2 n_kU (1 - n_kU) Dbar_k (1 - Dbar_k) / V``;
    * earlier ``k`` vs later ``l`` (window before ``t_l``):
      ``s_kl^k = ((n_k + n_l)(1 - Dbar_l))^2 n_kl (1 - n_kl) (Dbar_k - Dbar_l)/(1 - Dbar_l)
      (1 - Dbar_k)/(1 - Dbar_l) / V``;
    * later ``l`` vs earlier ``k`` (window from ``t_k``):
      ``s_kl^l = ((n_k + n_l) Dbar_k)^2 n_kl (1 - n_kl) Dbar_l/Dbar_k
      (Dbar_k - Dbar_l)/Dbar_k / V``,

    with ``n_kU = n_k / (n_k + n_U)`` and ``n_kl = n_k / (n_k + n_l)``; each estimate is the
    difference in mean changes between the two groups over the window. When always-treated units
    are present they act as a timing group treated from the first period (their comparisons are
    labelled "later vs always treated").

    References
    ----------
    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
    Journal of Econometrics 225(2), 254-277.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from outcomelab.did import bacon_decomposition
    >>> panel = pd.DataFrame({"id": np.repeat(np.arange(30), 6), "t": np.tile(np.arange(6), 30)})
    >>> start = np.array([2, 4, 99])[panel["id"] % 3]  # cohorts 2 and 4, never treated
    >>> panel["d"] = (panel["t"] >= start).astype(int)
    >>> panel["y"] = panel["t"] + 2.0 * panel["d"] + np.sin(panel["id"])
    >>> res = bacon_decomposition(panel, outcome="y", unit="id", time="t", treatment="d")
    >>> round(res.twfe_estimate, 6), len(res.tidy())
    (2.0, 4)
    """
    frame = check_panel_frame(data, outcome=outcome, unit=unit, time=time, treatment=treatment)
    d = check_binary(frame, treatment)
    index, time_labels, first = _timing(frame, d, unit=unit, time=time)
    y = as_float_array(frame[outcome])
    T = len(time_labels)
    # timing groups: -1 never treated; 0 always treated; s > 0 first treated in period s
    levels, unit_group = np.unique(first, return_inverse=True)
    n_groups = levels.size
    row_group = unit_group[index.unit]
    cell = np.bincount(row_group * T + index.time, weights=y, minlength=n_groups * T)
    cell_n = np.bincount(row_group * T + index.time, minlength=n_groups * T)
    groups = _TimingGroups(
        levels=levels,
        share=np.bincount(unit_group, minlength=n_groups) / index.n_units,
        dbar=np.where(levels < 0, 0.0, (T - np.maximum(levels, 0)) / T),
        ybar=(cell / cell_n).reshape(n_groups, T),
        v=_demeaned_treatment_variance(d, index, T),
        time_labels=time_labels,
    )
    rows = _comparisons(groups)
    if not rows:
        raise SingularDesignError(
            "There is no 2x2 comparison to make: the panel needs at least two treatment-timing "
            "groups, or one timing group and never-treated units."
        )
    table = pd.DataFrame(rows, columns=["type", "treated", "control", "estimate", "weight"])
    total = float((table["weight"] * table["estimate"]).sum())
    return BaconDecomposition(twfe_estimate=total, outcome=outcome, table=table)


def _timing(
    frame: pd.DataFrame, d: np.ndarray, *, unit: str, time: str
) -> tuple[TwoWayIndex, np.ndarray, np.ndarray]:
    """The two-way index of a balanced panel, the period labels and each unit's first treated
    period index (-1 never treated); refuses unbalanced panels and treatments that switch off."""
    unit_codes, _ = factorize(frame[unit].to_numpy())
    time_raw, time_labels = pd.factorize(frame[time].to_numpy(), sort=True)
    time_codes = np.asarray(time_raw, dtype=np.intp)
    n_times = len(time_labels)
    check_unique_unit_time(frame, unit_codes, time_codes, n_times, unit=unit, time=time)
    index = TwoWayIndex.from_codes(unit_codes, time_codes)
    if not index.balanced:
        short = index.unit_count[unit_codes] < n_times
        n_short = int((index.unit_count < n_times).sum())
        raise InputError(
            f"The Goodman-Bacon decomposition needs a balanced panel; {n_short} units are not "
            f"observed in all {n_times} periods (rows "
            f"{rows_preview(frame.index[short])}). Keep units observed in every period."
        )
    first, reversals = staggered_timing(d, index.unit, index.time, index.n_units)
    if reversals:
        raise InputError(
            f"The treatment must be absorbing (stay 1 once it is 1); {reversals} rows are 0 after "
            "their unit's first treated period. The decomposition does not apply to treatments "
            "that switch off."
        )
    return index, np.asarray(time_labels), first


def _demeaned_treatment_variance(d: np.ndarray, index: TwoWayIndex, n_times: int) -> float:
    """Variance of the two-way demeaned treatment (balanced panel: one-pass formula)."""
    d_unit = np.bincount(index.unit, weights=d, minlength=index.n_units) / n_times
    d_time = np.bincount(index.time, weights=d, minlength=n_times) / index.n_units
    resid = d - d_unit[index.unit] - d_time[index.time] + d.mean()
    v = float(np.mean(resid**2))
    if v <= 1e-14:
        raise SingularDesignError(
            "The treatment has no variation after removing unit and period effects (everybody "
            "is treated at the same time as everybody else, or nobody is); there is nothing "
            "to decompose."
        )
    return v


@dataclass(frozen=True)
class _TimingGroups:
    """Timing groups: level (-1 never, 0 always, s first treated period index), sample share,
    share of periods treated, mean outcome per period, and ``V``."""

    levels: np.ndarray
    share: np.ndarray
    dbar: np.ndarray
    ybar: np.ndarray
    v: float
    time_labels: np.ndarray

    def label(self, level: int) -> object:
        if level < 0:
            return NEVER
        value = self.time_labels[level]
        return value.item() if hasattr(value, "item") else value

    def window_did(self, a: int, b: int, lo: int, mid: int, hi: int) -> float:
        """(post - pre) change of group a minus that of b; pre = [lo, mid), post = [mid, hi)."""
        ybar = self.ybar
        ca = ybar[a, mid:hi].mean() - ybar[a, lo:mid].mean()
        cb = ybar[b, mid:hi].mean() - ybar[b, lo:mid].mean()
        return float(ca - cb)


def _comparisons(g: _TimingGroups) -> list[dict[str, object]]:
    """Every 2x2 comparison with its Theorem 1 weight."""
    share, dbar, v, T = g.share, g.dbar, g.v, g.ybar.shape[1]
    rows: list[dict[str, object]] = []
    never = [i for i in range(g.levels.size) if g.levels[i] < 0]
    timing = [i for i in range(g.levels.size) if g.levels[i] >= 0]
    for k in timing:
        tk = int(g.levels[k])
        if never and tk > 0:
            u = never[0]
            nk_u = share[k] / (share[k] + share[u])
            w = (share[k] + share[u]) ** 2 * nk_u * (1 - nk_u) * dbar[k] * (1 - dbar[k]) / v
            rows.append(
                {
                    "type": TREATED_VS_NEVER,
                    "treated": g.label(tk),
                    "control": NEVER,
                    "estimate": g.window_did(k, u, 0, tk, T),
                    "weight": w,
                }
            )
        for m in timing:
            tl = int(g.levels[m])
            if tl <= tk:
                continue
            n_kl = share[k] / (share[k] + share[m])
            pair = (share[k] + share[m]) ** 2 * n_kl * (1 - n_kl)
            if tk > 0:  # earlier k treated, later l not yet treated: window [0, t_l)
                w_k = (
                    pair
                    * (1 - dbar[m]) ** 2
                    * (dbar[k] - dbar[m])
                    / (1 - dbar[m])
                    * (1 - dbar[k])
                    / (1 - dbar[m])
                    / v
                )
                rows.append(
                    {
                        "type": EARLIER_VS_LATER,
                        "treated": g.label(tk),
                        "control": g.label(tl),
                        "estimate": g.window_did(k, m, 0, tk, tl),
                        "weight": w_k,
                    }
                )
            # later l treated, earlier k already treated: window [t_k, T)
            w_l = pair * dbar[k] ** 2 * (dbar[m] / dbar[k]) * (dbar[k] - dbar[m]) / dbar[k] / v
            rows.append(
                {
                    "type": LATER_VS_ALWAYS if tk == 0 else LATER_VS_EARLIER,
                    "treated": g.label(tl),
                    "control": g.label(tk),
                    "estimate": g.window_did(m, k, tk, tl, T),
                    "weight": w_l,
                }
            )
    return rows
