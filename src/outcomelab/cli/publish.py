"""``outcomelab publish``: build the static catalogue site from evaluation folders."""

from __future__ import annotations

from pathlib import Path

import typer

from outcomelab.cli.main import app


@app.command("publish")
def publish_command(
    evaluations: Path = typer.Argument(..., help="Folder of evaluation output folders."),
    site: Path = typer.Option(
        ...,
        "--site",
        help="Folder for the site: new, empty, or a site published there before (replaced).",
    ),
    policy: Path | None = typer.Option(
        None, "--policy", help="Disclosure policy YAML (default: cohort 60, cells 5, rounding 5)."
    ),
    pdf: bool = typer.Option(
        False,
        "--pdf",
        help="Also print each evaluation page (sv and en) to a PDF beside it, linked from the "
        "page (needs Chromium; the PDF's text is checked like every published file).",
    ),
) -> None:
    """Publish evaluations as a static, bilingual catalogue after disclosure control."""
    from outcomelab.disclosure import load_policy
    from outcomelab.publish import build_site

    info = build_site(evaluations, site, policy=load_policy(policy), pdf=pdf)
    typer.echo(f"Published {len(info.evaluations)} evaluation(s) to {info.index}")
    if pdf:
        typer.echo(f"Printed {len(info.pdfs)} PDF(s) beside the evaluation pages")
    for evaluation_id, reason in info.withheld:
        typer.echo(f"Withheld {evaluation_id}: {reason}")
