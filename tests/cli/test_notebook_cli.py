"""``outcomelab notebook``: the evaluator's copy of the standard template (issue 15).

It is checked as ``evaluate`` checks its parameters, it runs top to bottom in a kernel as the
report does and finds the same results, each step is a short call with a note above it, and
``--open`` starts JupyterLab on it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from outcomelab.reports import evaluator_notebook
from outcomelab.reports.notebook import LANG_METADATA
from outcomelab.resources import templates_dir
from outcomelab.vocabulary.texts import t

TEMPLATE = templates_dir() / "standard_evaluation.ipynb"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("nb") / "sub"
    generate_example(folder, n_participants=300, n_pool=900, seed=11)
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ["--param", "alpha=3"],
        ["--param", "no_such_parameter=1"],
        ["--lang", "fi"],
        ["--param", "design=magic"],
        ["--submission", "abc"],  # both a submission and a folder
    ],
)
def test_parameters_are_checked_as_evaluate_checks_them(
    data: Path, tmp_path: Path, cli, args: list[str]
) -> None:
    notebook = tmp_path / "eval.ipynb"
    code_nb, _, err_nb = cli("notebook", "--data", str(data), "--out", str(notebook), *args)
    code_ev, _, err_ev = cli("evaluate", "--data", str(data), "--out", str(tmp_path / "r"), *args)
    assert code_nb == code_ev != 0
    assert err_nb == err_ev and err_nb.startswith("Error: ")
    assert not notebook.exists() and not (tmp_path / "r").exists()


def test_a_notebook_is_never_written_over(data: Path, tmp_path: Path, cli) -> None:
    notebook = tmp_path / "eval.ipynb"
    notebook.write_text("my changes", encoding="utf-8")
    code, _, err = cli("notebook", "--data", str(data), "--out", str(notebook))
    assert code == 1 and "already exists" in err
    assert notebook.read_text(encoding="utf-8") == "my changes"
    code, _, err = cli("notebook", "--data", str(data), "--out", str(tmp_path / "eval.txt"))
    assert code == 1 and ".ipynb" in err


def test_every_step_is_a_short_call_with_a_note_above_it() -> None:
    """What evaluators open: each computing step has an explanation (hidden from the report)
    right above it, and the report's cells are calls of a few lines."""
    cells = nbformat.read(TEMPLATE, as_version=4).cells
    for i, cell in enumerate(cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            assert "remove_cell" in tags, cell.source[:40]  # never on the report page
            continue
        if "parameters" in tags or "section:setup" in tags:
            continue
        assert len(cell.source.splitlines()) <= 8, cell.source
        if "remove_cell" in tags:  # an analysis step: the note above names its call
            above = cells[i - 1]
            call = re.search(r"(\w+\.\w+)\(", cell.source)
            assert call is not None and above.cell_type == "markdown", cell.source
            assert f"`{call.group(1)}" in above.source, (call.group(1), above.source)


@pytest.mark.notebook
def test_the_written_notebook_runs_top_to_bottom_and_finds_the_results(
    data: Path, tmp_path: Path, cli
) -> None:
    import nbclient

    from outcomelab.evaluation import run_evaluation

    notebook = tmp_path / "eval.ipynb"
    code, out, err = cli(
        "notebook", "--data", str(data), "--out", str(notebook), "--lang", "en",
        "--param", "follow_up_months=12",
    )  # fmt: skip
    assert code == 0, err
    assert str(notebook) in out
    nb = nbformat.read(notebook, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "follow_up_months = 12" in injected[0].source
    assert nb.metadata.kernelspec.name == "outcomelab"
    nbclient.NotebookClient(nb, timeout=600, resources={"metadata": {"path": tmp_path}}).execute()
    outputs = evaluator_notebook.output_folder(notebook)
    results = json.loads((outputs / "results.json").read_text(encoding="utf-8"))
    expected = run_evaluation(
        {"data_dir": str(data), "lang": "en", "follow_up_months": 12, "output_dir": str(outputs)}
    )
    assert results["headline"]["text"] == expected.headline()
    primary = results["outcomes"][0]
    assert primary["estimate"] == pytest.approx(expected.outcome_records()[0]["estimate"])
    shown = "".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert expected.headline() in shown.replace("&#39;", "'")  # the report's sections, shown
    # only the notebook's language: every display output is English, none Swedish
    langs = [
        o.get("metadata", {}).get(LANG_METADATA)
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("output_type") == "display_data"
    ]
    assert langs and set(langs) == {"en"}
    swedish = expected.in_language("sv").headline()
    assert swedish not in shown.replace("&#39;", "'") and t("h_results", "sv") not in shown
    assert not any(".sv." in f for f in results["figures"])
    assert sorted(p.name for p in (outputs / "figures").iterdir()) == sorted(
        Path(f).name for f in results["figures"]
    )


def test_evaluate_always_writes_both_languages(data: Path, tmp_path: Path, cli) -> None:
    """``both_languages = False`` is the evaluator's notebook's; evaluate refuses it before any
    kernel starts (the other language's page would be empty)."""
    out = tmp_path / "report"
    code, _, err = cli(
        "evaluate", "--data", str(data), "--out", str(out), "--param", "both_languages=false"
    )
    assert code != 0 and "both_languages" in err and "outcomelab notebook" in err
    assert not (out / "report.html").exists()


def test_open_starts_jupyterlab_on_the_notebook(
    data: Path, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []

    def call(argv: list[str]) -> int:
        started.append(argv)
        return 0

    monkeypatch.setattr(evaluator_notebook.subprocess, "call", call)
    notebook = tmp_path / "eval.ipynb"
    code, _, err = cli("notebook", "--data", str(data), "--out", str(notebook), "--open")
    assert code == 0, err
    assert started == [[sys.executable, "-m", "jupyterlab", str(notebook.resolve())]]
