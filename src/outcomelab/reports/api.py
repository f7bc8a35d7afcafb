"""Run report templates: parameters checked before a kernel starts, then Papermill and HTML.

:func:`run_report` runs any template (``standard``, ``contract`` or a path) with checked
parameters and writes the executed notebook and its HTML page without code. :func:`evaluate`
runs the standard evaluation on a submission and writes into ``out``: ``report.ipynb``,
``report.html`` (in the chosen language) and beside it the same report in the other language
(``report.en.html`` or ``report.sv.html``: one estimation, two pages), ``results.json`` (schema
1.0, deterministic, its texts in both languages), ``provenance.json`` (run time, versions) and
``figures/*.png``; a folder given with ``data`` is validated against the standard schemas
first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from outcomelab._checks import LANGUAGES
from outcomelab.errors import ParameterError, SchemaError
from outcomelab.paths import check_output_folder, expand_home
from outcomelab.reports.html import export_html
from outcomelab.reports.parameters import check_parameters, declared_parameters
from outcomelab.reports.progress import ProgressCallback
from outcomelab.reports.results_json import read_results, validate_results
from outcomelab.reports.runner import ExecutionTiming, execute_template
from outcomelab.resources import templates_dir

__all__ = [
    "TEMPLATES",
    "EvaluationRun",
    "ReportRun",
    "evaluate",
    "evaluation_parameters",
    "resolve_template",
    "run_report",
]

#: short template names -> file names in ``templates/``
TEMPLATES = {"standard": "standard_evaluation.ipynb", "contract": "outcome_contract.ipynb"}

#: what evaluate() writes directly into its output folder
OUTPUT_NAMES = (
    "report.ipynb",
    "report.html",
    "report.sv.html",
    "report.en.html",
    "results.json",
    "provenance.json",
    "figures",
)
#: marker evaluate() leaves in its output folder, so a rerun may replace what it wrote
OUTPUT_MARKER = ".outcomelab-evaluation"

#: sections whose code cells compute (the rest render)
_COMPUTE_SECTIONS = {
    "data",
    "results",
    "diagnostics",
    "robustness",
    "evidence",
    "economics",
    "results_json",
}


@dataclass(frozen=True)
class EvaluationRun:
    """Paths of an evaluation's outputs, its results and where the time went.

    Attributes
    ----------
    out_dir, notebook, html, results_json, provenance
        The output folder and files (``html``: the report in the chosen language).
    figures
        PNG figures (sorted by file name).
    results
        The content of ``results.json``.
    timing
        Seconds: ``kernel_start`` (until the first cell runs, plus the imports of the set-up
        cell), ``estimation`` (computing cells), ``rendering`` (display cells and the HTML export)
        and ``total``.
    """

    out_dir: Path
    notebook: Path
    html: Path
    results_json: Path
    provenance: Path
    figures: tuple[Path, ...]
    results: dict[str, Any] = field(repr=False)
    timing: dict[str, float] = field(default_factory=dict)
    pages: Mapping[str, Path] = field(default_factory=dict)
    """The report in each language (``{"sv": report.html, "en": report.en.html}``), the chosen
    language's first."""


def report_page(out_dir: Path, lang: str, main: str) -> Path:
    """Where :func:`evaluate` writes the report in ``lang`` when ``main`` was chosen."""
    return out_dir / ("report.html" if lang == main else f"report.{lang}.html")


@dataclass(frozen=True)
class ReportRun:
    """The executed notebook and HTML page of one template run, and its timing."""

    notebook: Path
    html: Path
    timing: ExecutionTiming


