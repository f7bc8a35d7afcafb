"""What a submission may add to the standard: its own outcomes, covariates and unit of analysis.

* **Own outcomes**: a submission's ``outcome_catalogue`` table (the lab's schema) declares outcome
  codes of its own. They live in the submission's namespace beside the lab's: a row with a lab
  code is accepted only when it repeats the lab's definition word for word (a copied row, which is
  then ignored) and refused otherwise (``catalogue_clash``), so a submission can never redefine a
  lab outcome.
* **Own covariates**: a ``covariate_catalogue`` table declares extra baseline columns of
  ``participants`` (or ``units``) with their type; the declared columns are checked here instead
  of being refused as ``extra_column``.
* **Unit of analysis**: ``interventions.unit_of_analysis`` says whether the rows are persons
  (``participants`` and ``outcomes``) or aggregate units (``units`` and ``unit_outcomes``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from outcomelab.identity.personnummer import looks_like_personnummer
from outcomelab.row_numbers import source_rows
from outcomelab.schemas.conversion import parse_field, type_failures
from outcomelab.schemas.model import Field, load_schema
from outcomelab.schemas.report import make_failures

__all__ = [
    "AGGREGATE_TABLES",
    "EXTENSION_CHECKS",
    "PERSON_TABLES",
    "catalogue_clash_failures",
    "coerce_covariates",
    "covariate_failures",
    "declared_covariates",
    "lab_catalogue_text",
    "lab_rows",
    "member_table",
    "outcome_table",
    "unit_of_analysis",
    "unit_tables_failures",
]

#: the tables of a person-level submission and of an aggregate-unit submission
PERSON_TABLES = ("participants", "outcomes")
AGGREGATE_TABLES = ("units", "unit_outcomes")

#: checks of this module, with what they mean (shown in the docs and the CLI legend)
EXTENSION_CHECKS = {
    "catalogue_clash": "An outcome of the submission's own catalogue has a lab outcome's code "
    "but another definition; own outcomes need codes of their own.",
    "covariate_name": "A declared covariate has the name of a standard column.",
    "covariate_missing": "A covariate declared in covariate_catalogue is not a column of the "
    "participants (or units) table.",
    "unit_tables": "The tables do not fit the intervention's unit of analysis (persons go in "
    "participants and outcomes, other units in units and unit_outcomes).",
}

_PERSON = "person"


def lab_catalogue_text() -> pd.DataFrame:
    """The lab's outcome catalogue (from :mod:`outcomelab.vocabulary`) as a table of text."""
    from outcomelab.vocabulary import lab_catalogue

    return lab_catalogue().to_frame().fillna("").astype(str)


def _with_table(failures: pd.DataFrame, table: str) -> pd.DataFrame:
    out = failures.copy()
    out.insert(0, "table", table)
    return out


def lab_rows(own: pd.DataFrame, lab: pd.DataFrame) -> np.ndarray:
    """Rows of a submission's catalogue that repeat a lab outcome word for word (copied)."""
    if "code" not in own.columns:
        return np.zeros(len(own), dtype=bool)
    from outcomelab.vocabulary.catalogue import COLUMNS

    required = [c for c in COLUMNS if not c.startswith("phrase_")]
    if not set(required) <= set(own.columns):
        return np.zeros(len(own), dtype=bool)
    columns = [c for c in COLUMNS if c in own.columns and c in lab.columns]
    mine = own[columns].fillna("").astype(str).apply(lambda c: c.str.strip())
    theirs = lab[columns].fillna("").astype(str).apply(lambda c: c.str.strip())
    keys = pd.MultiIndex.from_frame(theirs)
    return np.asarray(pd.MultiIndex.from_frame(mine).isin(keys), dtype=bool)


