"""``outcomelab example``: write the synthetic example submission with its known truth."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import app

__all__ = ["example"]


@app.command("example")
def example(
    out: Path = typer.Option(..., "--out", help="Folder to write the example CSVs and truth.json."),
    participants: int = typer.Option(2000, "--participants", help="Number of participants."),
    pool: int = typer.Option(20000, "--pool", help="Number of comparison candidates."),
    seed: int = typer.Option(20261127, "--seed", help="Random seed (same seed, same files)."),
) -> None:
    """Write a synthetic example submission (Norrköping, young people 16-29) with a known effect."""
    from outcomelab.example import generate_example

    data = generate_example(out, n_participants=participants, n_pool=pool, seed=seed)
    sizes = ", ".join(f"{k}: {v}" for k, v in data.truth["cohort_sizes"].items())
    typer.echo(f"Wrote the example submission to {out}")
    for name in ("interventions", "participants", "outcomes", "costs"):
        typer.echo(f"  {name}.csv  {len(data[name]):>9,} rows")
    typer.echo("  truth.json  true effects on the participants (sample ATT)")
    typer.echo(f"Participants by start year: {sizes}; comparison pool: {pool:,}.")
