"""``outcomelab batch``: run many evaluations from a manifest."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import app


@app.command("batch")
def batch_command(
    manifest: Path = typer.Argument(..., help="Manifest YAML listing the evaluations."),
    out: Path = typer.Option(
        ..., "--out", help="Folder for the evaluations (one sub-folder each)."
    ),
    workers: int | None = typer.Option(None, "--workers", help="Local worker processes."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler, e.g. tcp://host:8786."
    ),
    force: bool = typer.Option(False, "--force", help="Rerun even unchanged evaluations."),
) -> None:
    """Run the evaluations of MANIFEST in parallel; failures do not stop the others."""
    from outcomelab.batch import load_manifest, run_batch

    jobs = load_manifest(manifest)
    summary = run_batch(jobs, out, workers=workers, scheduler=scheduler, force=force)
    typer.echo(
        f"{summary.count('done')} done, {summary.count('skipped')} skipped (unchanged), "
        f"{summary.count('failed')} failed in {summary.seconds:.1f} s; output in {out}"
    )
    for failure in summary.failures:
        typer.echo(f"  failed {failure.name}: {failure.reason}", err=True)
    if summary.failures:
        raise typer.Exit(1)
