"""Price-year conversion with the Swedish consumer price index (KPI).

The bundled table ``data_schemas/cpi.csv`` holds SCB's annual averages of KPI (1980=100); its
``status`` column marks rows that are SCB's fixed figures (``final``) and rows extrapolated until
SCB's figure is copied in (``approximate``). Any table with the columns ``year`` and ``kpi`` can be
passed instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from outcomelab.errors import InputError, ParameterError, ReadError
from outcomelab.resources import schemas_dir

__all__ = ["approximate_years", "convert_price_year", "load_cpi", "price_factor"]


@lru_cache(maxsize=1)
def _bundled_cpi() -> pd.DataFrame:
    path = schemas_dir() / "cpi.csv"
    return _read_cpi(path)


def _read_cpi(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path)
    except (OSError, pd.errors.ParserError) as err:
        raise ReadError(f"The price index table {path} could not be read: {err}.") from err
    return _check_cpi(table, str(path))


def _check_cpi(table: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in ("year", "kpi") if c not in table.columns]
    if missing:
        raise InputError(
            f"The price index table {where} lacks the columns {missing}; it needs `year` and `kpi` "
            "(annual average index, any base year)."
        )
    out = table.copy()
    out["year"] = pd.to_numeric(out["year"], errors="coerce")
    out["kpi"] = pd.to_numeric(out["kpi"], errors="coerce")
    bad = out.index[out["year"].isna() | out["kpi"].isna() | (out["kpi"] <= 0)]
    if len(bad):
        raise InputError(
            f"The price index table {where} has rows without a numeric year or a positive index "
            f"(rows {', '.join(str(i + 2) for i in bad[:5])}, counting the header as row 1); "
            "fix or delete them."
        )
    if out["year"].duplicated().any():
        dups = sorted(out.loc[out["year"].duplicated(), "year"].astype(int).unique())
        raise InputError(f"The price index table {where} lists the years {dups} more than once.")
    out["year"] = out["year"].astype(int)
    if "status" not in out.columns:
        out["status"] = "final"
    return out.sort_values("year").reset_index(drop=True)


def load_cpi(path: str | Path | None = None) -> pd.DataFrame:
    """Return a consumer price index table (``year, kpi, status, ...``).

    Parameters
    ----------
    path
        A CSV with at least the columns ``year`` and ``kpi``; ``None`` reads the bundled SCB table.

    Returns
    -------
    pandas.DataFrame
        One row per year, sorted by year (a copy).

    Raises
    ------
    ReadError
        If the file cannot be read.
    InputError
        If the columns are missing, values are not numeric or positive, or a year repeats.

    References
    ----------
    SCB, Konsumentprisindex (1980=100), fastställda tal, årsmedel.
    """
    if path is None:
        return _bundled_cpi().copy()
    return _read_cpi(Path(path))


def _as_cpi(cpi: pd.DataFrame | None) -> pd.DataFrame:
    return _bundled_cpi() if cpi is None else _check_cpi(cpi, "`cpi`")


def price_factor(from_year: int, to_year: int, cpi: pd.DataFrame | None = None) -> float:
    """Factor that turns an amount in ``from_year`` prices into ``to_year`` prices.

    Parameters
    ----------
    from_year, to_year
        Price years.
    cpi
        Price index table (``year, kpi``); ``None`` uses the bundled KPI.

    Returns
    -------
    float
        ``kpi[to_year] / kpi[from_year]``.

    Raises
    ------
    ParameterError
        If either year is not in the table.

    Notes
    -----
    .. math:: a_{\\text{to}} = a_{\\text{from}} \\cdot \\frac{KPI_{\\text{to}}}{KPI_{\\text{from}}}
    """
    table = _as_cpi(cpi)
    index = dict(zip(table["year"].astype(int), table["kpi"].astype(float), strict=True))
    for name, year in (("from_year", from_year), ("to_year", to_year)):
        if int(year) not in index:
            raise ParameterError(
                f"`{name}` = {year} is not in the price index table, which covers "
                f"{min(index)}-{max(index)}; choose a year inside that range or pass a `cpi` "
                "table that includes it."
            )
    return index[int(to_year)] / index[int(from_year)]


def convert_price_year(
    amount: float | np.ndarray | pd.Series,
    from_year: int | np.ndarray | pd.Series,
    to_year: int,
    cpi: pd.DataFrame | None = None,
) -> float | np.ndarray | pd.Series:
    """Convert amounts from their price year(s) to ``to_year`` prices.

    Parameters
    ----------
    amount
        Amount(s) in SEK.
    from_year
        Price year of each amount (a scalar or one per amount).
    to_year
        Target price year.
    cpi
        Price index table; ``None`` uses the bundled KPI.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The amounts in ``to_year`` prices, in the shape of ``amount``.

    Raises
    ------
    ParameterError
        If a year is outside the table.

    Examples
    --------
    >>> round(convert_price_year(100.0, 2022, 2023), 2)  # 100 * 403.70 / 371.91
    108.55
    """
    if np.ndim(from_year) == 0:
        factor = price_factor(int(np.asarray(from_year).item()), to_year, cpi)
        return amount * factor
    years = np.asarray(from_year, dtype=int)
    factors = np.array([price_factor(int(y), to_year, cpi) for y in years])
    if isinstance(amount, pd.Series):
        return amount * factors
    return np.asarray(amount, dtype=float) * factors


def approximate_years(years: list[int], cpi: pd.DataFrame | None = None) -> list[int]:
    """Return those of ``years`` whose index row is marked ``approximate``."""
    table = _as_cpi(cpi)
    approx = set(table.loc[table["status"].astype(str) != "final", "year"].astype(int))
    return sorted({int(y) for y in years} & approx)
