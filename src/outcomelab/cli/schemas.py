"""``outcomelab schemas``: list the standard tables and (re)generate their Markdown docs."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import HELP_MARKUP, app

__all__ = ["schemas_app"]

schemas_app = typer.Typer(
    rich_markup_mode=HELP_MARKUP,
    name="schemas",
    help="The standard tables: list them, write their docs.",
    no_args_is_help=True,
)
app.add_typer(schemas_app, name="schemas")


@schemas_app.command("list")
def list_command() -> None:
    """List the standard tables with their titles."""
    from outcomelab.schemas import list_schemas, load_schema

    for name in list_schemas():
        typer.echo(f"{name:<20} {load_schema(name).title}")


@schemas_app.command("docs")
def docs_command(
    out: Path | None = typer.Option(None, "--out", help="Folder (default data_schemas/docs)."),
    check: bool = typer.Option(False, "--check", help="Only report stale files (exit 1 if any)."),
) -> None:
    """Print every standard table's fields and the lab's outcome codes; write the Markdown docs."""
    from outcomelab.schemas.docs import render_overview, stale_docs, write_docs

    if check:
        stale = stale_docs(out)
        for name in stale:
            typer.echo(f"stale: {name}", err=True)
        if not stale:
            typer.echo("The schema docs are up to date.")
        raise typer.Exit(1 if stale else 0)
    typer.echo(render_overview())
    written = write_docs(out)
    typer.echo(f"Field-by-field descriptions written to {written[0].parent}:")
    for path in written:
        typer.echo(f"  {path.name}")


@schemas_app.command("template")
def template_command(
    name: str = typer.Argument(..., help="Standard table, e.g. participants."),
    out: Path = typer.Option(..., "--out", "-o", help="The .xlsx file to write."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing file."),
) -> None:
    """Write an Excel template for a standard table (header, drop-down lists, field help)."""
    from outcomelab.errors import OutcomelabError
    from outcomelab.schemas.template import write_excel_template

    try:
        path = write_excel_template(name, out, overwrite=overwrite)
    except OutcomelabError as err:
        typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(err.exit_code if err.exit_code != 1 else 2) from None
    typer.echo(f"Wrote the {name} template to {path}.")
