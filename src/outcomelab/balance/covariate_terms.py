"""Turn the covariate columns of a table into the numeric terms a balance table reports.

Numeric columns are kept as they are, booleans become 0/1, and a categorical (or text) column is
expanded into one 0/1 indicator per level, all levels kept, as R's ``model.matrix`` does for
MatchIt's and cobalt's balance tables. Levels come in the order of a pandas ``Categorical``'s
categories, otherwise sorted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["expand_covariates"]


def _is_categorical(column: pd.Series) -> bool:
    return bool(
        isinstance(column.dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(column)
        or pd.api.types.is_string_dtype(column)
    )


def expand_covariates(data: pd.DataFrame, covariates: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Numeric terms for ``covariates``.

    Parameters
    ----------
    data
        The caller's table (already checked for the columns and missing values).
    covariates
        Covariate column names.

    Returns
    -------
    terms, source
        ``terms`` is a float DataFrame with one column per term (``"race_black"`` for level
        ``"black"`` of ``race``); ``source`` maps each term to its covariate column name.
    """
    columns: dict[str, np.ndarray] = {}
    source: dict[str, str] = {}
    for name in covariates:
        column = data[name]
        if _is_categorical(column):
            if isinstance(column.dtype, pd.CategoricalDtype):
                levels = [lv for lv in column.cat.categories if (column == lv).any()]
            else:
                levels = sorted(column.unique(), key=str)
            for level in levels:
                term = f"{name}_{level}"
                columns[term] = (column == level).to_numpy(dtype=np.float64)
                source[term] = name
        else:
            columns[name] = column.to_numpy(dtype=np.float64)
            source[name] = name
    return pd.DataFrame(columns, index=data.index), source