def catalogue_clash_failures(own: pd.DataFrame, lab: pd.DataFrame) -> pd.DataFrame:
    """Rows of a submission's own catalogue that give a lab code another definition."""
    if "code" not in own.columns:
        return pd.DataFrame()
    codes = own["code"].astype(str).str.strip()
    clash = codes.isin(set(lab["code"])).to_numpy(dtype=bool) & ~lab_rows(own, lab)
    pos = np.flatnonzero(clash)
    if not len(pos):
        return pd.DataFrame()
    values = codes.iloc[pos].to_numpy(dtype=object)
    messages = (
        "'"
        + pd.Series(values, dtype=object)
        + "' is an outcome of the lab's catalogue with another definition; leave the lab's "
        "outcome out of your own catalogue (it is always available) or give your own outcome "
        "another code."
    ).to_numpy(dtype=object)
    return _with_table(
        make_failures(source_rows(own)[pos], "code", values, "catalogue_clash", messages),
        "outcome_catalogue",
    )


def declared_covariates(catalogue: pd.DataFrame | None) -> dict[str, dict[str, object]]:
    """Declared covariates by name: ``type``, ``levels`` (tuple or None), labels, description.

    Rows without a usable name or type are left out (validation reports them).
    """
    if catalogue is None or catalogue.empty or "name" not in catalogue.columns:
        return {}
    out: dict[str, dict[str, object]] = {}
    for row in catalogue.to_dict(orient="records"):
        name = str(row.get("name") or "").strip()
        kind = str(row.get("type") or "").strip()
        if not name or kind not in ("numeric", "categorical"):
            continue
        levels_text = str(row.get("levels") or "").strip()
        levels = tuple(x.strip() for x in levels_text.split(";") if x.strip()) or None
        label_en = str(row.get("label_en") or "").strip() or name
        out[name] = {
            "type": kind,
            "levels": levels,
            "description": str(row.get("description") or ""),
            "label_en": label_en,
            "label_sv": str(row.get("label_sv") or "").strip() or label_en,
        }
    return out


def covariate_failures(
    table: str,
    data: pd.DataFrame,
    catalogue: pd.DataFrame,
    declared: Mapping[str, Mapping[str, object]],
) -> list[pd.DataFrame]:
    """Check the declared covariate columns of ``participants``/``units`` and the declarations.

    Numeric columns must read as numbers (decimal comma accepted; empty = unknown); categorical
    values must be among ``levels`` when levels are given; no column may hold a personal identity
    number in clear.
    """
    found: list[pd.DataFrame] = []
    standard = set(load_schema(table).field_names)
    names = catalogue["name"].astype(str).str.strip() if "name" in catalogue else pd.Series([])
    rows = source_rows(catalogue)
    for pos, name in enumerate(names):
        if name in standard:
            found.append(
                _with_table(
                    make_failures(
                        [rows[pos]],
                        "name",
                        name,
                        "covariate_name",
                        f"{name!r} is a standard column of {table}; declare only extra columns "
                        "(standard columns need no declaration).",
                    ),
                    "covariate_catalogue",
                )
            )
        elif name in declared and name not in data.columns:
            found.append(
                _with_table(
                    make_failures(
                        [rows[pos]],
                        "name",
                        name,
                        "covariate_missing",
                        f"Covariate {name!r} is declared but {table} has no such column; add "
                        "the column or remove the declaration.",
                    ),
                    "covariate_catalogue",
                )
            )
    data_rows = source_rows(data)
    for name, spec in declared.items():
        if name in standard or name not in data.columns:
            continue
        column = data[name]
        if spec["type"] == "numeric":
            field = Field(name=name, type="number")
            parsed = parse_field(column, field, ("", "NA", "unknown"))
            if parsed.bad.any():
                found.append(_with_table(type_failures(data, field, parsed.bad), table))
            continue
        text = column.where(column.notna(), "").astype(str).str.strip()
        clear = np.asarray(looks_like_personnummer(text), dtype=bool)
        if clear.any():
            found.append(
                _with_table(
                    make_failures(
                        data_rows[np.flatnonzero(clear)],
                        name,
                        "<withheld: looks like a personal identity number>",
                        "clear_identity",
                        f"{name} holds what looks like a personal identity number in clear; "
                        "remove it.",
                    ),
                    table,
                )
            )
        levels = tuple(str(x) for x in spec["levels"] or ())  # type: ignore[attr-defined]
        if levels:
            allowed = {*levels, "", "NA", "unknown"}
            bad = ~text.isin(allowed).to_numpy(dtype=bool) & ~clear
            where = np.flatnonzero(bad)
            if len(where):
                cells = text.iloc[where].to_numpy(dtype=object)
                messages = (
                    "'"
                    + pd.Series(cells, dtype=object)
                    + f"' is not a declared level of {name}; use one of {', '.join(levels)} "
                    "(or leave it empty when unknown)."
                ).to_numpy(dtype=object)
                found.append(
                    _with_table(
                        make_failures(data_rows[where], name, cells, "enum", messages), table
                    )
                )
    return found


