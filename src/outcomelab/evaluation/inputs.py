"""Load what an evaluation needs: the submission's small tables, the panel and the version hash.

A submission is either a folder of tables read by :func:`outcomelab.schemas.read_submission` (the
reader validation uses: any separator, encoding and format ``validate`` accepts) or a version in an
outcomelab store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from outcomelab.errors import InputError, ParameterError, ReadError
from outcomelab.vocabulary import Catalogue, lab_catalogue, load_catalogue

__all__ = ["EvaluationInputs", "folder_hash", "load_inputs"]


def folder_hash(folder: str | Path) -> str:
    """SHA-256 over the names and bytes of the submission's table files (in table order)."""
    from outcomelab.schemas import locate_tables

    digest = hashlib.sha256()
    for path in locate_tables(folder).values():
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class EvaluationInputs:
    """The tables of one submission for one intervention, the analysis panel and the outcome
    catalogue (the lab's, merged with the submission's own outcomes when it declares any).

    ``panel`` is the panel as built (:func:`~outcomelab.design.build_panel`, every column);
    ``None`` in a :class:`~outcomelab.evaluation.setup.Setup`, which keeps the estimators'
    numeric panel (``Setup.panel``) and one row per unit (``Setup.units``) instead.
    """

    intervention_id: str
    intervention: dict[str, Any]
    participants: pd.DataFrame = field(repr=False)
    costs: pd.DataFrame | None = field(repr=False)
    panel: pd.DataFrame | None = field(repr=False)
    submission_id: str | None
    version_hash: str
    catalogue: Catalogue = field(default_factory=lab_catalogue, repr=False)


def _pick_intervention(interventions: pd.DataFrame | None, requested: str) -> str:
    ids = (
        [] if interventions is None else sorted(interventions["intervention_id"].dropna().unique())
    )
    if requested:
        if ids and requested not in ids:
            raise ParameterError(
                f"Intervention {requested!r} is not in the submission; it holds "
                f"{', '.join(repr(i) for i in ids)}."
            )
        return requested
    if len(ids) == 1:
        return str(ids[0])
    raise ParameterError(
        "The submission holds "
        + (f"several interventions ({', '.join(ids)})" if ids else "no interventions table")
        + "; name one with the `intervention_id` parameter (--intervention)."
    )


def _metadata(interventions: pd.DataFrame | None, intervention_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if interventions is not None:
        match = interventions[interventions["intervention_id"] == intervention_id]
        if not match.empty:
            from outcomelab.schemas.cells import cell_to_text

            row = {k: (None if pd.isna(v) else cell_to_text(v)) for k, v in match.iloc[0].items()}
    return row


def load_inputs(
    *,
    data_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
    submission: str | None = None,
    intervention_id: str = "",
) -> EvaluationInputs:
    """Read a submission (a folder or a store version) and build its analysis panel.

    Parameters
    ----------
    data_dir
        Folder with the submission's tables.
    store_dir, submission
        An outcomelab store and the submission id in it (used when ``data_dir`` is not given).
    intervention_id
        The intervention to evaluate; may be empty when the submission holds only one.

    Returns
    -------
    EvaluationInputs

    Raises
    ------
    ParameterError
        If neither a folder nor a submission is given, or the intervention is ambiguous/unknown.
    ReadError
        If the folder lacks the participants or outcomes table.
    """
    from outcomelab.design import build_panel

    if data_dir:
        from outcomelab.schemas import read_submission, typed_tables

        folder = Path(data_dir)
        tables = typed_tables(read_submission(folder))
        members, outcome_table = (
            ("units", "unit_outcomes") if "units" in tables else ("participants", "outcomes")
        )
        missing = [n for n in (members, outcome_table) if n not in tables]
        if missing:
            raise ReadError(
                f"The folder {folder} has no {' or '.join(missing)} table; expected files such as "
                f"{missing[0]}.csv or {missing[0]}.parquet."
            )
        interventions = tables.get("interventions")
        participants = tables[members]
        costs = tables.get("costs")
        own_catalogue = tables.get("outcome_catalogue")
        source: Any = tables
        submission_id = None
        version_hash = folder_hash(folder)
    elif submission:
        from outcomelab.store import Store

        stored = Store(store_dir or None).get(submission)
        names = set(stored.table_names())
        interventions = stored.table("interventions") if "interventions" in names else None
        members = "units" if "units" in names else "participants"
        participants = stored.table(members)
        costs = stored.table("costs") if "costs" in names else None
        own_catalogue = stored.table("outcome_catalogue") if "outcome_catalogue" in names else None
        source = stored
        submission_id = str(stored.info.submission_id)
        version_hash = _stored_hash(stored)
    else:
        raise ParameterError(
            "Say which data to evaluate: the `submission` parameter (--submission ID, with "
            "--store DIR) or the `data_dir` parameter (--data DIR)."
        )
    chosen = _pick_intervention(interventions, intervention_id)
    if "intervention_id" in participants.columns:
        participants = participants[participants["intervention_id"] == chosen]
    if participants.empty:
        raise InputError(f"The participants table has no rows for intervention {chosen!r}.")
    if costs is not None and "intervention_id" in costs.columns:
        costs = costs[costs["intervention_id"].astype(str) == chosen]
    panel = build_panel(source, intervention_id=chosen)
    if not isinstance(panel, pd.DataFrame):  # pragma: no cover - output="pandas" is the default
        panel = panel.to_pandas()
    return EvaluationInputs(
        intervention_id=chosen,
        intervention=_metadata(interventions, chosen),
        participants=participants.reset_index(drop=True),
        costs=None if costs is None else costs.reset_index(drop=True),
        panel=panel,
        submission_id=submission_id,
        version_hash=version_hash,
        catalogue=load_catalogue(extra=own_catalogue),
    )


def _stored_hash(stored: Any) -> str:
    info = getattr(stored, "info", None)
    # a store's submission id is the SHA-256 of the normalised content
    for name in ("submission_id", "content_hash", "version_hash"):
        value = getattr(info, name, None) or getattr(stored, name, None)
        if isinstance(value, str) and value:
            return value
    digest = hashlib.sha256()
    for name in sorted(stored.table_names()):
        frame = stored.table(name)
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