def run_report(
    template: str | Path,
    params: Mapping[str, Any],
    *,
    notebook: str | Path,
    title: str,
    timeout: float = 900,
    kernel_name: str | None = None,
    cwd: str | Path | None = None,
) -> ReportRun:
    """Check ``params`` against a template, execute it and export the HTML page without code.

    Parameters
    ----------
    template
        ``"standard"``, ``"contract"`` or the path of a template notebook.
    params
        Parameter values; every name must be declared by the template and every value pass the
        parameter rules (:func:`outcomelab.reports.parameters.check_parameters`), before any
        kernel starts.
    notebook
        Where to write the executed notebook; the HTML page is written next to it.
    title
        The page's title.
    timeout, kernel_name, cwd
        Seconds any one cell may run, the Jupyter kernel, and the kernel's working folder.

    Returns
    -------
    ReportRun

    Raises
    ------
    ParameterError
        Unknown or ill-typed parameters (before any kernel starts).
    ReportError
        A cell failed; the message names the section, the partial notebook is kept.
    """
    path = resolve_template(template)
    checked = check_parameters(path, params)
    output = Path(notebook)
    timing = execute_template(
        path, output, checked, kernel_name=kernel_name, timeout=timeout, cwd=cwd
    )
    lang = str(checked.get("lang") or "sv")
    html = export_html(output, output.with_suffix(".html"), title=title, lang=lang)
    return ReportRun(output, html, timing)


def resolve_template(template: str | Path) -> Path:
    """The template file for a short name (``standard``) or a path to an ``.ipynb``.

    Raises
    ------
    ParameterError
        If the name is unknown and no such file exists.
    """
    if str(template) in TEMPLATES:
        return templates_dir() / TEMPLATES[str(template)]
    path = Path(template)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    raise ParameterError(
        f"Unknown report template {str(template)!r}; use one of "
        f"{', '.join(repr(t) for t in TEMPLATES)} or the path of an .ipynb file."
    )


def _validate_folder(folder: Path) -> None:
    from outcomelab.schemas.package import validate_package

    report = validate_package(folder)
    if not report.ok:
        n = len(report.failures)
        raise SchemaError(
            f"The submission in {folder} does not fit the standard schemas ({n} "
            f"failure{'s' if n != 1 else ''}); fix them and run again.",
            failures=report.failures,
        )


def _previous_output(folder: Path) -> bool:
    """Whether ``folder`` holds an earlier evaluate() output (marker, or its results.json)."""
    if (folder / OUTPUT_MARKER).is_file():
        return True
    try:
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(results, dict) and {"schema_version", "outcomelab_version"} <= set(results)


def _section_seconds(nb: nbformat.NotebookNode) -> tuple[float, float, float]:
    setup = compute = render = 0.0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seconds = float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
        tags = cell.metadata.get("tags", [])
        section = next((t[8:] for t in tags if t.startswith("section:")), None)
        if section == "setup":
            setup += seconds
        elif "remove_cell" in tags and section in _COMPUTE_SECTIONS:
            compute += seconds
        else:
            render += seconds
    return setup, compute, render


