"""``outcomelab example``: write a synthetic example submission with its known truth."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import app

__all__ = ["example"]


@app.command("example")
def example(
    out: Path = typer.Option(..., "--out", help="Folder to write the example CSVs and truth.json."),
    unit: str = typer.Option(
        "person",
        "--unit",
        help="Unit of analysis: 'person' (participants and a comparison pool) or "
        "'municipality' (290 municipalities, 20 years of a municipal key figure).",
    ),
    participants: int = typer.Option(2000, "--participants", help="Number of participants."),
    pool: int = typer.Option(20000, "--pool", help="Number of comparison candidates."),
    treated: int = typer.Option(
        1, "--treated", help="With --unit municipality: number of treated municipalities (1-8)."
    ),
    staggered: bool = typer.Option(
        False, "--staggered", help="With --unit municipality: two start years instead of one."
    ),
    seed: int = typer.Option(20261127, "--seed", help="Random seed (same seed, same files)."),
) -> None:
    """Write a synthetic example submission with a known effect."""
    if unit == "municipality":
        from outcomelab.example.municipal import write_municipal_example

        truth = write_municipal_example(out, n_treated=treated, staggered=staggered, seed=seed)
        typer.echo(f"Wrote the municipal example to {out}")
        typer.echo("  interventions.csv, units.csv, unit_outcomes.csv, truth.json")
        typer.echo(
            f"290 municipalities, 20 years; treated: {', '.join(truth['treated'])}; "
            f"true average effect {truth['att']:.4f} on the share in employment."
        )
        return
    if unit != "person":
        raise typer.BadParameter("--unit must be 'person' or 'municipality'.", param_hint="--unit")
    from outcomelab.example import generate_example

    data = generate_example(out, n_participants=participants, n_pool=pool, seed=seed)
    sizes = ", ".join(f"{k}: {v}" for k, v in data.truth["cohort_sizes"].items())
    typer.echo(f"Wrote the example submission to {out}")
    for name in ("interventions", "participants", "outcomes", "costs"):
        typer.echo(f"  {name}.csv  {len(data[name]):>9,} rows")
    typer.echo("  truth.json  true effects on the participants (sample ATT)")
    typer.echo(f"Participants by start year: {sizes}; comparison pool: {pool:,}.")
