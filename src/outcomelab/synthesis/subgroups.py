"""Subgroup meta-analysis: pooled effects within target groups, designs, ... and their difference.

Each subgroup is pooled on its own, with its own between-study variance (the approach of the
Cochrane Handbook, section 10.11.3.1); the test for subgroup differences is Cochran's Q of the
subgroup estimates around their inverse-variance weighted mean,
``Q_between = Σ_g (mu_g - mu̅)² / SE_g²``, chi-square with ``G - 1`` df (Borenstein & Higgins 2013).
A subgroup with a single study is shown as it is and left out of the test.

References
----------
Borenstein, M. and Higgins, J. P. T. (2013). Meta-analysis and subgroups. Prevention Science
14(2), 134-143.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from outcomelab._checks import rows_preview
from outcomelab.errors import InputError
from outcomelab.numerics import json_safe
from outcomelab.synthesis.inputs import require_studies
from outcomelab.synthesis.pooling import meta_analysis_by

__all__ = ["SubgroupResult", "subgroup_analysis"]


@dataclass(frozen=True)
class SubgroupResult:
    """Pooled effects per subgroup and the test of their difference (read-only).

    Attributes
    ----------
    by
        The subgrouping column.
    table
        One row per subgroup (``level`` then the columns of
        :data:`~outcomelab.synthesis.POOLED_COLUMNS`); read it through :meth:`tidy`.
    q_between, q_between_df, q_between_p_value
        Test for subgroup differences (NaN when fewer than two subgroups could be pooled).
    notes
        Remarks (subgroups of one study, ...).
    """

    by: str
    table: pd.DataFrame = field(repr=False, compare=False)
    q_between: float
    q_between_df: int
    q_between_p_value: float
    method: str
    ci: str
    alpha: float = 0.05
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.table.reset_index(drop=True).copy())

    def tidy(self) -> pd.DataFrame:
        """A copy of the subgroup table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the result."""
        return json_safe(
            {
                "by": self.by,
                "subgroups": self.table,
                "q_between": self.q_between,
                "q_between_df": self.q_between_df,
                "q_between_p_value": self.q_between_p_value,
                "method": self.method,
                "ci": self.ci,
                "alpha": self.alpha,
                "notes": list(self.notes),
            }
        )

    def summary(self) -> str:
        """Plain-text summary."""
        cols = ["level", "k", "estimate", "conf_low", "conf_high", "tau2", "i2"]
        test = (
            f"Q_between(df = {self.q_between_df}) = {self.q_between:.4g}, "
            f"p = {self.q_between_p_value:.4g}"
            if np.isfinite(self.q_between)
            else "no test (fewer than two subgroups with two or more studies)"
        )
        lines = [
            f"Subgroups by {self.by}: {test}",
            self.table[cols].to_string(index=False, float_format=lambda x: f"{x:.4g}"),
        ]
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def subgroup_analysis(
    data: pd.DataFrame,
    *,
    by: str,
    effect: str = "estimate",
    std_error: str | None = "std_error",
    variance: str | None = None,
    method: str = "reml",
    ci: str = "hksj",
    prediction: str = "riley",
    alpha: float = 0.05,
) -> SubgroupResult:
    """Pool the studies within each level of ``by`` and test whether the subgroups differ.

    Parameters
    ----------
    data
        One row per study.
    by
        The subgrouping column (e.g. ``target_group`` or ``design``); every study needs a value.
    effect, std_error, variance, method, ci, prediction, alpha
        As in :func:`~outcomelab.synthesis.meta_analysis`.

    Returns
    -------
    SubgroupResult

    Raises
    ------
    InputError
        ``by`` is missing for some studies, or there are fewer than two studies.

    Examples
    --------
    >>> import pandas as pd
    >>> from outcomelab.synthesis import subgroup_analysis
    >>> studies = pd.DataFrame({"design": ["did", "did", "did", "matching", "matching"],
    ...                         "estimate": [0.10, 0.06, 0.08, 0.01, 0.03],
    ...                         "std_error": [0.02, 0.03, 0.02, 0.02, 0.03]})
    >>> res = subgroup_analysis(studies, by="design")
    >>> res.tidy()["level"].tolist(), res.q_between_df
    (['did', 'matching'], 1)
    """
    if by not in data.columns:
        raise InputError(f"`by` names {by!r}, which is not a column of the data.")
    missing = data[by].isna().to_numpy()
    if missing.any():
        raise InputError(
            f"The subgroup column {by!r} is missing for {int(missing.sum())} studies (rows "
            f"{rows_preview(data.index[missing])}); give them a value (e.g. 'unknown') or "
            "leave them out."
        )
    require_studies(len(data), 2, "A subgroup analysis")
    table = meta_analysis_by(
        data,
        by=by,
        effect=effect,
        std_error=std_error,
        variance=variance,
        method=method,
        ci=ci,
        prediction=prediction,
        alpha=alpha,
    ).rename(columns={by: "level"})
    single = table[table["k"] == 1]
    if len(single):
        # a subgroup of one: its own estimate and normal interval, not pooled
        for idx, level in zip(single.index, single["level"], strict=True):
            row = data[data[by] == level].iloc[0]
            est = float(row[effect])
            se = float(row[std_error]) if std_error else float(np.sqrt(row[variance]))
            z = stats.norm.isf(alpha / 2)
            table.loc[idx, ["estimate", "std_error", "conf_low", "conf_high"]] = [
                est,
                se,
                est - z * se,
                est + z * se,
            ]
    pooled = table[table["pooled"]]
    notes = []
    if len(single):
        levels = ", ".join(map(str, single["level"]))
        notes.append(
            f"{len(single)} subgroup(s) with a single study ({levels}) are shown as they are and "
            "left out of the test for subgroup differences."
        )
    if len(pooled) >= 2:
        est = pooled["estimate"].to_numpy()
        w = 1.0 / pooled["std_error"].to_numpy() ** 2
        mean = float((w * est).sum() / w.sum())
        q = float((w * (est - mean) ** 2).sum())
        df = len(pooled) - 1
        p = float(stats.chi2.sf(q, df))
    else:
        q, df, p = float("nan"), 0, float("nan")
    return SubgroupResult(
        by=by,
        table=table,
        q_between=q,
        q_between_df=df,
        q_between_p_value=p,
        method=method,
        ci=ci,
        alpha=alpha,
        notes=tuple(notes),
    )
