"""The baseline covariates of an analysis: the recommended person columns and the declared ones.

A submission may carry the lab's recommended person columns (``birth_year``, ``sex``, ...), any of
them or none, and covariates of its own declared in its ``covariate_catalogue``. The panel copies
them all (:func:`~outcomelab.design.build_panel`); :func:`analysis_covariates` turns them into the
numeric columns the estimators take (numbers as they are, 0/1 indicators for the levels of a
categorical column, the most common level as reference) and says which recommended columns were
missing, for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["RECOMMENDED", "STANDARD_LEVELS", "CovariateSet", "analysis_covariates"]

#: the lab's recommended person columns, with their type (participants table)
RECOMMENDED: dict[str, str] = {
    "birth_year": "numeric",
    "sex": "categorical",
    "born_abroad": "boolean",
    "education_level": "categorical",
    "employed_months_prev_year": "numeric",
    "social_assistance_months_prev_year": "numeric",
    "sick_leave_days_prev_year": "numeric",
}
#: the levels of the recommended categorical columns; the first is the reference
STANDARD_LEVELS: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male", "unknown"),
    "education_level": ("compulsory_or_less", "upper_secondary", "post_secondary", "unknown"),
}
#: panel columns that are never covariates
_NOT_COVARIATES = frozenset(
    {
        "person_id",
        "unit_id",
        "unit",
        "period",
        "cohort",
        "rel_time",
        "treated",
        "treated_post",
        "weight",
        "start_date",
        "end_date",
        "dosage",
        "home_municipality_code",
    }
)
_UNKNOWN = {"", "unknown", "nan", "None", "NA", "<NA>"}
#: a level rarer than this (or more common than 1 - this) separates small cohorts perfectly
_RARE = 0.02


@dataclass(frozen=True)
class CovariateSet:
    """The covariate columns an analysis uses and what the submission lacked.

    Attributes
    ----------
    columns
        Numeric columns added to the frame (``cov_<name>`` or ``cov_<name>_<level>``), in order.
        The recommended categorical columns keep the lab's reference level (``female``,
        ``compulsory_or_less``); others take their most common level as reference.
    sources
        The submitted column behind each of ``columns``.
    used
        The submitted columns that gave at least one column (in panel order).
    missing_recommended
        Recommended person columns the submission did not have, or had empty for everyone
        (persons only; empty for aggregate units).
    left_out
        Submitted covariates that gave no column, with the reason (constant, all unknown).
    """

    columns: tuple[str, ...]
    sources: tuple[str, ...]
    used: tuple[str, ...]
    missing_recommended: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-safe description for results.json."""
        return {
            "columns": list(self.columns),
            "used": list(self.used),
            "missing_recommended": list(self.missing_recommended),
            "left_out": [{"covariate": c, "reason": r} for c, r in self.left_out],
        }


