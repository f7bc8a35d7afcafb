"""The outcome catalogue: what each outcome code means, read from one file and checked on load.

The lab's catalogue is ``data_schemas/outcome_catalogue.csv``; every package that needs an outcome's
name, kind, direction or follow-up windows asks :func:`lab_catalogue` (or a :class:`Catalogue`
made by :func:`load_catalogue`) and keeps no copy of its own. A submission may declare outcomes of
its own in a second table of the same columns; :func:`load_catalogue` merges it under a local
namespace so that a local code never shadows one of the lab's.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from outcomelab.errors import InputError, SchemaError
from outcomelab.resources import schemas_dir
from outcomelab.vocabulary.kinds import (
    DIRECTIONS,
    KINDS,
    PERIODICITIES,
    Direction,
    Kind,
    Periodicity,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "NAMESPACE_SEPARATOR",
    "Catalogue",
    "OutcomeDefinition",
    "build_catalogue",
    "lab_catalogue",
    "load_catalogue",
]

#: the catalogue's columns, in file order; the last two are optional
COLUMNS: tuple[str, ...] = (
    "code",
    "name_sv",
    "name_en",
    "unit",
    "kind",
    "direction",
    "periodicity",
    "followup_windows_months",
    "definition_en",
    "definition_sv",
    "phrase_sv",
    "phrase_en",
)
_OPTIONAL = ("phrase_sv", "phrase_en")
_REQUIRED = tuple(c for c in COLUMNS if c not in _OPTIONAL)
#: between a namespace and a local code (``local.earnings``); codes themselves hold no dot
NAMESPACE_SEPARATOR = "."
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_WINDOWS = re.compile(r"^[1-9][0-9]{0,2}(;[1-9][0-9]{0,2})*$")


@dataclass(frozen=True)
class OutcomeDefinition:
    """One outcome of a catalogue.

    Attributes
    ----------
    code
        The code as submitted in ``outcomes.outcome_code``.
    name_sv, name_en
        Short names for tables and headings.
    unit
        What one unit of a value is, as the catalogue states it.
    kind, direction, periodicity
        Words of :mod:`outcomelab.vocabulary.kinds`.
    followup_windows_months
        The windows at which the outcome is read off, ascending.
    definition_en, definition_sv
        The full definitions.
    phrase_sv, phrase_en
        How a sentence names the state or what is counted ("förvärvsarbetande", "days in care");
        the lower-cased name when the catalogue leaves them empty.
    namespace
        ``""`` for the lab's outcomes, the local namespace for a submission's own.
    """

    code: str
    name_sv: str
    name_en: str
    unit: str
    kind: Kind
    direction: Direction
    periodicity: Periodicity
    followup_windows_months: tuple[int, ...]
    definition_en: str
    definition_sv: str
    phrase_sv: str = ""
    phrase_en: str = ""
    namespace: str = ""

    @property
    def qualified_code(self) -> str:
        """``code`` for the lab's outcomes, ``<namespace>.<code>`` for a local one."""
        return f"{self.namespace}{NAMESPACE_SEPARATOR}{self.code}" if self.namespace else self.code

    @property
    def sign(self) -> int:
        """``+1`` when higher is better, ``-1`` when higher is worse."""
        return 1 if self.direction == "higher_is_better" else -1

    def name(self, lang: str) -> str:
        """The outcome's short name in ``lang`` (``"sv"`` or ``"en"``)."""
        return self.name_sv if lang == "sv" else self.name_en

    def phrase(self, lang: str) -> str:
        """The words a sentence uses for the outcome in ``lang``."""
        given = self.phrase_sv if lang == "sv" else self.phrase_en
        if given:
            return given
        name = self.name(lang)
        return name[:1].lower() + name[1:]

    def definition(self, lang: str) -> str:
        """The full definition in ``lang``."""
        return self.definition_sv if lang == "sv" else self.definition_en

    def to_row(self) -> dict[str, str]:
        """The definition as a catalogue row (strings, file columns)."""
        row = {c: str(getattr(self, c)) for c in COLUMNS if c != "followup_windows_months"}
        row["followup_windows_months"] = ";".join(str(m) for m in self.followup_windows_months)
        return {c: row[c] for c in COLUMNS}


