"""Write and check ``results.json``: the machine-readable result of a standard evaluation.

The format is defined by ``data_schemas/results/results.schema.json`` (documented in
``results.md`` next to it).
The file is deterministic: keys sorted, floats rounded to :data:`SIGNIFICANT_DIGITS` significant
digits, ``NaN``/``inf`` written as ``null``, no run-time facts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from outcomelab.errors import ReportError
from outcomelab.evaluation import SCHEMA_VERSION
from outcomelab.numerics import json_safe
from outcomelab.resources import schemas_dir

__all__ = [
    "SCHEMA_VERSION",
    "SIGNIFICANT_DIGITS",
    "canonical",
    "dumps",
    "read_results",
    "results_schema",
    "validate_results",
    "write_results",
]

SIGNIFICANT_DIGITS = 14


def canonical(value: Any) -> Any:
    """Convert ``value`` to plain JSON types with rounded floats (NaN -> None, tuples -> lists).

    :func:`outcomelab.numerics.json_safe` with :data:`SIGNIFICANT_DIGITS` significant digits,
    refusing any value that is not JSON.

    Raises
    ------
    ReportError
        For a value that is not a number, string, boolean, list, dict, array, table or path.
    """
    try:
        return json_safe(value, significant_digits=SIGNIFICANT_DIGITS, strict=True)
    except TypeError as err:
        raise ReportError(f"results.json cannot hold {err}") from None


def dumps(results: Mapping[str, Any]) -> str:
    """The canonical JSON text of ``results`` (sorted keys, rounded floats, trailing newline)."""
    return (
        json.dumps(
            canonical(results), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False
        )
        + "\n"
    )


def results_schema() -> dict[str, Any]:
    """The JSON Schema of ``results.json`` (version :data:`SCHEMA_VERSION`)."""
    path = schemas_dir() / "results" / "results.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def validate_results(results: Mapping[str, Any]) -> None:
    """Check ``results`` against the JSON Schema.

    Raises
    ------
    ReportError
        Listing every violation with its JSON path.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(results_schema())
    errors = sorted(validator.iter_errors(canonical(results)), key=lambda e: list(e.path))
    if errors:
        lines = "; ".join(
            f"at {'/'.join(str(p) for p in e.path) or '(top)'}: {e.message}" for e in errors[:10]
        )
        more = f" and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise ReportError(f"results.json does not fit schema {SCHEMA_VERSION}: {lines}{more}.")


def write_results(results: Mapping[str, Any], path: str | Path, *, validate: bool = True) -> Path:
    """Validate ``results`` and write them as canonical JSON to ``path``.

    Parameters
    ----------
    results
        The results dict (see ``data_schemas/results/results.md``).
    path
        Output file.
    validate
        Check against the JSON Schema first.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if validate:
        validate_results(results)
    out = Path(path)
    out.write_text(dumps(results), encoding="utf-8")
    return out


def read_results(path: str | Path) -> dict[str, Any]:
    """Read a ``results.json`` and check its schema version.

    Raises
    ------
    ReportError
        If the file is not results of schema version :data:`SCHEMA_VERSION`.
    """
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ReportError(
            f"{path} has schema_version {data.get('schema_version')!r}; this outcomelab reads "
            f"{SCHEMA_VERSION!r}. Re-run the evaluation with this version."
        )
    return data
