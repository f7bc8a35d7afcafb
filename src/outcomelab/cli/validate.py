"""``outcomelab validate``: check a submitted file or folder against the standard schemas.

Exit codes: 0 valid, 1 invalid (the failures are listed), 2 the file could not be read or the
command was used wrongly. Every problem is one readable line, never a traceback.
"""

from __future__ import annotations

import json
import sys
import textwrap
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from outcomelab.cli.main import app, fail
from outcomelab.errors import OutcomelabError

if TYPE_CHECKING:
    from outcomelab.schemas import ValidationReport

__all__ = ["render_report", "validate_command"]


class OutputFormat(StrEnum):
    """How the report is printed."""

    text = "text"
    json = "json"


class ExtraColumnsOption(StrEnum):
    """What to do with columns the standard does not define."""

    fail = "fail"
    ignore = "ignore"


def render_report(report: ValidationReport, max_groups: int = 50) -> None:
    """Print a validation report: the verdict, then identical failures grouped, within 80 columns.

    Parameters
    ----------
    report
        The report of :func:`~outcomelab.schemas.validate` or
        :func:`~outcomelab.schemas.validate_package`.
    max_groups
        How many groups of failures to list (the largest first).
    """
    from rich.console import Console

    from outcomelab.cli.failures import failure_lines, group_failures

    console = Console(soft_wrap=True, highlight=False)
    width = max(40, min(console.width, 100))
    if report.ok:
        sizes = ", ".join(f"{k} {v:,}" for k, v in report.rows_per_table.items())
        console.print(
            f"[bold green]Valid[/]: {report.table} ({sizes or f'{report.n_rows:,} rows'}) fits "
            "the standard.",
            width=width,
        )
        return
    groups = group_failures(report.failures, table=report.table)
    shown = groups[:max_groups]
    verdict = textwrap.wrap(
        f"Invalid: {report.n_failures:,} failure(s) in {report.table}, in {len(groups):,} "
        "group(s) of identical failures. Rows are numbered as in the file (header = row 1).",
        width,
    )
    console.print("[bold red]Invalid[/]" + verdict[0].removeprefix("Invalid"), width=width)
    for line in [*verdict[1:], ""]:
        console.print(line, markup=False, width=width)
    for line in failure_lines(shown, width=width):
        console.print(line, markup=False, width=width)
    if len(groups) > len(shown):
        console.print(f"… and {len(groups) - len(shown):,} more groups.", width=width)
    console.print("Use --format json for every failure.", width=width)


@app.command("validate")
def validate_command(
    file: Path | None = typer.Argument(None, help="The table file (CSV, .xlsx or .parquet)."),
    schema: str | None = typer.Option(
        None,
        "--schema",
        "-s",
        help="Standard table the file holds (interventions, participants, outcomes, costs, "
        "outcome_catalogue, unit_values); default: the file's name.",
    ),
    package: Path | None = typer.Option(
        None,
        "--package",
        "-p",
        help="A folder with interventions.csv, participants.csv, outcomes.csv, ... (also "
        ".xlsx/.parquet), or one .xlsx workbook with a sheet per table, to check together.",
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.text, "--format", "-f", help="text (tables) or json (for machines)."
    ),
    max_rows: int = typer.Option(
        50, "--max-rows", help="Groups of identical failures listed in text output."
    ),
    extra_columns: ExtraColumnsOption = typer.Option(
        ExtraColumnsOption.fail,
        "--extra-columns",
        help="fail (default) or ignore columns the standard does not define.",
    ),
) -> None:
    """Check a file (or a folder of files) against the standard schemas; list every failure.

    Exit code 0: valid; 1: not valid; 2: the file could not be read.
    """
    from outcomelab.schemas import list_schemas, read_table, validate, validate_package

    if (file is None) == (package is None):
        raise fail("give either a FILE (with --schema) or --package DIR, not both.", 2)
    try:
        if file is not None and file.is_dir():
            file, package = None, file  # a folder is a submission package
        if package is not None:
            report = validate_package(package, extra_columns=extra_columns.value)
        elif file is not None:
            name = schema
            if name is None:
                stem = file.name.split(".")[0]
                if stem not in list_schemas():
                    raise fail(
                        f"cannot tell which standard table {file.name} holds; add --schema "
                        f"({', '.join(list_schemas())}).",
                        2,
                    )
                name = stem
            if not name.endswith(".json") and name not in list_schemas():
                raise fail(
                    f"there is no standard schema {name!r}; choose one of "
                    f"{', '.join(list_schemas())}.",
                    2,
                )
            data = read_table(file)
            report = validate(data, name, extra_columns=extra_columns.value)
    except OutcomelabError as err:
        raise fail(str(err), err.exit_code) from None
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        render_report(report, max_rows)
    raise typer.Exit(0 if report.ok else 1)
