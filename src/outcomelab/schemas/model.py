"""The standard Table Schemas as Python objects: :class:`TableSchema`, :class:`Field`.

The JSON files in ``data_schemas/`` (Frictionless Table Schema) are the single source of truth;
these classes are a typed, read-only view of them that the reader, the validator and the docs
generator share.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from outcomelab.errors import InputError, ReadError
from outcomelab.resources import schemas_dir

__all__ = [
    "DEFAULT_FALSE_VALUES",
    "DEFAULT_TRUE_VALUES",
    "FIELD_TYPES",
    "Field",
    "ForeignKey",
    "TableSchema",
    "list_schemas",
    "load_datapackage",
    "load_schema",
]

#: Table Schema field types outcomelab's validator supports
FIELD_TYPES = ("string", "integer", "number", "boolean", "date")

#: Table Schema's default spellings of a boolean (used when a field gives none of its own)
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")


@dataclass(frozen=True)
class Field:
    """One column of a standard table, as its Table Schema describes it.

    Attributes
    ----------
    name, type, title, description
        The field's descriptor properties.
    required, unique
        Constraints: a value must be present / values must not repeat.
    enum
        Allowed values (``None`` = any).
    minimum, maximum
        Inclusive numeric bounds (``None`` = unbounded).
    pattern
        A regular expression the whole value must match (``None`` = any).
    min_length, max_length
        Bounds on the length of a string value.
    true_values, false_values
        How a boolean is spelled.
    translations
        ``(lang, title, description)`` in other languages than the English of ``title`` and
        ``description`` (the descriptor's ``translations`` property, e.g. Swedish).
    """

    name: str
    type: str
    title: str = ""
    description: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    true_values: tuple[str, ...] = DEFAULT_TRUE_VALUES
    false_values: tuple[str, ...] = DEFAULT_FALSE_VALUES
    translations: tuple[tuple[str, str, str], ...] = ()

    def help_text(self, lang: str) -> tuple[str, str]:
        """``(title, description)`` in ``lang``, the English ones where no translation exists."""
        return _translated(self.translations, lang, self.title, self.description)

    @classmethod
    def from_descriptor(cls, descriptor: Mapping[str, Any], table: str = "") -> Field:
        """Build a field from its Table Schema descriptor (a JSON object)."""
        name = descriptor.get("name")
        if not isinstance(name, str) or not name:
            raise InputError(f"A field of schema {table!r} has no name; every field needs one.")
        ftype = descriptor.get("type", "string")
        if ftype not in FIELD_TYPES:
            raise InputError(
                f"Field {name!r} of schema {table!r} has type {ftype!r}; outcomelab supports "
                f"{', '.join(FIELD_TYPES)}."
            )
        c = descriptor.get("constraints", {})
        enum = c.get("enum")
        return cls(
            name=name,
            type=ftype,
            title=descriptor.get("title", ""),
            description=descriptor.get("description", ""),
            required=bool(c.get("required", False)),
            unique=bool(c.get("unique", False)),
            enum=tuple(str(v) for v in enum) if enum is not None else None,
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            pattern=c.get("pattern"),
            min_length=c.get("minLength"),
            max_length=c.get("maxLength"),
            true_values=tuple(descriptor.get("trueValues", DEFAULT_TRUE_VALUES)),
            false_values=tuple(descriptor.get("falseValues", DEFAULT_FALSE_VALUES)),
            translations=_read_translations(descriptor, f"field {name!r} of schema {table!r}"),
        )


@dataclass(frozen=True)
class ForeignKey:
    """A reference from ``fields`` of this table to ``reference_fields`` of ``reference_table``."""

    fields: tuple[str, ...]
    reference_table: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """A standard table's schema: its fields, keys and missing-value spellings.

    Build one with :func:`load_schema`. ``descriptor`` keeps the original JSON (read-only).
    """

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    missing_values: tuple[str, ...] = ("",)
    descriptor: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    translations: tuple[tuple[str, str, str], ...] = ()

    def help_text(self, lang: str) -> tuple[str, str]:
        """``(title, description)`` of the table in ``lang`` (English where not translated)."""
        return _translated(self.translations, lang, self.title, self.description)

    @property
    def field_names(self) -> list[str]:
        """The names of the fields, in schema order."""
        return [f.name for f in self.fields]

    def get_field(self, name: str) -> Field:
        """Return the field called ``name``.

        Raises
        ------
        InputError
            If the schema has no such field.
        """
        for f in self.fields:
            if f.name == name:
                return f
        raise InputError(
            f"Schema {self.name!r} has no field {name!r}; its fields are "
            f"{', '.join(self.field_names)}."
        )

    @classmethod
    def from_descriptor(cls, descriptor: Mapping[str, Any], name: str | None = None) -> TableSchema:
        """Build a schema from a Table Schema descriptor (the parsed JSON)."""
        table = str(descriptor.get("name") or name or "table")
        fields = tuple(Field.from_descriptor(f, table) for f in descriptor.get("fields", []))
        if not fields:
            raise InputError(f"Schema {table!r} has no fields.")
        pk = descriptor.get("primaryKey", [])
        pk_tuple = (pk,) if isinstance(pk, str) else tuple(pk)
        fks = []
        for fk in descriptor.get("foreignKeys", []):
            own = fk["fields"]
            ref = fk["reference"]
            ref_fields = ref["fields"]
            fks.append(
                ForeignKey(
                    fields=(own,) if isinstance(own, str) else tuple(own),
                    reference_table=ref.get("resource") or table,
                    reference_fields=(ref_fields,)
                    if isinstance(ref_fields, str)
                    else tuple(ref_fields),
                )
            )
        return cls(
            name=table,
            title=descriptor.get("title", table),
            description=descriptor.get("description", ""),
            fields=fields,
            primary_key=pk_tuple,
            foreign_keys=tuple(fks),
            missing_values=tuple(descriptor.get("missingValues", [""])),
            descriptor=MappingProxyType(dict(descriptor)),
            translations=_read_translations(descriptor, f"schema {table!r}"),
        )


def _read_translations(
    descriptor: Mapping[str, Any], where: str
) -> tuple[tuple[str, str, str], ...]:
    """The ``translations`` property: ``{"sv": {"title": ..., "description": ...}}``.

    A custom property (Table Schema allows them); the English title and description stay the
    standard ones, so any Table Schema tool still reads the file.
    """
    given = descriptor.get("translations", {})
    if not isinstance(given, Mapping):
        raise InputError(f"The translations of {where} must be an object keyed by language.")
    found = []
    for lang, texts in given.items():
        if not isinstance(texts, Mapping) or not all(
            isinstance(texts.get(k, ""), str) for k in ("title", "description")
        ):
            raise InputError(
                f"The {lang!r} translation of {where} must be an object with text values "
                "'title' and 'description'."
            )
        found.append((str(lang), str(texts.get("title", "")), str(texts.get("description", ""))))
    return tuple(found)


def _translated(
    translations: tuple[tuple[str, str, str], ...], lang: str, title: str, description: str
) -> tuple[str, str]:
    for code, own_title, own_description in translations:
        if code == lang:
            return own_title or title, own_description or description
    return title, description


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError as err:
        raise ReadError(f"Schema file {path} does not exist.") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ReadError(f"Schema file {path} is not valid JSON: {err}.") from err
    if not isinstance(data, dict):
        raise ReadError(f"Schema file {path} does not hold a JSON object.")
    return data


def load_datapackage() -> dict[str, Any]:
    """Return the standard data package descriptor (``data_schemas/datapackage.json``).

    Returns
    -------
    dict
        The parsed descriptor; ``resources`` lists every standard table.
    """
    return _read_json(schemas_dir() / "datapackage.json")


def list_schemas() -> list[str]:
    """Return the names of the standard tables, in the data package's order.

    Returns
    -------
    list of str
        ``["interventions", "participants", "outcomes", "costs", "outcome_catalogue",
        "unit_values"]``.
    """
    return [r["name"] for r in load_datapackage()["resources"]]


def load_schema(name: str | Path | Mapping[str, Any] | TableSchema) -> TableSchema:
    """Load a standard table schema by name, or any Table Schema from a JSON file or a dict.

    Parameters
    ----------
    name
        A standard table name (see :func:`list_schemas`), a path to a ``*.schema.json`` file,
        a Table Schema descriptor as a dict, or an existing :class:`TableSchema` (returned as is).

    Returns
    -------
    TableSchema
        The schema.

    Raises
    ------
    InputError
        If ``name`` is not a standard table and not an existing file.
    ReadError
        If the schema file cannot be read as JSON.

    Examples
    --------
    >>> schema = load_schema("participants")
    >>> schema.primary_key
    ('person_id', 'intervention_id')
    """
    if isinstance(name, TableSchema):
        return name
    if isinstance(name, Mapping):
        return TableSchema.from_descriptor(name)
    text = str(name)
    if isinstance(name, Path) or text.endswith(".json"):
        path = Path(name)
        return TableSchema.from_descriptor(_read_json(path), name=path.name.split(".")[0])
    for resource in load_datapackage()["resources"]:
        if resource["name"] == text:
            schema = resource["schema"]
            if isinstance(schema, str):
                return TableSchema.from_descriptor(_read_json(schemas_dir() / schema), name=text)
            return TableSchema.from_descriptor(schema, name=text)
    raise InputError(
        f"There is no standard schema called {text!r}; choose one of {', '.join(list_schemas())} "
        "or give the path of a Table Schema JSON file."
    )
