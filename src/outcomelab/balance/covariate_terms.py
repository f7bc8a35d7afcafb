"""Turn the covariate columns of a table into the numeric terms a balance table reports.

Numeric columns are kept as they are, booleans become 0/1, and a categorical (or text) column is
expanded into one 0/1 indicator per level, all levels kept, as R's ``model.matrix`` does for
MatchIt's and cobalt's balance tables (:func:`outcomelab.numerics.expand_categorical`: levels in
the order of a pandas ``Categorical``'s categories, otherwise sorted).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from outcomelab.numerics import expand_categorical, is_categorical

__all__ = ["expand_covariates"]


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
        if is_categorical(column):
            indicators = expand_categorical(column)
            for j, level in enumerate(indicators.levels):
                term = f"{name}_{level}"
                columns[term] = indicators.matrix[:, j]
                source[term] = name
        else:
            columns[name] = column.to_numpy(dtype=np.float64)
            source[name] = name
    return pd.DataFrame(columns, index=data.index), source
