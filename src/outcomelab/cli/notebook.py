"""``outcomelab notebook``: the evaluator's own copy of the standard template, ready to run.

The notebook holds the submission's parameters, checked as ``evaluate`` checks them; each cell is
one short call with a note above it saying what the step does. ``--open`` starts JupyterLab on it.
"""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.evaluate import read_params
from outcomelab.cli.main import app
from outcomelab.errors import SchemaError

__all__ = ["notebook_command"]


@app.command("notebook")
def notebook_command(
    out: Path = typer.Option(..., "--out", help="The notebook to write (.ipynb, a new file)."),
    submission: str | None = typer.Option(None, "--submission", help="Stored submission id."),
    data: Path | None = typer.Option(None, "--data", help="Folder with the submission's tables."),
    store: Path | None = typer.Option(None, "--store", help="Store folder (with --submission)."),
    intervention: str | None = typer.Option(None, "--intervention", help="Intervention id."),
    param: list[str] = typer.Option(
        [], "--param", help="Template parameter name=value (repeatable)."
    ),
    params_file: Path | None = typer.Option(None, "--params-file", help="YAML parameters."),
    lang: str | None = typer.Option(None, "--lang", help="Report language: sv or en."),
    open_lab: bool = typer.Option(False, "--open", help="Start JupyterLab on the notebook."),
) -> None:
    """Write the standard evaluation as a notebook to run, read and change in JupyterLab."""
    from outcomelab.reports.evaluator_notebook import (
        open_in_jupyterlab,
        output_folder,
        write_notebook,
    )

    try:
        path = write_notebook(
            out,
            submission=submission,
            data=data,
            store=store,
            intervention=intervention,
            params=read_params(param, params_file),
            lang=lang,
        )
    except SchemaError as err:
        from outcomelab.cli.submit import print_failures

        typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
        print_failures(err.failures)
        raise typer.Exit(err.exit_code) from None
    typer.echo(f"Notebook: {path}")
    typer.echo(f"Its results and figures are written to {output_folder(path)} when it runs.")
    if open_lab:
        raise typer.Exit(open_in_jupyterlab(path))
    typer.echo(f"Open it with: jupyter lab {path}")
