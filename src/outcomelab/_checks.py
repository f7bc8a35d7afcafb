"""Input checks shared by every public function: the one place options and columns are validated.

Each check raises :class:`~outcomelab.errors.InputError` (or :class:`ParameterError`) with a message
that names the argument, lists the offending columns or values and says what to do.

The one call shape
------------------
Every estimator takes the data first and then keyword-only column names with the same meaning:

``covariates``
    A list (or tuple) of column names, or a right-hand-side formula string such as
    ``"age + educ + C(race)"`` (a leading ``"treat ~"`` is ignored). **A bare string is a
    formula**; a string that is exactly the name of a column is that one column, so
    ``covariates="age"`` means the column ``age`` and is never read letter by letter.
    ``None`` or an empty list: no covariates. Estimators that only take columns (the DiD
    estimators) accept a formula that is a plain sum of columns (``"age + educ"``) and refuse
    transformations with a message. See :func:`covariate_spec`.
``cluster``
    ``None`` (default): no clustering beyond the estimator's own sampling unit, i.e. the rows of
    one ``unit`` form a cluster in panel estimators and every observation is its own cluster
    otherwise. A column name (or a list of column names where an estimator supports two-way
    clustering) clusters on those columns; clusters must contain whole units. See
    :func:`cluster_columns`.
``weights``
    ``None`` or the name of a column of non-negative sampling or population weights (R ``did``'s
    and ``DRDID``'s ``weightsname``/``i.weights``, pyfixest's ``weights``). See
    :func:`weight_values`.
``alpha``
    ``1 - confidence level``, strictly between 0 and 1 (never ``level=``). See
    :func:`check_alpha`.
``lang``
    ``"sv"`` or ``"en"`` (never ``language=``). See :func:`check_lang`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from outcomelab.errors import InputError, ParameterError

__all__ = [
    "LANGUAGES",
    "CovariateSpec",
    "check_alpha",
    "check_choice",
    "check_column_names",
    "check_lang",
    "check_no_missing",
    "check_numeric",
    "check_probability",
    "cluster_columns",
    "covariate_columns",
    "covariate_spec",
    "require_columns",
    "require_dataframe",
    "rows_preview",
    "weight_values",
]

#: the report languages
LANGUAGES = ("sv", "en")
Lang = Literal["sv", "en"]
_IDENTIFIER = re.compile(r"[A-Za-z_.][A-Za-z0-9_.]*")
_FORMULA_SYNTAX = re.compile(r"[~+*:()^/|-]")


def rows_preview(index: Iterable[Any], limit: int = 5) -> str:
    """Format the first ``limit`` row labels of ``index`` as ``"12, 40, 41 and 3 more"``."""
    labels = list(index)
    shown = ", ".join(str(x) for x in labels[:limit])
    rest = len(labels) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def require_dataframe(data: object, argument: str = "data") -> pd.DataFrame:
    """Return ``data`` if it is a non-empty DataFrame, else raise InputError."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"`{argument}` must be a pandas DataFrame, got {type(data).__name__}; "
            "read your file with pandas.read_csv or outcomelab.schemas.read_table first."
        )
    if data.empty:
        raise InputError(f"`{argument}` has no rows; there is nothing to estimate from.")
    return data


def check_column_names(**names: object) -> None:
    """Raise ParameterError unless every argument names one column (a non-empty string).

    Examples
    --------
    >>> check_column_names(outcome="y", unit="id")
    >>> check_column_names(outcome=["y1", "y2"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    outcomelab.errors.ParameterError: `outcome` must name one column (a string); got list ...
    """
    for argument, value in names.items():
        if not isinstance(value, str) or not value:
            raise ParameterError(
                f"`{argument}` must name one column (a string); got {type(value).__name__} "
                f"{value!r}."
                + (
                    " Call the estimator once per column."
                    if isinstance(value, list | tuple)
                    else ""
                )
            )


def require_columns(data: pd.DataFrame, **columns: str | Sequence[str] | None) -> None:
    """Check that every named column exists in ``data``.

    Parameters
    ----------
    data
        The caller's table.
    **columns
        Argument name -> column name(s) (``None`` is skipped), e.g. ``outcome="y"``.

    Raises
    ------
    InputError
        Listing every argument whose column(s) are missing, and the columns that do exist.
    """
    problems = []
    for argument, value in columns.items():
        if value is None:
            continue
        names = [value] if isinstance(value, str) else list(value)
        missing = [name for name in names if name not in data.columns]
        if missing:
            problems.append(f"`{argument}` names {', '.join(repr(m) for m in missing)}")
    if problems:
        available = ", ".join(repr(c) for c in list(data.columns)[:20])
        raise InputError(
            f"Columns not found in the data: {'; '.join(problems)}. "
            f"The data have: {available}{' ...' if data.shape[1] > 20 else ''}."
        )