def coerce_covariates(
    data: pd.DataFrame, declared: Mapping[str, Mapping[str, object]]
) -> pd.DataFrame:
    """Convert the declared covariate columns of ``data``: numeric -> float, categorical -> text.

    A numeric cell that is empty, ``NA`` or ``unknown`` becomes missing (decimal comma accepted);
    a categorical cell that is empty or ``NA`` becomes ``"unknown"``. Other columns are kept.
    """
    out = data.copy()
    for name, spec in declared.items():
        if name not in out.columns:
            continue
        if spec["type"] == "numeric":
            field = Field(name=name, type="number")
            parsed = parse_field(out[name], field, ("", "NA", "unknown"))
            values = parsed.values.to_numpy(dtype=float, na_value=np.nan)
            out[name] = np.where(parsed.bad, np.nan, values)
        else:
            text = out[name].where(out[name].notna(), "").astype(str).str.strip()
            out[name] = text.where(~text.isin(["", "NA"]), "unknown")
    out.attrs = dict(data.attrs)
    return out


def unit_of_analysis(interventions: pd.DataFrame | None) -> str:
    """The unit of analysis the interventions table declares (``"person"`` when none)."""
    if interventions is None or "unit_of_analysis" not in interventions.columns:
        return _PERSON
    values = {
        str(v).strip() for v in interventions["unit_of_analysis"].dropna() if str(v).strip()
    } - {"NA"}
    if not values:
        return _PERSON
    return sorted(values)[0] if len(values) == 1 else ",".join(sorted(values))


def _aggregate(tables: Mapping[str, pd.DataFrame]) -> bool:
    if any(t in tables for t in AGGREGATE_TABLES):
        return True
    unit = unit_of_analysis(tables.get("interventions"))
    return unit != _PERSON and not any(t in tables for t in PERSON_TABLES)


def member_table(tables: Mapping[str, pd.DataFrame]) -> str:
    """``"units"`` for a submission of aggregate units, else ``"participants"``."""
    return "units" if _aggregate(tables) else "participants"


def outcome_table(tables: Mapping[str, pd.DataFrame]) -> str:
    """``"unit_outcomes"`` for a submission of aggregate units, else ``"outcomes"``."""
    return "unit_outcomes" if _aggregate(tables) else "outcomes"


def unit_tables_failures(frames: Mapping[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """Failures when the tables do not fit the declared unit of analysis."""
    unit = unit_of_analysis(frames.get("interventions"))
    has_person = any(t in frames for t in PERSON_TABLES)
    has_aggregate = any(t in frames for t in AGGREGATE_TABLES)
    message = None
    if "," in unit:
        message = (
            f"The interventions declare different units of analysis ({unit}); submit "
            "interventions with different units separately."
        )
    elif has_person and has_aggregate:
        message = (
            "The submission holds both person tables (participants, outcomes) and unit tables "
            "(units, unit_outcomes); a submission is about one unit of analysis."
        )
    elif unit == _PERSON and has_aggregate:
        message = (
            "The submission holds units/unit_outcomes but the intervention's unit_of_analysis is "
            "empty (person); set unit_of_analysis (e.g. municipality) in interventions."
        )
    elif unit != _PERSON and has_person:
        message = (
            f"The intervention's unit of analysis is {unit!r}, so its rows go in units.csv and "
            "unit_outcomes.csv, not in participants/outcomes (which hold persons)."
        )
    if message is None:
        return []
    return [
        _with_table(
            make_failures(None, "unit_of_analysis", unit, "unit_tables", message), "interventions"
        )
    ]
