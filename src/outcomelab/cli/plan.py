"""``outcomelab plan``: power, sample size and evaluability of an intervention before it starts."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from outcomelab.cli.main import app
from outcomelab.errors import ParameterError

__all__ = ["plan"]


@app.command("plan")
def plan(
    design: Path = typer.Argument(
        None, help="The design file (YAML); `--template` prints one to fill in.", show_default=False
    ),
    template: bool = typer.Option(False, "--template", help="Print a design form and stop."),
    lang: str = typer.Option("sv", "--lang", help="Language of the plan: sv or en."),
    simulate: bool = typer.Option(
        False, "--simulate", help="Also simulate the power of the lab's own estimator."
    ),
    estimator: str = typer.Option(
        None,
        "--estimator",
        help="did or matching (persons), sdid (municipalities); default: the design's own.",
    ),
    replications: int = typer.Option(200, "--replications", help="Simulated data sets."),
    workers: int = typer.Option(2, "--workers", help="Worker processes for the simulation."),
    placebo_replications: int = typer.Option(
        200,
        "--placebo-replications",
        help="sdid: placebo replications behind each simulated data set's standard error.",
    ),
    seed: int = typer.Option(20270101, "--seed", help="Random seed of the simulation."),
    register: bool = typer.Option(
        False, "--register", help="Sign the evaluation plan and store it with the intervention."
    ),
    store: Path = typer.Option(
        None, "--store", help="Store folder (default $OUTCOMELAB_HOME or ~/.outcomelab)."
    ),
    secondary: str = typer.Option(
        "", "--secondary", help="Secondary outcome codes, comma-separated (for --register)."
    ),
    json_out: Path = typer.Option(None, "--json", help="Also write the assessment as JSON here."),
) -> None:
    """State a design; get the smallest detectable effect, the participants needed, whether the
    result can be published, and an evaluability checklist (and, with --register, a signed plan)."""
    from outcomelab.planning import (
        DESIGN_TEMPLATE,
        EvaluationPlan,
        assess,
        load_design,
        simulate_power,
    )
    from outcomelab.planning.words import render_plan

    if template:
        typer.echo(DESIGN_TEMPLATE, nl=False)
        return
    if design is None:
        raise ParameterError(
            "Give the design file: `outcomelab plan design.yaml` (write one with "
            "`outcomelab plan --template > design.yaml`)."
        )
    if lang not in ("sv", "en"):
        raise ParameterError(f"`--lang` must be sv or en; got {lang!r}.")
    stated = load_design(design)
    assessment = assess(stated)
    simulated = None
    if simulate:
        simulated = simulate_power(
            stated,
            estimator=estimator,
            replications=replications,
            workers=workers,
            seed=seed,
            progress=True,
            placebo_replications=placebo_replications,
        )
    typer.echo(render_plan(assessment, lang, simulated))
    if json_out is not None:
        payload = assessment.to_dict()
        if simulated is not None:
            payload["simulation"] = simulated.to_dict()
        json_out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if register:
        from outcomelab.store import Store, register_plan

        codes = [c.strip() for c in secondary.split(",") if c.strip()]
        document = EvaluationPlan.from_assessment(assessment, secondary_outcomes=codes).to_dict()
        path = register_plan(Store(store), document)
        from outcomelab.vocabulary.texts import t

        typer.echo("")
        typer.echo(t("plan_registered", lang, h=document["plan_hash"][:12], p=path))
