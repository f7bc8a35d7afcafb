"""``outcomelab demo``: the whole flow on the bundled example, one step after another.

The demo is a list of steps (:data:`DEMO_STEPS`): the example submission, validation and store,
the analysis panel, the standard evaluation report and the published catalogue. Each step is a
function that takes the shared :class:`DemoContext`, does its work, stores what later steps need
on the context and returns a short summary line.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from outcomelab.cli.main import app
from outcomelab.errors import ParameterError

__all__ = ["DEMO_STEPS", "DemoContext", "DemoStep", "demo", "run_demo"]


@dataclass
class DemoContext:
    """What the demo steps share.

    Attributes
    ----------
    out
        The output folder given with ``--out``.
    data_dir
        Folder with the example submission's CSV files (``out/data``).
    intervention_id
        The example intervention.
    store_path
        The demo's store (``out/store``).
    submission_id
        Id of the stored submission.
    panel_path
        The analysis panel written as Parquet (``out/panel.parquet``).
    extra
        Anything a later step wants to pass on (results, report paths, ...).
    """

    out: Path
    data_dir: Path | None = None
    intervention_id: str | None = None
    store_path: Path | None = None
    submission_id: str | None = None
    panel_path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo: a title and a function returning a summary line."""

    name: str
    title: str
    run: Callable[[DemoContext], str]


def _step_example(ctx: DemoContext) -> str:
    from outcomelab.example import EXAMPLE_FILES, EXAMPLE_INTERVENTION_ID, example_dir, load_truth

    source = example_dir()
    target = ctx.out / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_FILES:
        shutil.copyfile(source / name, target / name)
    ctx.data_dir = target
    ctx.intervention_id = EXAMPLE_INTERVENTION_ID
    truth = load_truth(target)
    sizes = ", ".join(f"{k}: {v}" for k, v in truth["cohort_sizes"].items())
    n = truth["generator"]
    return (
        f"{n['n_participants']} participants (start years {sizes}) and {n['n_pool']} comparison "
        f"candidates, outcomes 2015-2024, written to {target}"
    )


def _step_store(ctx: DemoContext) -> str:
    from outcomelab.store import Store

    assert ctx.data_dir is not None and ctx.intervention_id is not None
    ctx.store_path = ctx.out / "store"
    info = Store(ctx.store_path).submit(ctx.data_dir, intervention_id=ctx.intervention_id)
    ctx.submission_id = info.submission_id
    rows = ", ".join(f"{k} {v:,}" for k, v in info.row_counts.items())
    state = "stored" if info.created else "already stored (identical content, nothing changed)"
    return (
        f"valid against the standard schemas ({rows} rows); submission {info.short_id} "
        f"version {info.version} {state} in {ctx.store_path}"
    )


def _step_panel(ctx: DemoContext) -> str:
    from outcomelab.design import write_panel
    from outcomelab.store import Store

    assert ctx.store_path is not None and ctx.submission_id and ctx.intervention_id
    submission = Store(ctx.store_path).get(ctx.submission_id)
    ctx.panel_path = ctx.out / "panel.parquet"
    info = write_panel(submission, ctx.panel_path, intervention_id=ctx.intervention_id, sort=True)
    ctx.extra["panel_info"] = info
    dropped = "nothing dropped" if info.dropped.empty else f"{len(info.dropped)} drop reasons"
    return (
        f"{info.n_rows:,} person-years of {info.n_persons:,} persons "
        f"({info.n_participants:,} participants), outcomes {', '.join(info.outcomes)}; "
        f"{dropped}; written to {ctx.panel_path}"
    )


def _step_evaluate(ctx: DemoContext) -> str:
    from outcomelab.reports import evaluate

    if not (ctx.store_path and ctx.submission_id and ctx.intervention_id):
        raise ParameterError("The evaluation step needs the stored submission of the store step.")
    run = evaluate(
        out=ctx.out / "report",
        submission=ctx.submission_id,
        store=ctx.store_path,
        intervention=ctx.intervention_id,
        lang="sv",  # the main report is Swedish: most readers are Swedish officials
    )
    ctx.extra["evaluation"] = run
    headline = run.results["headline"]
    return (
        f"{headline['text']} ({headline['verdict']}). Report in Swedish: {run.pages['sv']}; "
        f"the same report in English beside it: {run.pages['en']}"
    )


def _step_publish(ctx: DemoContext) -> str:
    from outcomelab.publish import build_site

    if "evaluation" not in ctx.extra:
        raise ParameterError("The publish step needs the report of the evaluation step.")
    from outcomelab.printing import has_chromium

    pdf = has_chromium()  # with a browser, each page is also printed to a PDF beside it
    info = build_site(ctx.out / "report", ctx.out / "site", pdf=pdf)
    ctx.extra["site"] = info
    printed = (
        f", each page also as PDF ({len(info.pdfs)})"
        if pdf
        else " (no Chromium: no PDFs; install it and run `outcomelab publish --pdf`)"
    )
    return (
        f"{len(info.evaluations)} evaluation(s) published after disclosure control{printed}; "
        f"open {info.index}"
    )


#: the steps ``outcomelab demo`` runs, in order
DEMO_STEPS: list[DemoStep] = [
    DemoStep("example", "Example submission", _step_example),
    DemoStep("store", "Validation and store", _step_store),
    DemoStep("panel", "Analysis panel", _step_panel),
    DemoStep("evaluate", "Standard evaluation report", _step_evaluate),
    DemoStep("publish", "Published catalogue", _step_publish),
]


def run_demo(
    out: Path, *, steps: list[DemoStep] | None = None, echo: Callable[[str], None] = print
) -> DemoContext:
    """Run the demo steps in order, echoing a numbered line per step.

    Parameters
    ----------
    out
        Output folder (created).
    steps
        Steps to run; default :data:`DEMO_STEPS`.
    echo
        Where the progress lines go.

    Returns
    -------
    DemoContext
        The shared context after the last step.
    """
    out.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(out=out.resolve())
    todo = list(DEMO_STEPS if steps is None else steps)
    started = time.perf_counter()
    for i, step in enumerate(todo, start=1):
        t0 = time.perf_counter()
        summary = step.run(ctx)
        echo(f"[{i}/{len(todo)}] {step.title}: {summary} ({time.perf_counter() - t0:.1f} s)")
    echo(f"Done in {time.perf_counter() - started:.1f} s. Everything is in {ctx.out}")
    return ctx


@app.command("demo")
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Folder for the demo's output."),
) -> None:
    """Run the lab's flow on the bundled example: data, store, panel, report, published site."""
    run_demo(out, echo=typer.echo)
