"""``outcomelab validate``: check a submitted file or folder against the standard schemas.

Exit codes: 0 valid, 1 invalid (the failures are listed), 2 the file could not be read or the
command was used wrongly. Every problem is one readable line, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from outcomelab.cli.main import app
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


def _fail(message: str, code: int) -> typer.Exit:
    one_line = " ".join(message.split())  # a library's message may span lines; ours never do
    typer.secho(f"Error: {one_line}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def render_report(report: ValidationReport, max_rows: int) -> None:
    """Print a validation report as rich tables: verdict, failures per rule, first failures."""
    from rich.console import Console
    from rich.table import Table

    from outcomelab.schemas import CHECKS, PACKAGE_CHECKS
    from outcomelab.schemas.rules import TABLE_RULES

    console = Console(soft_wrap=False)
    if report.ok:
        sizes = ", ".join(f"{k} {v:,}" for k, v in report.rows_per_table.items())
        console.print(
            f"[bold green]Valid[/]: {report.table} ({sizes or f'{report.n_rows:,} rows'}) fits "
            "the standard."
        )
        return
    meaning = {**CHECKS, **PACKAGE_CHECKS}
    for rules in TABLE_RULES.values():
        meaning.update({r.check: r.description for r in rules})
    has_table = "table" in report.failures.columns
    counts = Table(title="Failures per rule", title_justify="left")
    if has_table:
        counts.add_column("table", no_wrap=True)
    counts.add_column("rule", no_wrap=True)
    counts.add_column("column", no_wrap=True)
    counts.add_column("count", justify="right", no_wrap=True)
    counts.add_column("meaning", overflow="fold")
    for d in report.counts().to_dict(orient="records"):
        cells = [str(d["table"])] if has_table else []
        cells += [d["check"], str(d["column"] or "–"), f"{d['n']:,}", meaning.get(d["check"], "")]
        counts.add_row(*cells)
    console.print(counts)
    shown = report.failures.head(max_rows)
    detail = Table(
        title=f"First {len(shown):,} of {report.n_failures:,} failures"
        if report.n_failures > len(shown)
        else "Failures",
        title_justify="left",
    )
    if has_table:
        detail.add_column("table", no_wrap=True)
    detail.add_column("row", justify="right", no_wrap=True)
    detail.add_column("column", overflow="fold")
    detail.add_column("value", overflow="fold", max_width=24)
    detail.add_column("message", overflow="fold", ratio=1)
    for d in shown.to_dict(orient="records"):
        row = "–" if d["row"] is None or d["row"] != d["row"] else str(d["row"])
        value = "" if d["value"] is None or d["value"] != d["value"] else str(d["value"])
        if len(value) > 60:
            value = value[:57] + "..."
        cells = [str(d["table"])] if has_table else []
        cells += [row, str(d["column"] or "–"), value, str(d["message"])]
        detail.add_row(*cells)
    console.print(detail)
    console.print(
        f"[bold red]Invalid[/]: {report.n_failures:,} failure(s) in {report.table}. Rows are "
        "numbered as in the file (header = row 1). Use --format json for every failure."
    )


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
    max_rows: int = typer.Option(50, "--max-rows", help="Failures listed in text output."),
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
        raise _fail("give either a FILE (with --schema) or --package DIR, not both.", 2)
    try:
        if package is not None:
            report = validate_package(package, extra_columns=extra_columns.value)
        elif file is not None:
            name = schema
            if name is None:
                stem = file.name.split(".")[0]
                if stem not in list_schemas():
                    raise _fail(
                        f"cannot tell which standard table {file.name} holds; add --schema "
                        f"({', '.join(list_schemas())}).",
                        2,
                    )
                name = stem
            if not name.endswith(".json") and name not in list_schemas():
                raise _fail(
                    f"there is no standard schema {name!r}; choose one of "
                    f"{', '.join(list_schemas())}.",
                    2,
                )
            data = read_table(file)
            report = validate(data, name, extra_columns=extra_columns.value)
    except OutcomelabError as err:
        raise _fail(str(err), err.exit_code) from None
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        render_report(report, max_rows)
    raise typer.Exit(0 if report.ok else 1)
