"""``outcomelab submit`` and ``outcomelab submissions list|show``: the lab's submission store."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from outcomelab.cli.main import HELP_MARKUP, app
from outcomelab.errors import SchemaError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["print_failures", "submissions_app"]

submissions_app = typer.Typer(
    rich_markup_mode=HELP_MARKUP,
    name="submissions",
    help="List and show stored submissions.",
    no_args_is_help=True,
)
app.add_typer(submissions_app, name="submissions")

_STORE_HELP = "Store folder (default $OUTCOMELAB_HOME or ~/.outcomelab)."


def print_failures(failures: pd.DataFrame | None) -> None:
    """Print a submission's failures on stderr, grouped as ``outcomelab validate`` prints them."""
    if failures is None or failures.empty:
        return
    from outcomelab.cli.validate import render_report
    from outcomelab.schemas import ValidationReport

    report = ValidationReport(table="submission", n_rows=0, failures=failures)
    with contextlib.redirect_stdout(sys.stderr):
        render_report(report, max_groups=30)


@app.command("submit")
def submit(
    files: list[Path] = typer.Argument(
        ..., help="Table files named after their table (participants.csv, ...) or a folder."
    ),
    intervention: str = typer.Option(..., "--intervention", "-i", help="Intervention id."),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
    by: str | None = typer.Option(None, "--by", help="Who submits (kept in the catalogue)."),
    note: str | None = typer.Option(None, "--note", help="Free-text note for the catalogue."),
) -> None:
    """Validate a submission and, only if it is valid, store an immutable versioned copy."""
    from rich.console import Console

    from outcomelab.store import Store

    target = Store(store)
    source: Path | list[Path] = files[0] if len(files) == 1 and files[0].is_dir() else files
    console = Console(stderr=True, highlight=False)
    try:
        with console.status("Starting", spinner="dots") as status:
            started = [time.perf_counter(), time.perf_counter()]
            last: list[str] = []

            def step(text: str) -> None:
                now = time.perf_counter()
                if last:
                    console.print(f"  ✓ {last[0]} ({now - started[1]:.1f} s)")
                last[:] = [text]
                started[1] = now
                status.update(f"{text} …")

            info = target.submit(
                source, intervention_id=intervention, submitted_by=by, note=note, progress=step
            )
            step("")
    except SchemaError as err:
        typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
        print_failures(err.failures)
        raise typer.Exit(err.exit_code) from None
    if info.created:
        typer.echo(f"Stored submission {info.short_id} (version {info.version}) in {target.path}.")
    else:
        typer.echo(
            f"Identical content is already stored as submission {info.short_id} "
            f"(version {info.version}); nothing was changed."
        )
    typer.echo(info.summary())


@submissions_app.command("list")
def list_submissions(
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
    intervention: str | None = typer.Option(
        None, "--intervention", "-i", help="Only this intervention."
    ),
) -> None:
    """List the stored submissions, oldest first."""
    import pandas as pd

    from outcomelab.store import Store

    target = Store(store)
    listing = target.list(intervention)
    if listing.empty:
        typer.echo(f"No submissions in the store at {target.path}.")
        return
    shown = listing[
        ["short_id", "intervention_id", "version", "submitted_at", "n_participants", "n_comparison"]
    ].rename(
        columns={
            "short_id": "id",
            "intervention_id": "intervention",
            "submitted_at": "submitted",
            "n_participants": "participants",
            "n_comparison": "comparison",
        }
    )
    shown["submitted"] = pd.to_datetime(shown["submitted"]).dt.strftime("%Y-%m-%d %H:%M")
    typer.echo(shown.to_string(index=False))


@submissions_app.command("show")
def show_submission(
    submission_id: str = typer.Argument(..., help="Submission id or a unique prefix of it."),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
) -> None:
    """Show one stored submission: version, tables, row counts and original files."""
    from outcomelab.store import Store

    typer.echo(Store(store).get(submission_id).info.summary())
