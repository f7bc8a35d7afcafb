"""The table of unit values: what one unit more of an outcome is worth, and to whom.

Columns (the ``unit_values`` standard schema): ``outcome_code, payer, agency, value_sek, unit,
price_year, source, illustrative, notes``.

Sign convention (the ``unit_values`` schema's)
----------------------------------------------
``value_sek`` is the value, to ``payer``, of **one unit more** of the outcome: positive when the
payer gains as the outcome rises (tax revenue from a person-year of employment), negative when the
payer bears a cost (Försäkringskassan pays the benefit for a sick-leave day). An effect of
``-2`` sick-leave days times ``-850`` SEK is a gain of 1 700 SEK to the state. Rows are additive:
summed over payers they give the socio-economic value of one unit, in which transfers cancel (what
the state saves on the benefit the person no longer receives). ``society`` holds value that falls
on no public budget or on the person (production value, victims' costs).

The bundled table is versioned by :data:`BUNDLED_VERSION`; every loaded table also carries the
SHA-256 digest of its content so a report can cite exactly which table it used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from outcomelab.errors import InputError, ReadError, SchemaError
from outcomelab.resources import schemas_dir
from outcomelab.schemas import validate

__all__ = [
    "BUNDLED_VERSION",
    "UNIT_VALUE_COLUMNS",
    "UNIT_VALUE_PAYERS",
    "UnitValueTable",
    "load_unit_values",
]

#: version of the bundled ``data_schemas/unit_values.csv``; bump it whenever the data change
BUNDLED_VERSION = "outcomelab-unit-values-2026.1"
UNIT_VALUE_COLUMNS: tuple[str, ...] = (
    "outcome_code",
    "payer",
    "agency",
    "value_sek",
    "unit",
    "price_year",
    "source",
    "illustrative",
    "notes",
)
UNIT_VALUE_PAYERS: tuple[str, ...] = ("municipality", "region", "state", "individual", "society")
_REQUIRED = ("outcome_code", "payer", "value_sek", "price_year", "source")
_TRUE = {"true", "1", "yes", "ja", "sant"}
_FALSE = {"false", "0", "no", "nej", "falskt", "", "nan", "none"}


@dataclass(frozen=True)
class UnitValueTable:
    """A checked unit-value table with the version a report cites.

    Attributes
    ----------
    version
        ``BUNDLED_VERSION`` for the bundled table, otherwise what the caller named it (or the file
        name).
    digest
        First 12 hex digits of the SHA-256 of the table's CSV text: identifies the exact content.
    origin
        Where the table came from (a path or ``"DataFrame"``).
    """

    table: pd.DataFrame = field(repr=False)
    version: str
    digest: str
    origin: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", self.table.copy())

    @property
    def citation(self) -> str:
        """One line for a report: ``"<version> (sha256 <digest>)"``."""
        return f"{self.version} (sha256 {self.digest})"

    def rows(self, outcome_code: str | None = None) -> pd.DataFrame:
        """A copy of the table, optionally only the rows of one outcome."""
        t = self.table
        return (t if outcome_code is None else t[t["outcome_code"] == outcome_code]).copy()

    @property
    def illustrative(self) -> pd.DataFrame:
        """The rows marked illustrative (not from a citable public source)."""
        return self.table[self.table["illustrative"]].copy()


def _as_bool(series: pd.Series, where: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.astype(bool)
    text = series.astype(str).str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in series.index[bad][:5])
        raise InputError(
            f"{where}: `illustrative` must be true or false; rows {rows} (counting the header as "
            "row 1) have other values."
        )
    return text.isin(_TRUE)


def _schema_validate(table: pd.DataFrame, where: str) -> None:
    """Validate against the standard ``unit_values`` schema (every failing cell listed)."""
    report = validate(table, "unit_values")
    if not report.ok:
        failures = report.failures
        first = " First: " + " ".join(str(m) for m in failures["message"].head(3))
        raise SchemaError(
            f"{where} does not fit the unit_values schema ({len(failures)} failures); the failures "
            f"table on this error lists every cell to correct.{first}",
            failures,
        )


def _check(table: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise InputError(
            f"{where} lacks the columns {', '.join(missing)}; a unit-value table needs "
            f"{', '.join(UNIT_VALUE_COLUMNS)} (agency, unit, illustrative and notes may be empty)."
        )
    out = table.copy()
    for col in UNIT_VALUE_COLUMNS:
        if col not in out.columns:
            out[col] = "" if col != "illustrative" else False
    out["value_sek"] = pd.to_numeric(out["value_sek"], errors="coerce")
    out["price_year"] = pd.to_numeric(out["price_year"], errors="coerce")
    bad = out.index[out["value_sek"].isna() | out["price_year"].isna()]
    if len(bad):
        rows = ", ".join(str(i + 2) for i in bad[:5])
        raise InputError(
            f"{where}: rows {rows} (counting the header as row 1) have no numeric value_sek or "
            "price_year; fill them in or delete the rows."
        )
    bad_payer = ~out["payer"].isin(UNIT_VALUE_PAYERS)
    if bad_payer.any():
        values = sorted(out.loc[bad_payer, "payer"].astype(str).unique())
        raise InputError(
            f"{where}: payer must be one of {', '.join(UNIT_VALUE_PAYERS)}; found {values}."
        )
    out["price_year"] = out["price_year"].astype(int)
    out["illustrative"] = _as_bool(out["illustrative"], where)
    for col in ("agency", "unit", "source", "notes"):
        out[col] = out[col].fillna("").astype(str)
    return out[list(UNIT_VALUE_COLUMNS)].reset_index(drop=True)


def _digest(table: pd.DataFrame) -> str:
    text = table.to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load_unit_values(
    source: str | Path | pd.DataFrame | UnitValueTable | None = None,
    *,
    version: str | None = None,
) -> UnitValueTable:
    """Load and check a unit-value table.

    Parameters
    ----------
    source
        ``None`` for the bundled table, a CSV path, a DataFrame in the ``unit_values`` schema, or
        an already loaded :class:`UnitValueTable` (returned as is).
    version
        Name to cite for a municipality's own table (default: the file name, or ``"user table"``).

    Returns
    -------
    UnitValueTable

    Raises
    ------
    ReadError
        If the file cannot be read.
    SchemaError
        If the table fails the standard ``unit_values`` schema (when :mod:`outcomelab.schemas`
        provides it); ``.failures`` lists every failing cell.
    InputError
        If required columns are missing, values are not numeric or a payer is not one of
        municipality, region, state, individual, society.

    Notes
    -----
    See the module docstring for the sign convention: ``value_sek`` is per unit more of the
    outcome, seen from the payer.
    """
    if isinstance(source, UnitValueTable):
        return source
    if source is None:
        path = schemas_dir() / "unit_values.csv"
        raw = _read(path)
        table = _check(raw, f"The bundled unit-value table {path}")
        return UnitValueTable(table, version or BUNDLED_VERSION, _digest(table), str(path))
    if isinstance(source, pd.DataFrame):
        _schema_validate(source, "`unit_values`")
        table = _check(source, "`unit_values`")
        return UnitValueTable(table, version or "user table", _digest(table), "DataFrame")
    path = Path(source)
    raw = _read(path)
    _schema_validate(raw, f"The unit-value table {path}")
    table = _check(raw, f"The unit-value table {path}")
    return UnitValueTable(table, version or path.name, _digest(table), str(path))


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ReadError(
            f"The unit-value table {path} could not be read ({err}); it must be a UTF-8 CSV file."
        ) from err