def check_choice(argument: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ParameterError unless ``value`` is one of ``allowed``."""
    options = list(allowed)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ParameterError(f"`{argument}` must be one of {listed}; got {value!r}.")


def check_probability(argument: str, value: float, *, open_interval: bool = True) -> None:
    """Raise ParameterError unless ``0 < value < 1`` (or ``0 <= value <= 1``)."""
    ok = 0 < value < 1 if open_interval else 0 <= value <= 1
    if not ok:
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ParameterError(f"`{argument}` must be {bounds}; got {value!r}.")


def check_numeric(data: pd.DataFrame, argument: str, columns: str | Sequence[str]) -> None:
    """Raise InputError if any of ``columns`` is not numeric (bool counts as numeric)."""
    names = [columns] if isinstance(columns, str) else list(columns)
    bad = [c for c in names if not (pd.api.types.is_numeric_dtype(data[c]))]
    if bad:
        kinds = ", ".join(f"{c!r} ({data[c].dtype})" for c in bad)
        raise InputError(
            f"`{argument}` must name numeric columns; not numeric: {kinds}. "
            "Convert them with pandas.to_numeric or encode categories as dummies."
        )


def check_no_missing(data: pd.DataFrame, argument: str, columns: str | Sequence[str]) -> None:
    """Raise InputError naming each column with missing values and how many rows are affected."""
    names = [columns] if isinstance(columns, str) else list(columns)
    problems = []
    for c in names:
        missing = data[c].isna().to_numpy()
        if missing.any():
            rows = rows_preview(data.index[missing])
            problems.append(f"{c!r} has {int(missing.sum())} missing values (rows {rows})")
    if problems:
        raise InputError(
            f"`{argument}`: {'; '.join(problems)}. Drop or impute those rows before estimating."
        )


def as_float_array(values: pd.Series | np.ndarray) -> np.ndarray:
    """Return ``values`` as a contiguous float64 NumPy array."""
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64))


def check_alpha(alpha: object, argument: str = "alpha") -> float:
    """Return ``alpha`` as a float if it is a number strictly between 0 and 1, else raise.

    Raises
    ------
    ParameterError
        For booleans, non-numbers and values outside ``(0, 1)``; the message says that ``alpha``
        is one minus the confidence level.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.integer | np.floating):
        raise ParameterError(
            f"`{argument}` must be a number strictly between 0 and 1 (1 - confidence level, "
            f"e.g. 0.05 for 95 % intervals); got {alpha!r}."
        )
    value = float(alpha)
    if not 0 < value < 1:
        raise ParameterError(
            f"`{argument}` must be strictly between 0 and 1 (1 - confidence level, e.g. 0.05 "
            f"for 95 % intervals); got {alpha!r}."
        )
    return value


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise ParameterError."""
    check_choice("lang", lang, LANGUAGES)
    return lang  # type: ignore[return-value]


@dataclass(frozen=True)
class CovariateSpec:
    """What a ``covariates`` argument means (see the module docstring for the rule).

    Attributes
    ----------
    columns
        The data columns the covariates use, in order, without duplicates.
    formula
        The right-hand side when it is more than a plain sum of columns (transformations,
        interactions, ``C(...)``); ``None`` for a list or a plain sum.
    """

    columns: tuple[str, ...]
    formula: str | None = None


def _columns_list(covariates: Sequence[object], argument: str) -> list[str]:
    bad = [c for c in covariates if not isinstance(c, str)]
    if bad:
        raise ParameterError(
            f"`{argument}` must list column names (strings); got {', '.join(repr(b) for b in bad)}."
        )
    names = [str(c) for c in covariates]
    dups = sorted({c for c in names if names.count(c) > 1})
    if dups:
        raise ParameterError(
            f"`{argument}` names {', '.join(repr(d) for d in dups)} more than once; list each "
            "column once."
        )
    return names


def covariate_spec(
    data: pd.DataFrame, covariates: object, argument: str = "covariates"
) -> CovariateSpec:
    """Interpret ``covariates`` by the one rule and check that its columns exist.

    Parameters
    ----------
    data
        The caller's table.
    covariates
        ``None``, a list/tuple of column names, or a formula string (see the module docstring).
    argument
        Name of the argument, for messages.

    Returns
    -------
    CovariateSpec

    Raises
    ------
    ParameterError
        Not a string or a list of strings, or a name listed twice.
    InputError
        A named column does not exist, or a formula refers to no column of ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [1], "g": [2], "educ": [3]})
    >>> covariate_spec(df, "age").columns
    ('age',)
    >>> covariate_spec(df, "y ~ age + educ")
    CovariateSpec(columns=('age', 'educ'), formula=None)
    >>> covariate_spec(df, "age + I(age**2)")
    CovariateSpec(columns=('age',), formula='age + I(age**2)')
    """
    if covariates is None:
        return CovariateSpec(())
    if isinstance(covariates, str):
        text = covariates.strip()
        if text in data.columns:
            return CovariateSpec((text,))
        rhs = text.split("~", 1)[-1].strip()
        terms = [t.strip() for t in rhs.split("+")]
        if all(terms) and not any(_FORMULA_SYNTAX.search(t) for t in terms):
            names = _columns_list(terms, argument)
            require_columns(data, **{argument: names})
            return CovariateSpec(tuple(names))
        found = [tok for tok in dict.fromkeys(_IDENTIFIER.findall(rhs)) if tok in data.columns]
        if not found:
            shown = ", ".join(repr(c) for c in list(data.columns)[:5])
            raise InputError(
                f"The `{argument}` formula {covariates!r} refers to no column of the data; use "
                f"column names such as {shown}."
            )
        return CovariateSpec(tuple(found), rhs)
    if isinstance(covariates, Sequence | pd.Index | np.ndarray) and not isinstance(
        covariates, bytes
    ):
        names = _columns_list(list(covariates), argument)
        require_columns(data, **{argument: names or None})
        return CovariateSpec(tuple(names))
    raise ParameterError(
        f"`{argument}` must be a list of column names or a formula string such as "
        f"'age + educ'; got {type(covariates).__name__} {covariates!r}."
    )


def covariate_columns(
    data: pd.DataFrame, covariates: object, argument: str = "covariates"
) -> list[str]:
    """Column names for estimators that take plain columns (no formula transformations).

    Raises
    ------
    ParameterError
        When ``covariates`` is a formula with transformations or interactions; the message asks
        for the transformed columns to be added to the data first.
    """
    spec = covariate_spec(data, covariates, argument)
    if spec.formula is not None:
        raise ParameterError(
            f"`{argument}` takes column names or a plain sum of columns ('a + b'); the formula "
            f"{spec.formula!r} transforms or interacts them. Add the transformed columns to the "
            "data (e.g. data['age2'] = data['age'] ** 2) and list them."
        )
    return list(spec.columns)


def cluster_columns(
    data: pd.DataFrame, cluster: object, *, unit: str | None = None, max_columns: int = 1
) -> list[str]:
    """Cluster column names by the one rule: ``None`` -> ``[]`` (the estimator's own unit).

    Parameters
    ----------
    data
        The caller's table.
    cluster
        ``None``, a column name, or a list of up to ``max_columns`` column names.
    unit
        The unit column; listing it is allowed (it means clustering by unit) and it is dropped
        from the result when other columns are listed with it, as R ``did``'s ``clustervars``.
    max_columns
        How many cluster columns the estimator supports (2 for two-way clustering).

    Returns
    -------
    list of str
        Empty for ``None``.

    Raises
    ------
    ParameterError
        Not a string or list of strings, or too many columns.
    InputError
        A column that does not exist.
    """
    if cluster is None:
        return []
    names = [cluster] if isinstance(cluster, str) else cluster
    if not isinstance(names, Sequence) or not names:
        raise ParameterError(
            f"`cluster` must be None, a column name or a list of column names; got {cluster!r}."
        )
    cols = _columns_list(list(names), "cluster")
    if unit is not None and len(cols) > 1 and unit in cols and max_columns == 1:
        cols = [c for c in cols if c != unit]
    if len(cols) > max_columns:
        what = "one column" if max_columns == 1 else f"at most {max_columns} columns"
        raise ParameterError(
            f"`cluster` must name {what} for this estimator; got {len(cols)} ({cols!r})."
            + (
                " Cluster on the coarser level (e.g. the municipality); units are always nested "
                "in their cluster."
                if max_columns == 1
                else ""
            )
        )
    require_columns(data, cluster=cols)
    return cols


def weight_values(data: pd.DataFrame, weights: object) -> np.ndarray | None:
    """The ``weights`` column as a float array, checked; ``None`` when ``weights`` is None.

    Raises
    ------
    ParameterError
        ``weights`` is not a column name.
    InputError
        The column is missing, not numeric, has missing, negative or infinite values, or sums to
        zero; the message lists the rows.
    """
    if weights is None:
        return None
    if not isinstance(weights, str):
        raise ParameterError(
            f"`weights` must be the name of a column of weights; got {type(weights).__name__} "
            f"{weights!r}. Add the weights to the data as a column."
        )
    require_columns(data, weights=weights)
    check_numeric(data, "weights", weights)
    check_no_missing(data, "weights", weights)
    w = as_float_array(data[weights])
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise InputError(
            f"`weights` column {weights!r} must hold finite, non-negative values; "
            f"{int(bad.sum())} rows do not (rows {rows_preview(data.index[bad])})."
        )
    if w.sum() <= 0:
        raise InputError(f"`weights` column {weights!r} sums to zero; nothing would be estimated.")
    return w