@dataclass(frozen=True)
class Catalogue(Mapping[str, OutcomeDefinition]):
    """An immutable, checked outcome catalogue: qualified code -> :class:`OutcomeDefinition`.

    A bare code finds the lab's outcome of that code, or else the one local outcome of that code.

    Examples
    --------
    >>> catalogue = lab_catalogue()
    >>> catalogue["employment"].direction
    'higher_is_better'
    >>> "employment" in catalogue and "no_such_outcome" not in catalogue
    True
    """

    definitions: Mapping[str, OutcomeDefinition] = field(repr=False)
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "definitions", MappingProxyType(dict(self.definitions)))

    def _key(self, code: str) -> str | None:
        if code in self.definitions:
            return code
        local = [k for k, d in self.definitions.items() if d.namespace and d.code == code]
        return local[0] if len(local) == 1 else None

    def __getitem__(self, code: str) -> OutcomeDefinition:
        key = self._key(code)
        if key is None:
            raise KeyError(code)
        return self.definitions[key]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._key(code) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.definitions)

    def __len__(self) -> int:
        return len(self.definitions)

    def require(self, code: str) -> OutcomeDefinition:
        """The definition of ``code``, or an InputError that lists the known codes.

        Raises
        ------
        InputError
            If ``code`` is in neither the lab's catalogue nor a merged local one.
        """
        if code in self:
            return self[code]
        raise InputError(
            f"Outcome {code!r} is not in the outcome catalogue ({self.source or 'the lab'}); "
            f"known codes: {', '.join(self)}. Use one of them or declare the outcome (with its "
            "kind and direction) in the submission's own outcome_catalogue table."
        )

    def directions(self) -> dict[str, Direction]:
        """``{code: direction}`` for every outcome (qualified codes)."""
        return {k: d.direction for k, d in self.definitions.items()}

    def merged(self, extra: Catalogue) -> Catalogue:
        """A catalogue holding this one's outcomes and ``extra``'s (qualified codes must differ)."""
        clash = sorted(set(self.definitions) & set(extra.definitions))
        if clash:
            raise InputError(
                f"Outcome code(s) {', '.join(clash)} are declared twice; give the local "
                "catalogue its own namespace."
            )
        return Catalogue(
            {**self.definitions, **extra.definitions},
            source=" + ".join(s for s in (self.source, extra.source) if s),
        )

    def to_frame(self) -> pd.DataFrame:
        """The catalogue as a table of strings with the file's columns (qualified codes)."""
        import pandas as pd

        rows = [d.to_row() | {"code": k} for k, d in self.definitions.items()]
        return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_row(row: Mapping[str, str], line: int) -> list[str]:
    """Every problem of one catalogue row, as sentences naming the row and column."""
    where = f"row {line}"
    problems = [f"{where}: `{c}` is empty." for c in _REQUIRED if not row[c]]
    code = row["code"]
    if code and not _CODE.match(code):
        problems.append(
            f"{where}: code {code!r} must be lower case letters, digits and underscores, "
            "starting with a letter."
        )
    for column, allowed in (
        ("kind", KINDS),
        ("direction", DIRECTIONS),
        ("periodicity", PERIODICITIES),
    ):
        value = row[column]
        if value and value not in allowed:
            hint = " (higher_is_worse?)" if value == "lower_is_better" else ""
            problems.append(
                f"{where}: {column} {value!r} is not one of {', '.join(allowed)}{hint}."
            )
    windows = row["followup_windows_months"]
    if windows and not _WINDOWS.match(windows):
        problems.append(
            f"{where}: followup_windows_months {windows!r} must be months separated by ';' "
            "(e.g. 12;24;36)."
        )
    return problems


def _definition(row: Mapping[str, str], namespace: str) -> OutcomeDefinition:
    windows = tuple(sorted(int(m) for m in row["followup_windows_months"].split(";")))
    return OutcomeDefinition(
        code=row["code"],
        name_sv=row["name_sv"],
        name_en=row["name_en"],
        unit=row["unit"],
        kind=row["kind"],  # type: ignore[arg-type]  # checked by _check_row
        direction=row["direction"],  # type: ignore[arg-type]
        periodicity=row["periodicity"],  # type: ignore[arg-type]
        followup_windows_months=windows,
        definition_en=row["definition_en"],
        definition_sv=row["definition_sv"],
        phrase_sv=row.get("phrase_sv", ""),
        phrase_en=row.get("phrase_en", ""),
        namespace=namespace,
    )


