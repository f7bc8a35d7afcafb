"""Collect evaluation folders into the catalogue the site is built from.

Each evaluation folder (the output of ``outcomelab evaluate``) holds a ``results.json`` and the
figures it names. Every results file is validated against the results schema and passed through
disclosure control; an evaluation that may not be published is listed with its reason and left
out of the site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from outcomelab.disclosure import DisclosurePolicy, publishable_results
from outcomelab.errors import DisclosureError, ReadError
from outcomelab.resources import schemas_dir

__all__ = ["Catalogue", "CatalogueEntry", "collect"]


@dataclass(frozen=True)
class CatalogueEntry:
    """One publishable evaluation: its folder and its disclosure-controlled results."""

    folder: Path
    results: dict[str, Any]

    @property
    def id(self) -> str:
        """The evaluation id (safe as a file name)."""
        return _safe_name(str(self.results["evaluation_id"]))

    @property
    def primary(self) -> dict[str, Any]:
        """The primary outcome's entry."""
        outcomes = self.results["outcomes"]
        return next((o for o in outcomes if o.get("primary")), outcomes[0])

    def summary_row(self) -> dict[str, Any]:
        """Flat headline row for the index and the CSV of all headline results."""
        intervention = self.results["intervention"]
        organisation = intervention.get("organisation") or {}
        primary = self.primary
        return {
            "evaluation_id": self.id,
            "intervention_id": intervention.get("id"),
            "intervention_name": intervention.get("name"),
            "organisation_name": organisation.get("name"),
            "organisation_type": organisation.get("type"),
            "organisation_code": organisation.get("code"),
            "target_group": intervention.get("target_group"),
            "funding_form": intervention.get("funding_form"),
            "design": self.results["design"].get("chosen"),
            "estimator": self.results["design"].get("estimator"),
            "sms_level": self.results["evidence"].get("sms_level"),
            "wwc_verdict": self.results["evidence"].get("wwc_verdict"),
            "primary_outcome": primary.get("code"),
            "kind": primary.get("kind"),
            "estimate": primary.get("estimate"),
            "conf_low": primary.get("conf_low"),
            "conf_high": primary.get("conf_high"),
            "p_value": primary.get("p_value_holm", primary.get("p_value")),
            "n_treated": primary.get("n_treated"),
            "n_control": primary.get("n_control"),
            "result": primary.get("verdict"),
            "outcomes": ";".join(str(o["code"]) for o in self.results["outcomes"]),
            "language": self.results.get("language"),
        }


@dataclass(frozen=True)
class Catalogue:
    """Publishable evaluations and the ones withheld, with the reason for each."""

    entries: tuple[CatalogueEntry, ...]
    withheld: tuple[tuple[str, str], ...]
    policy: DisclosurePolicy


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def _load_schema() -> dict[str, Any]:
    path = schemas_dir() / "results" / "results.schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def collect(evaluations: str | Path, policy: DisclosurePolicy | None = None) -> Catalogue:
    """Read every ``results.json`` below ``evaluations`` and apply disclosure control.

    Parameters
    ----------
    evaluations
        A folder of evaluation output folders (searched recursively for ``results.json``).
    policy
        Disclosure policy; the default when ``None``.

    Returns
    -------
    Catalogue
        Entries sorted by evaluation id; withheld evaluations with their reasons.

    Raises
    ------
    ReadError
        The folder does not exist, holds no ``results.json``, or one is not valid JSON or does
        not follow the results schema (the message names the file and the field).
    """
    root = Path(evaluations)
    if not root.is_dir():
        raise ReadError(f"Evaluation folder {root} does not exist.")
    files = sorted(root.rglob("results.json"))
    if not files:
        raise ReadError(
            f"No results.json found below {root}; run `outcomelab evaluate` or "
            "`outcomelab batch` first."
        )
    policy = policy or DisclosurePolicy()
    validator = jsonschema.Draft202012Validator(_load_schema())
    entries: list[CatalogueEntry] = []
    withheld: list[tuple[str, str]] = []
    seen: dict[str, Path] = {}
    for file in files:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ReadError(f"{file} is not valid JSON (line {err.lineno}): {err.msg}.") from err
        error = jsonschema.exceptions.best_match(validator.iter_errors(raw))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            raise ReadError(
                f"{file} does not follow the results schema at {where}: {error.message}"
            )
        try:
            published = publishable_results(raw, policy)
        except DisclosureError as err:
            withheld.append((str(raw.get("evaluation_id")), str(err)))
            continue
        entry = CatalogueEntry(folder=file.parent, results=published.results)
        if entry.id in seen:
            raise ReadError(
                f"Evaluation id {entry.id} appears twice ({seen[entry.id]} and {file.parent}); "
                "publish each evaluation once."
            )
        seen[entry.id] = file.parent
        entries.append(entry)
    entries.sort(key=lambda e: e.id)
    return Catalogue(entries=tuple(entries), withheld=tuple(withheld), policy=policy)