def evaluation_parameters(
    out_dir: Path,
    *,
    submission: str | None,
    data: str | Path | None,
    store: str | Path | None,
    intervention: str | None,
    template: str | Path,
    params: Mapping[str, Any] | None,
    lang: str | None,
    validate_data: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """The template and its checked parameters for an evaluation writing into ``out_dir``.

    :func:`evaluate` and the evaluator's notebook
    (:func:`outcomelab.reports.evaluator_notebook.write_notebook`) check their parameters here,
    the same way, before any kernel starts: one of ``submission`` (found in the store) and
    ``data`` (validated against the standard schemas when ``validate_data``), every parameter
    declared by the template and of its type.

    Returns
    -------
    tuple
        The template's path and the parameters to inject.

    Raises
    ------
    ParameterError, StoreError, SchemaError
        As :func:`evaluate`.
    """
    if bool(submission) == bool(data):
        raise ParameterError(
            "Give exactly one of `submission` (a stored submission id) and `data` (a folder of "
            "tables)."
        )
    if submission:
        from outcomelab.store import Store

        Store(store).resolve(submission)  # a wrong store or id: one line, before any kernel
    path = resolve_template(template)
    values: dict[str, Any] = dict(params or {})
    declared = declared_parameters(path)
    given = {
        "submission": submission,
        "store_dir": str(expand_home(store).resolve()) if store else None,
        "data_dir": str(Path(data).resolve()) if data else None,
        "intervention_id": intervention,
        "lang": lang,
        "output_dir": str(out_dir),
    }
    values.update({k: v for k, v in given.items() if v is not None and k in declared})
    checked = check_parameters(path, values, declared=declared)
    if data and validate_data:
        _validate_folder(Path(data))
    return path, checked


def evaluate(
    *,
    out: str | Path,
    submission: str | None = None,
    data: str | Path | None = None,
    store: str | Path | None = None,
    intervention: str | None = None,
    template: str | Path = "standard",
    params: Mapping[str, Any] | None = None,
    lang: str | None = None,
    timeout: float = 900,
    kernel_name: str | None = None,
    validate_data: bool = True,
    progress: ProgressCallback | None = None,
) -> EvaluationRun:
    """Run a standard evaluation and write the report, results.json and figures into ``out``.

    Parameters
    ----------
    out
        Output folder: new, empty, or an earlier output of evaluate() (its files are replaced);
        a folder holding other files under the names evaluate() writes is refused.
    submission, store
        A stored submission id (or unique prefix) and the store folder (default store when None).
    data
        A folder with the submission's tables instead of a stored submission.
    intervention
        The intervention to evaluate (needed when the submission holds several).
    template
        ``"standard"`` or the path of a template notebook.
    params
        Further template parameters (``design``, ``primary_outcome``, ``follow_up_months``,
        ``alpha``, ``seed``, ...); checked against the template before any kernel starts.
    lang
        Report language, ``"sv"`` or ``"en"`` (overrides ``params["lang"]``).
    timeout
        Seconds any one cell may run.
    kernel_name
        Jupyter kernel; default the ``outcomelab`` kernel of this interpreter.
    validate_data
        Validate a ``data`` folder against the standard schemas first.
    progress
        Called as each cell of the report starts and finishes (a
        :class:`~outcomelab.reports.progress.CellEvent`: section, position, seconds); the CLI
        shows it as a progress bar.

    Returns
    -------
    EvaluationRun

    Raises
    ------
    ParameterError
        Unknown or ill-typed parameters, or neither/both of ``submission`` and ``data``; ``out``
        is a file, read-only or holds files of the user's under the names evaluate() writes.
    StoreError
        The store path is a file, or the submission is not in the store.
    SchemaError
        The ``data`` folder does not fit the standard schemas (``.failures`` lists every failure).
    ReportError
        The template failed; the message names the section, the partial notebook is kept.

    Examples
    --------
    >>> from outcomelab.example import example_dir
    >>> run = evaluate(data=example_dir(), out="report-out", lang="en")  # doctest: +SKIP
    >>> run.results["headline"]["text"]  # doctest: +SKIP
    """
    out_dir = check_output_folder(
        out, option="--out", writes=OUTPUT_NAMES, ours=_previous_output
    ).resolve()
    path, checked = evaluation_parameters(
        out_dir,
        submission=submission,
        data=data,
        store=store,
        intervention=intervention,
        template=template,
        params=params,
        lang=lang,
        validate_data=validate_data,
    )
    if checked.get("both_languages") is False:
        raise ParameterError(
            "`both_languages = False` is for the evaluator's own notebook (outcomelab notebook); "
            "evaluate writes the report in both languages from one run. Leave it out."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / OUTPUT_MARKER).write_text("written by outcomelab evaluate\n", encoding="utf-8")
    notebook = out_dir / "report.ipynb"
    start = time.perf_counter()
    timing = execute_template(
        path,
        notebook,
        checked,
        kernel_name=kernel_name,
        timeout=timeout,
        cwd=out_dir,
        progress=progress,
    )
    t0 = time.perf_counter()
    results = read_results(out_dir / "results.json")
    validate_results(results)
    name = (results.get("intervention") or {}).get("name") or results["evaluation_id"]
    main = str(results.get("language") or "sv")
    pages = {
        lang: export_html(notebook, report_page(out_dir, lang, main), title=str(name), lang=lang)
        for lang in (main, *(lang for lang in LANGUAGES if lang != main))
    }
    export = time.perf_counter() - t0
    setup, compute, render = _section_seconds(nbformat.read(notebook, as_version=4))
    figures = tuple(out_dir / f for f in results.get("figures", []))
    return EvaluationRun(
        out_dir=out_dir,
        notebook=notebook,
        html=pages[main],
        results_json=out_dir / "results.json",
        provenance=out_dir / "provenance.json",
        figures=figures,
        results=results,
        pages=pages,
        timing={
            "kernel_start": timing.kernel_start + setup,
            "estimation": compute,
            "rendering": render + export,
            "total": time.perf_counter() - start,
        },
    )