def _rows(source: Any) -> list[dict[str, Any]]:
    if hasattr(source, "to_dict") and hasattr(source, "columns"):  # a pandas DataFrame
        records: list[dict[str, Any]] = source.to_dict(orient="records")
        return records
    return [dict(r) for r in source]


def build_catalogue(
    rows: Iterable[Mapping[str, Any]], *, namespace: str = "", source: str = ""
) -> Catalogue:
    """Check catalogue rows and make a :class:`Catalogue`.

    Parameters
    ----------
    rows
        One mapping (or a DataFrame's rows) per outcome with the columns of :data:`COLUMNS`.
    namespace
        ``""`` for the lab's catalogue; a name (lower case, e.g. ``"local"``) for a submission's.
    source
        Where the rows come from, for messages.

    Raises
    ------
    SchemaError
        Listing every problem (missing column, empty field, unknown kind, direction or
        periodicity, bad follow-up windows, duplicate code) with its spreadsheet row.
    """
    raw = _rows(rows)
    name = source or "the outcome catalogue"
    if namespace and not _CODE.match(namespace):
        raise InputError(
            f"The namespace {namespace!r} must be lower case letters, digits and underscores."
        )
    columns = set().union(*(r.keys() for r in raw)) if raw else set(_REQUIRED)
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise SchemaError(
            f"{name} lacks the column(s) {', '.join(missing)}; a catalogue has the columns "
            f"{', '.join(COLUMNS)} (the last two optional)."
        )
    problems: list[str] = []
    seen: dict[str, int] = {}
    cleaned = []
    for line, record in enumerate(raw, start=2):  # the header is row 1, as in a spreadsheet
        row = {c: _text(record.get(c)) for c in COLUMNS}
        problems += _check_row(row, line)
        if row["code"] in seen:
            problems.append(
                f"row {line}: code {row['code']!r} is already declared in row {seen[row['code']]}."
            )
        seen.setdefault(row["code"], line)
        cleaned.append(row)
    if problems:
        shown = " ".join(problems[:10]) + (
            f" ... and {len(problems) - 10} more." if len(problems) > 10 else ""
        )
        raise SchemaError(
            f"{name} is not a valid outcome catalogue ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}): {shown} Fix the file and load it again."
        )
    definitions = (_definition(r, namespace) for r in cleaned)
    return Catalogue({d.qualified_code: d for d in definitions}, source=name)


def load_catalogue(
    path: str | Path | None = None,
    *,
    extra: Iterable[Mapping[str, Any]] | None = None,
    namespace: str = "local",
) -> Catalogue:
    """Read and check the outcome catalogue, optionally merged with a submission's own outcomes.

    Parameters
    ----------
    path
        A catalogue CSV (UTF-8, comma-separated); default the lab's
        ``data_schemas/outcome_catalogue.csv``.
    extra
        A second catalogue's rows (a DataFrame read with :func:`outcomelab.schemas.read_table`,
        or mappings), merged in under ``namespace``.
    namespace
        The namespace of ``extra``'s codes: ``employment`` there becomes ``local.employment``
        and never shadows the lab's ``employment``.

    Returns
    -------
    Catalogue

    Raises
    ------
    SchemaError
        If either table is not a valid catalogue (every problem listed).

    Examples
    --------
    >>> own = [{"code": "earnings", "name_sv": "Inkomst", "name_en": "Earnings", "unit": "SEK",
    ...         "kind": "amount_sek", "direction": "higher_is_better", "periodicity": "year",
    ...         "followup_windows_months": "12", "definition_en": "...", "definition_sv": "..."}]
    >>> catalogue = load_catalogue(extra=own)
    >>> catalogue["earnings"].qualified_code, catalogue["local.earnings"].kind
    ('local.earnings', 'amount_sek')
    """
    base = lab_catalogue() if path is None else _read_csv(Path(path))
    if extra is None:
        return base
    return base.merged(build_catalogue(extra, namespace=namespace, source="the local catalogue"))


def _read_csv(path: Path) -> Catalogue:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"The outcome catalogue {path} could not be read: {err}.") from None
    return build_catalogue(rows, source=str(path.name))


@lru_cache(maxsize=1)
def lab_catalogue() -> Catalogue:
    """The lab's outcome catalogue (``data_schemas/outcome_catalogue.csv``), read once."""
    return _read_csv(schemas_dir() / "outcome_catalogue.csv")
