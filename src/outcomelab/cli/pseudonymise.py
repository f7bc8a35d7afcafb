"""``outcomelab pseudonymise``: replace a column of personal identity numbers by keyed pseudonyms.

Invalid numbers are never written: by default the run fails and lists the rows (exit 1, nothing
written); ``--on-invalid withhold`` writes the valid rows and lists the withheld ones. The output
never contains the original column, and the command refuses to write a file in which another
column still holds personal identity numbers, as whole cells or inside running text. A key file
that other users can read gets a warning.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from outcomelab.cli.main import app
from outcomelab.errors import OutcomelabError

__all__ = ["pseudonymise_command"]


class OnInvalidOption(StrEnum):
    """What to do with rows whose number is not valid."""

    fail = "fail"
    withhold = "withhold"


def _fail(message: str, code: int) -> typer.Exit:
    one_line = " ".join(message.split())  # a library's message may span lines; ours never do
    typer.secho(f"Error: {one_line}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


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
    import datetime as dt

    from outcomelab.identity import (
        key_file_warning,
        looks_like_personnummer,
        mentions_personnummer,
        pseudonymise_table,
        read_key,
        write_key,
    )
    from outcomelab.row_numbers import source_rows
    from outcomelab.schemas.reading import read_table
    from outcomelab.schemas.writing import write_table

    try:
        if new_key is not None:
            from outcomelab.identity import key_id

            path = write_key(new_key)
            key = read_key(path)
            typer.echo(
                f"Wrote a new key to {path} (key id {key_id(key)}). Keep it apart from the data "
                "and never send it with a submission."
            )
            raise typer.Exit(0)
        if file is None or column is None or key_file is None or out is None:
            given = (("FILE", file), ("--column", column), ("--key-file", key_file), ("--out", out))
            missing = ", ".join(name for name, value in given if value is None)
            raise _fail(f"missing {missing}; see `outcomelab pseudonymise --help`.", 2)
        if out.resolve() == file.resolve():
            raise _fail("--out must be a new file, not the input file.", 2)
        ref: dt.date | None = None
        if reference_date is not None:
            try:
                ref = dt.date.fromisoformat(reference_date)
            except ValueError:
                raise _fail(
                    f"--reference-date {reference_date!r} is not a date written YYYY-MM-DD.", 2
                ) from None
        key = read_key(key_file)
        warning = key_file_warning(key_file)
        if warning is not None:
            typer.secho(f"Warning: {warning}", fg=typer.colors.YELLOW, err=True)
        data = read_table(file)
        if column not in data.columns:
            raise _fail(
                f"{file.name} has no column {column!r}; its columns are "
                f"{', '.join(map(str, data.columns))}.",
                1,
            )
        rows = source_rows(data)
        others = []
        for other in data.columns:
            if other == column:
                continue
            mask = looks_like_personnummer(data[other]) | mentions_personnummer(data[other])
            if mask.any():
                others.append(f"{other!r} (rows {_rows_text(list(rows[mask]))})")
        if others:
            raise _fail(
                f"other columns also hold what look like personal identity numbers: "
                f"{'; '.join(others)}. Nothing was written; remove them or pseudonymise them in a "
                "separate run (--column NAME --out-column NAME_id).",
                1,
            )
        result = pseudonymise_table(
            data, column, key, out_column=out_column, on_invalid="withhold", reference_date=ref
        )
        invalid_rows = [int(r) for r in result.invalid["row"]]
        if invalid_report is not None and invalid_rows:
            write_table(result.invalid, invalid_report, overwrite=overwrite)
        if invalid_rows:
            reasons = "; ".join(
                f"{text} ({n})" for text, n in result.invalid["explanation"].value_counts().items()
            )
            where = f"rows {_rows_text(invalid_rows)}"
            if on_invalid is OnInvalidOption.fail:
                raise _fail(
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
        written = write_table(result.data, out, overwrite=overwrite)
        n = result.n_pseudonymised
        typer.echo(
            f"Wrote {written} with {n:,} row(s): column {column!r} replaced by {out_column!r} "
            f"(key id {result.key_id})."
        )
    except OutcomelabError as err:
        raise _fail(str(err), err.exit_code) from None
