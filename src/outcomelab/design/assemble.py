"""Assemble the analysis panel in Arrow from its narrow rows and one row per person.

DuckDB pivots the long outcomes into one narrow row per person and period (``unit, period`` and
the outcome values); everything else on a panel row is a property of the person (pseudonym,
cohort, group, weight, baseline covariates) or follows from the person and the period
(``rel_time``, ``treated_post``). Those columns are gathered here from the table of persons by
the unit number instead of being carried through DuckDB's join and sort, which is what used to
double the memory of a large panel. Text columns become dictionary columns (pandas
``Categorical``): the pseudonym of a person is stored once, not once per period.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["panel_table"]


def _column(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """One contiguous array (the persons table is small next to the panel)."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


def _per_row(person_values: pa.Array, index: pa.Array) -> pa.Array:
    """The person-level column repeated on each of the person's rows; text as a dictionary."""
    if pa.types.is_dictionary(person_values.type):
        return pa.DictionaryArray.from_arrays(
            person_values.indices.take(index), person_values.dictionary
        )
    if pa.types.is_string(person_values.type) or pa.types.is_large_string(person_values.type):
        encoded = pc.dictionary_encode(person_values)
        return pa.DictionaryArray.from_arrays(encoded.indices.take(index), encoded.dictionary)
    return person_values.take(index)


def panel_table(
    rows: pa.Table,
    persons: pa.Table,
    *,
    key: str,
    outcomes: Sequence[str],
    covariates: Sequence[str],
    weighted: bool,
) -> pa.Table:
    """The panel with every column, in the order :func:`~outcomelab.design.build_panel` documents.

    Parameters
    ----------
    rows
        One row per panel row: ``unit`` (1..N), ``period`` and one column per outcome.
    persons
        One row per unit in unit order (row ``i`` is unit ``i + 1``): ``person_id``, ``unit``,
        ``cohort``, ``treated``, ``weight`` when ``weighted``, and the covariates.
    key
        Name of the identifier column in the panel (``person_id`` or ``unit_id``).
    outcomes, covariates
        Outcome and covariate columns, in panel order.
    weighted
        Whether the panel carries the aggregate units' ``weight``.

    Returns
    -------
    pyarrow.Table
        ``key, unit, period, <outcomes>, cohort, rel_time, treated, treated_post[, weight],
        <covariates>``; text columns dictionary-encoded.
    """
    unit = rows["unit"].to_numpy()
    index = pa.array(unit - 1)
    period = rows["period"].to_numpy()
    cohort_of = _column(persons["cohort"]).to_numpy(zero_copy_only=False)
    cohort = cohort_of[unit - 1]
    started = cohort > 0
    ident = _column(persons["person_id"])
    if pa.types.is_string(ident.type) or pa.types.is_large_string(ident.type):
        # the persons are distinct: their pseudonyms are the dictionary as they stand
        ident_col: pa.Array = pa.DictionaryArray.from_arrays(
            pa.array((unit - 1).astype(np.int32)), ident
        )
    else:
        ident_col = ident.take(index)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        key: ident_col,
        "unit": rows["unit"],
        "period": rows["period"],
    }
    for name in outcomes:
        columns[name] = rows[name]
    columns["cohort"] = pa.array(cohort)
    columns["rel_time"] = pa.array((period - cohort).astype(np.float64), mask=~started)
    columns["treated"] = _column(persons["treated"]).take(index)
    columns["treated_post"] = pa.array((started & (period >= cohort)).astype(np.int64))
    if weighted:
        columns["weight"] = _column(persons["weight"]).take(index)
    for name in covariates:
        columns[name] = _per_row(_column(persons[name]), index)
    return pa.table(columns)
