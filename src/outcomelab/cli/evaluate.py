"""``outcomelab evaluate``: run the standard evaluation report on a submission.

Writes the executed notebook, ``report.html`` (no code), ``results.json``, ``provenance.json`` and
``figures/*.png`` into ``--out``. Bad parameters are refused before a kernel starts; a ``--data``
folder is validated first and its failures listed; a failing report names the section and keeps
the partly executed notebook.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from outcomelab.cli.main import app
from outcomelab.errors import ParameterError, ReadError, SchemaError

if TYPE_CHECKING:
    from outcomelab.reports import EvaluationRun

__all__ = ["evaluate_command", "read_params"]


def read_params(pairs: list[str], params_file: Path | None) -> dict[str, Any]:
    """Parameters from a YAML file, then ``k=v`` pairs (values parsed as YAML) on top.

    Raises
    ------
    ParameterError
        For a pair without ``=`` or a file that is not a YAML mapping.
    """
    import yaml

    from outcomelab.reports.parameters import parse_value
    from outcomelab.safe_yaml import load_text

    values: dict[str, Any] = {}
    if params_file is not None:
        try:
            loaded = load_text(
                params_file.read_text(encoding="utf-8"), source=f"parameters file {params_file}"
            )
        except OSError as err:
            raise ReadError(f"Cannot read the parameters file {params_file}: {err}.") from None
        except yaml.YAMLError as err:
            raise ParameterError(
                f"The parameters file {params_file} is not valid YAML: {err}."
            ) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ParameterError(
                f"The parameters file {params_file} must hold a mapping (name: value), "
                f"not a {type(loaded).__name__}."
            )
        values.update(loaded or {})
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(
                f"--param expects name=value (e.g. --param alpha=0.1); got {pair!r}."
            )
        values[name.strip()] = parse_value(raw)
    return values


@app.command("evaluate")
def evaluate_command(
    out: Path = typer.Option(..., "--out", help="Folder for the report and results."),
    submission: str | None = typer.Option(None, "--submission", help="Stored submission id."),
    data: Path | None = typer.Option(None, "--data", help="Folder with the submission's tables."),
    store: Path | None = typer.Option(None, "--store", help="Store folder (with --submission)."),
    intervention: str | None = typer.Option(None, "--intervention", help="Intervention id."),
    template: str = typer.Option("standard", "--template", help="Template name or .ipynb path."),
    param: list[str] = typer.Option(
        [], "--param", help="Template parameter name=value (repeatable)."
    ),
    params_file: Path | None = typer.Option(None, "--params-file", help="YAML parameters."),
    lang: str | None = typer.Option(None, "--lang", help="Report language: sv or en."),
    timeout: float = typer.Option(900, "--timeout", help="Seconds one notebook cell may run."),
    pdf: bool = typer.Option(
        False,
        "--pdf",
        help="Also print report.pdf and the other language's PDF (A4; needs Chromium).",
    ),
) -> None:
    """Run the standard evaluation and write report.html, results.json and figures."""
    from rich.console import Console

    from outcomelab.cli.report_progress import SectionProgress
    from outcomelab.reports import evaluate

    values = read_params(param, params_file)
    shown = lang or str(values.get("lang") or "sv")
    console = Console(stderr=True, highlight=False)
    try:
        with SectionProgress(console, shown if shown in ("sv", "en") else "en") as progress:
            run = evaluate(
                out=out,
                submission=submission,
                data=data,
                store=store,
                intervention=intervention,
                template=template,
                params=values,
                lang=lang,
                timeout=timeout,
                progress=progress,
            )
    except SchemaError as err:
        from outcomelab.cli.submit import print_failures

        typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
        print_failures(err.failures)
        raise typer.Exit(err.exit_code) from None
    report_pdfs = _print_pdf(run) if pdf else {}
    console.print(progress.total())
    _print_summary(run, report_pdfs)


def _print_pdf(run: EvaluationRun) -> dict[str, Path]:
    """``report.pdf`` beside ``report.html`` (the chosen language) and ``report.en.pdf`` /
    ``report.sv.pdf`` beside each language's page, with the intervention's name on every page
    and the page numbers in the page's language."""
    from outcomelab.reports.pdf import print_report

    lang = str(run.results.get("language") or "sv")
    name = (run.results.get("intervention") or {}).get("name") or run.results["evaluation_id"]
    return {
        page_lang: print_report(page, page.with_suffix(".pdf"), header=str(name), lang=page_lang)
        for page_lang, page in (run.pages or {lang: run.html}).items()
    }


def _print_summary(run: EvaluationRun, pdfs: Mapping[str, Path] | None = None) -> None:
    """The headline, the verdict and where the files are, in the report's language."""
    from outcomelab.vocabulary.texts import code_label, t

    lang = str(run.results.get("language") or "sv")
    headline = run.results["headline"]
    names = {o["code"]: o["name"] for o in run.results.get("outcomes", [])}
    outcome = str(names.get(headline["outcome"], headline["outcome"]))
    if not outcome.split(" ", 1)[0].isupper():  # mid-sentence: "Bedömning av förvärvsarbete"
        outcome = outcome[:1].lower() + outcome[1:]
    typer.echo(headline["text"])
    verdict = code_label(headline["verdict"], lang)
    typer.echo(t("cli_verdict", lang, outcome=outcome, verdict=verdict))
    for page_lang, page in (run.pages or {lang: run.html}).items():
        typer.echo(t("cli_report_in", lang, language=t(f"language_{page_lang}", lang), path=page))
    typer.echo(t("cli_results", lang, path=run.results_json))
    typer.echo(t("cli_figures", lang, n=len(run.figures), path=run.out_dir / "figures"))
    for page_lang, pdf in (pdfs or {}).items():
        typer.echo(t("cli_pdf", lang, language=t(f"language_{page_lang}", lang), path=pdf))
