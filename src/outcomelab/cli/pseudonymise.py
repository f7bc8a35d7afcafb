"""``outcomelab pseudonymise``: replace a column of personal identity numbers by keyed pseudonyms.

Invalid numbers are never written: by default the run fails and lists the rows (exit 1, nothing
written); ``--on-invalid withhold`` writes the valid rows and lists the withheld ones. The output
never contains the original column, and the command refuses to write a file in which another
column still holds personal identity numbers, as whole cells or inside running text. A key file
that other users can read gets a warning.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from outcomelab.cli.main import app, fail
from outcomelab.errors import OutcomelabError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["pseudonymise_command"]


class OnInvalidOption(StrEnum):
    """What to do with rows whose number is not valid."""

    fail = "fail"
    withhold = "withhold"


def _rows_text(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


@app.command("pseudonymise")
def pseudonymise_command(
    file: Path | None = typer.Argument(
        None, help="Table with identity numbers (CSV/xlsx/parquet)."
    ),
    column: str | None = typer.Option(
        None, "--column", "-c", help="Column holding personnummer/samordningsnummer."
    ),
    key_file: Path | None = typer.Option(
        None, "--key-file", "-k", help="The lab's key file (make one with --new-key)."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output file (.csv, .xlsx or .parquet)."
    ),
    out_column: str = typer.Option(
        "person_id", "--out-column", help="Name of the pseudonym column."
    ),
    on_invalid: OnInvalidOption = typer.Option(
        OnInvalidOption.fail,
        "--on-invalid",
        help="fail: write nothing if any number is invalid; withhold: leave those rows out.",
    ),
    invalid_report: Path | None = typer.Option(
        None,
        "--invalid-report",
        help="Write the invalid rows (row number and reason, never the number) to this CSV.",
    ),
    reference_date: str | None = typer.Option(
        None,
        "--reference-date",
        help="Date (YYYY-MM-DD) the centuries of 10-digit numbers are inferred against; "
        "default today. Use the date the list was extracted.",
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output file."),
    new_key: Path | None = typer.Option(
        None, "--new-key", help="Write a new random key file here and stop."
    ),
) -> None:
    """Replace a column of Swedish personal identity numbers by HMAC-SHA256 pseudonyms.

    Exit code 0: written; 1: invalid numbers or unsafe output (nothing written); 2: a file could
    not be read.
    """
    from outcomelab.identity import key_file_warning, pseudonymise_table, read_key
    from outcomelab.schemas.reading import read_table
    from outcomelab.schemas.writing import write_table

    try:
        if new_key is not None:
            _write_new_key(new_key)
            raise typer.Exit(0)
        if file is None or column is None or key_file is None or out is None:
            given = (("FILE", file), ("--column", column), ("--key-file", key_file), ("--out", out))
            missing = ", ".join(name for name, value in given if value is None)
            raise fail(f"missing {missing}; see `outcomelab pseudonymise --help`.", 2)
        if out.resolve() == file.resolve():
            raise fail("--out must be a new file, not the input file.", 2)
        ref = _reference_date(reference_date)
        key = read_key(key_file)
        warning = key_file_warning(key_file)
        if warning is not None:
            typer.secho(f"Warning: {warning}", fg=typer.colors.YELLOW, err=True)
        data = read_table(file)
        if column not in data.columns:
            raise fail(
                f"{file.name} has no column {column!r}; its columns are "
                f"{', '.join(map(str, data.columns))}.",
                1,
            )
        _refuse_other_identity_columns(data, column)
        result = pseudonymise_table(
            data, column, key, out_column=out_column, on_invalid="withhold", reference_date=ref
        )
        if invalid_report is not None and len(result.invalid):
            write_table(result.invalid, invalid_report, overwrite=overwrite)
        _handle_invalid(result.invalid, column, on_invalid)
        written = write_table(result.data, out, overwrite=overwrite)
        n = result.n_pseudonymised
        typer.echo(
            f"Wrote {written} with {n:,} row(s): column {column!r} replaced by {out_column!r} "
            f"(key id {result.key_id})."
        )
    except OutcomelabError as err:
        raise fail(str(err), err.exit_code) from None


def _write_new_key(path: Path) -> None:
    """Write a new random key file and say where (``--new-key``)."""
    from outcomelab.identity import key_id, read_key, write_key

    written = write_key(path)
    key = read_key(written)
    typer.echo(
        f"Wrote a new key to {written} (key id {key_id(key)}). Keep it apart from the data "
        "and never send it with a submission."
    )


def _reference_date(text: str | None) -> dt.date | None:
    """``--reference-date`` as a date (exit 2 when it is not written YYYY-MM-DD)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--reference-date {text!r} is not a date written YYYY-MM-DD.", 2) from None


def _refuse_other_identity_columns(data: pd.DataFrame, column: str) -> None:
    """Exit 1 when a column other than ``column`` holds what look like identity numbers."""
    from outcomelab.identity import looks_like_personnummer, mentions_personnummer
    from outcomelab.row_numbers import source_rows

    rows = source_rows(data)
    others = []
    for other in data.columns:
        if other == column:
            continue
        mask = looks_like_personnummer(data[other]) | mentions_personnummer(data[other])
        if mask.any():
            others.append(f"{other!r} (rows {_rows_text(list(rows[mask]))})")
    if others:
        raise fail(
            f"other columns also hold what look like personal identity numbers: "
            f"{'; '.join(others)}. Nothing was written; remove them or pseudonymise them in a "
            "separate run (--column NAME --out-column NAME_id).",
            1,
        )


def _handle_invalid(invalid: pd.DataFrame, column: str, on_invalid: OnInvalidOption) -> None:
    """Exit 1 on invalid numbers (``--on-invalid fail``), else warn that their rows are withheld."""
    invalid_rows = [int(r) for r in invalid["row"]]
    if not invalid_rows:
        return
    reasons = "; ".join(
        f"{text} ({n})" for text, n in invalid["explanation"].value_counts().items()
    )
    where = f"rows {_rows_text(invalid_rows)}"
    if on_invalid is OnInvalidOption.fail:
        raise fail(
            f"{len(invalid_rows)} value(s) in {column!r} are not valid personal identity "
            f"numbers ({where}): {reasons}. Nothing was written; correct them, or use "
            "--on-invalid withhold to leave those rows out.",
            1,
        )
    typer.secho(
        f"Withheld {len(invalid_rows)} row(s) with invalid numbers ({where}): {reasons}.",
        fg=typer.colors.YELLOW,
        err=True,
    )