def _is_boolean(values: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean"


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("unknown").astype(str).str.strip()


def analysis_covariates(
    frame: pd.DataFrame,
    candidates: Sequence[str] | None = None,
    *,
    persons: bool | None = None,
    rows: np.ndarray | None = None,
) -> tuple[pd.DataFrame, CovariateSet]:
    """Add numeric covariate columns for every baseline covariate of a panel (or person table).

    Parameters
    ----------
    frame
        The analysis panel from :func:`~outcomelab.design.build_panel` (or one row per unit).
    candidates
        The covariate columns to consider; default the panel's
        (``panel.attrs["panel_info"]["covariates"]``), else every column that is not a design
        column.
    persons
        Whether the units are persons (then the report lists the missing recommended columns);
        default: the panel's unit of analysis (persons when the panel does not say).
    rows
        When ``frame`` has one row per unit of a panel: the panel's rows of each unit, so that
        the levels' shares (the most common level, the 2 % rule) are the panel's, as if the
        panel itself were given. Default: each row of ``frame`` counts once.

    Returns
    -------
    frame, CovariateSet
        A copy of ``frame`` with the ``cov_*`` columns, and what they are. Numeric columns are
        used as they are (a missing value stays missing: such units cannot be compared);
        booleans become 0/1; a categorical column gives one 0/1 column per level except the most
        common one, leaving out levels rarer than 2 %. A column that is constant, or unknown for
        everyone, is left out with its reason.

    Examples
    --------
    >>> panel = pd.DataFrame({"unit": [1, 2, 3, 4], "age": [20.0, 31.0, 45.0, 28.0],
    ...                       "married": ["yes", "no", "yes", "unknown"]})
    >>> out, covs = analysis_covariates(panel, ["age", "married"])
    >>> covs.columns
    ('cov_age', 'cov_married_no', 'cov_married_unknown')
    """
    info = frame.attrs.get("panel_info") or {}
    if persons is None:
        persons = str(info.get("unit_of_analysis") or "person") == "person"
    if candidates is None:
        listed = info.get("covariates")
        candidates = (
            list(listed)
            if listed is not None
            else [c for c in frame.columns if c not in _NOT_COVARIATES]
        )
    names = [c for c in candidates if c in frame.columns and c not in _NOT_COVARIATES]
    out = frame.copy()
    columns: list[str] = []
    sources: list[str] = []
    left_out: list[tuple[str, str]] = []
    for name in names:
        values = frame[name]
        if _is_boolean(values):
            numeric = values.astype("Float64").astype(float)
            made = _add(out, f"cov_{name}", numeric)
        elif pd.api.types.is_numeric_dtype(values):
            made = _add(out, f"cov_{name}", values.astype(float))
        else:
            made = _add_levels(out, name, _as_text(values), rows)
        if made:
            columns.extend(made)
            sources.extend([name] * len(made))
        else:
            left_out.append((name, _why_not(values)))
    missing: tuple[str, ...] = ()
    if persons:
        present = set(sources)
        missing = tuple(c for c in RECOMMENDED if c not in present)
    used = tuple(dict.fromkeys(sources))
    return out, CovariateSet(tuple(columns), tuple(sources), used, missing, tuple(left_out))


def _add(out: pd.DataFrame, column: str, values: pd.Series) -> list[str]:
    known = values.dropna()
    if known.nunique() <= 1:
        return []
    out[column] = values.to_numpy(dtype=float)
    return [column]


def _add_levels(
    out: pd.DataFrame, name: str, text: pd.Series, rows: np.ndarray | None
) -> list[str]:
    if rows is None:
        counts = text.value_counts()
    else:  # the panel's row counts, ordered as value_counts orders them
        counts = pd.Series(rows, dtype=np.int64).groupby(text.to_numpy(), sort=False).sum()
        counts = counts.sort_values(ascending=False)
    if len(counts) <= 1 or set(counts.index) <= _UNKNOWN:
        return []
    standard = STANDARD_LEVELS.get(name)
    if standard is not None:  # the lab's order: the first level is the reference
        levels = [lv for lv in standard if lv in counts.index]
        levels += sorted(lv for lv in counts.index if lv not in standard)
        reference = standard[0]
    else:
        levels = sorted(counts.index)
        reference = counts.index[0]
    made = []
    for level in levels:
        if level == reference:
            continue
        dummy = (text == level).to_numpy(dtype=float)
        share = dummy.mean() if rows is None else float(dummy @ rows) / float(rows.sum())
        if _RARE <= share <= 1 - _RARE:
            column = f"cov_{name}_{level}"
            out[column] = dummy
            made.append(column)
    return made


def _why_not(values: pd.Series) -> str:
    known = values.dropna()
    if known.empty or (
        not pd.api.types.is_numeric_dtype(values) and set(_as_text(known)) <= _UNKNOWN
    ):
        return "unknown for everyone"
    if known.nunique() <= 1:
        return "the same value for everyone"
    return "every level other than the most common is rarer than 2 %"
