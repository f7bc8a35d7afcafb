"""The analysis panel: the numeric columns the estimators read, one row per unit and period.

:func:`~outcomelab.design.build_panel` gives every row the person's pseudonym, dates and text
covariates, as the submission has them. The estimators read numbers only: the unit, the period,
the cohort and treatment flags, the outcomes, the numeric baseline covariates (``cov_*``,
:func:`~outcomelab.design.analysis_covariates`) and, for aggregate units, their weight and
identifier. :func:`analysis_panel` makes that narrower frame once: the covariates are made per
unit (one row each) and spread over the unit's rows, instead of being computed on every row of a
copy of the whole panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomelab.design.covariates import CovariateSet, analysis_covariates

__all__ = ["AnalysisPanel", "analysis_panel"]

#: the design columns kept, in this order, when the panel has them
DESIGN_COLUMNS = ("unit", "period", "cohort", "rel_time", "treated", "treated_post")


@dataclass(frozen=True)
class AnalysisPanel:
    """The analysis panel and what its covariates are.

    Attributes
    ----------
    panel
        Design columns, outcomes, covariates (``cov_*``), and for aggregate units the weight
        and ``unit_id``; only units whose covariates are complete. ``attrs`` as the built panel's
        plus ``covariate_set``.
    covariates
        The covariate columns and the submitted columns behind them.
    persons
        One row per unit of the built panel (every unit, also those left out), with its
        columns as built and the ``cov_*`` columns.
    incomplete
        Units left out because a covariate is missing.
    """

    panel: pd.DataFrame
    covariates: CovariateSet
    persons: pd.DataFrame
    incomplete: np.ndarray


def _values(column: pd.Series, keep: np.ndarray | None) -> object:
    """A column's values (NumPy for NumPy dtypes, else pandas' own array: text keeps its
    dtype), the rows of ``keep`` only when given."""
    values = column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array
    return values if keep is None else values[keep]


def analysis_panel(built: pd.DataFrame, outcomes: Sequence[str]) -> AnalysisPanel:
    """The numeric panel of the estimators from a panel of :func:`~outcomelab.design.build_panel`.

    Parameters
    ----------
    built
        The panel as built (``attrs["panel_info"]`` says the unit of analysis, the weight column
        and the covariates).
    outcomes
        The outcome columns to keep.

    Returns
    -------
    AnalysisPanel
        The rows of the units with complete covariates, in the built panel's order; each value
        as in the built panel (``cov_*`` as :func:`~outcomelab.design.analysis_covariates` makes
        them for the whole panel).
    """
    info = built.attrs.get("panel_info") or {}
    units = built["unit"].to_numpy()
    first = ~pd.Series(units).duplicated().to_numpy()
    persons = built.loc[first].reset_index(drop=True)
    position = pd.Index(persons["unit"]).get_indexer(units)
    rows = np.bincount(position, minlength=len(persons))
    with_covariates, covariates = analysis_covariates(persons, rows=rows)
    names = list(covariates.columns)
    complete = ~with_covariates[names].isna().any(axis=1).to_numpy()
    keep = complete[position]
    extra = [str(info["weight"])] if info.get("weight") in built.columns else []
    if str(info.get("unit_of_analysis") or "person") != "person" and "unit_id" in built.columns:
        extra.append("unit_id")
    wanted = [c for c in DESIGN_COLUMNS if c in built.columns]
    wanted += [
        c for c in dict.fromkeys([*outcomes, *extra]) if c in built.columns and c not in wanted
    ]
    every = bool(keep.all())
    columns = {c: _values(built[c], None if every else keep) for c in wanted}
    kept = position if every else position[keep]
    for c in names:
        columns[c] = with_covariates[c].to_numpy()[kept]
    panel = pd.DataFrame(columns, copy=False)
    panel.attrs = {**built.attrs, "covariate_set": covariates.to_dict()}
    incomplete = persons.loc[~complete, "unit"].to_numpy()
    return AnalysisPanel(panel, covariates, with_covariates, incomplete)
