"""The runner: bad parameters refused before a kernel starts; a failing cell names its section."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from outcomelab.errors import ParameterError, ReportError, SchemaError
from outcomelab.reports import api, evaluate, kernel
from outcomelab.reports.kernel import KERNEL_ENV, KERNEL_NAME, _resolved_executable, ensure_kernel
from outcomelab.reports.runner import execute_template, failing_section


def _no_kernel(*args: object, **kwargs: object) -> None:
    raise AssertionError("a kernel was started although the parameters are bad")


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"desing": "did"}, r"Unknown parameter\(s\) 'desing'.*declares: submission"),
        ({"design": "rct"}, r"`design` must be one of"),
        ({"alpha": "0.05"}, r"`alpha` must be of type float"),
        ({"follow_up_months": 30}, r"whole years in months"),
        ({"lang": "de"}, r"`lang` must be one of 'sv', 'en'"),
    ],
)
def test_bad_parameters_are_refused_before_a_kernel_starts(
    params: dict[str, object], pattern: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "execute_template", _no_kernel)
    with pytest.raises(ParameterError, match=pattern):
        evaluate(data=tmp_path, out=tmp_path / "out", params=params)
    assert not (tmp_path / "out").exists()


def test_exactly_one_data_source(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="exactly one of `submission`"):
        evaluate(out=tmp_path)
    with pytest.raises(ParameterError, match="Unknown report template 'fancy'"):
        evaluate(data=tmp_path, out=tmp_path, template="fancy")


def test_invalid_data_folder_gives_the_failure_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "execute_template", _no_kernel)
    (tmp_path / "participants.csv").write_text("person_id,intervention_id\nx,\n")
    with pytest.raises(SchemaError) as info:
        evaluate(data=tmp_path, out=tmp_path / "out")
    assert info.value.failures is not None and len(info.value.failures) > 0


def test_kernel_is_registered_for_this_interpreter() -> None:
    import sys

    assert ensure_kernel() == KERNEL_NAME
    assert _resolved_executable(KERNEL_NAME) == sys.executable


def test_kernel_spec_without_the_single_thread_environment_is_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import sys

    # an older spec (the same interpreter and command, no environment) in a private data folder
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    folder = tmp_path / "prefix" / "share" / "jupyter" / "kernels" / "scale-probe"
    folder.mkdir(parents=True)
    old = {"argv": kernel._kernel_argv(), "display_name": "old", "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(old))
    monkeypatch.setattr(kernel, "KERNEL_NAME", "scale-probe")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "prefix" / "share" / "jupyter"))
    assert kernel._resolved_env("scale-probe") == {}
    assert ensure_kernel("scale-probe") == "scale-probe"
    assert kernel._resolved_env("scale-probe") == KERNEL_ENV
    assert json.loads((folder / "kernel.json").read_text())["env"] == KERNEL_ENV


def _template(tmp_path: Path, failing: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    ok = nbformat.v4.new_code_cell("y = x + 1")
    ok.metadata["tags"] = ["section:data"]
    heading = nbformat.v4.new_code_cell("print('results')")
    heading.metadata["tags"] = ["section:results"]
    bad = nbformat.v4.new_code_cell(failing)
    nb.cells = [params, ok, heading, bad, nbformat.v4.new_code_cell("z = 3")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "failing.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.notebook
def test_failing_cell_names_its_section_and_keeps_the_partial_notebook(tmp_path: Path) -> None:
    template = _template(tmp_path, "raise ValueError('the outcome column is empty')")
    output = tmp_path / "out" / "report.ipynb"
    with pytest.raises(ReportError) as info:
        execute_template(template, output, {"x": 2}, timeout=60)
    message = str(info.value)
    assert "section 'results'" in message
    assert "ValueError: the outcome column is empty" in message
    assert str(output) in message
    assert output.is_file()
    nb = nbformat.read(output, as_version=4)
    found = failing_section(nb)
    assert found is not None and found[1] == "results"
    # the cells before the failure ran, the one after did not
    executed = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
    assert executed[-1] is None and executed[1] is not None


@pytest.mark.notebook
def test_report_kernel_runs_blas_on_one_thread(tmp_path: Path) -> None:
    template = _template(tmp_path, "import os; env = {k: os.environ.get(k) for k in sorted(ENV)}")
    nb = nbformat.read(template, as_version=4)
    nb.cells[-1].source = "print(env)"
    nbformat.write(nb, template)
    output = tmp_path / "out.ipynb"
    execute_template(template, output, {"x": 2, "ENV": sorted(KERNEL_ENV)}, timeout=60)
    printed = nbformat.read(output, as_version=4).cells[-1].outputs[0]["text"]
    assert printed.strip() == repr(dict(sorted(KERNEL_ENV.items())))


@pytest.mark.notebook
def test_standard_template_failure_names_the_data_section(tmp_path: Path) -> None:
    from outcomelab.example import generate_example

    generate_example(tmp_path / "sub", n_participants=60, n_pool=120, seed=4)
    out = tmp_path / "out"
    with pytest.raises(ReportError) as info:
        evaluate(
            data=tmp_path / "sub",
            out=out,
            params={"primary_outcome": "housing"},
            validate_data=False,
        )
    message = str(info.value)
    assert "section 'data'" in message
    assert "ParameterError" in message and "'housing'" in message
    assert (out / "report.ipynb").is_file()
    assert not (out / "results.json").exists()


@pytest.mark.notebook
def test_progress_hears_every_cell_with_its_section_and_time(tmp_path: Path) -> None:
    from outcomelab.reports.progress import CellEvent

    template = _template(tmp_path, "w = y * 2")
    events: list[CellEvent] = []
    execute_template(template, tmp_path / "out.ipynb", {"x": 2}, timeout=60, progress=events.append)
    started = [e.index for e in events if not e.finished]
    finished = [e for e in events if e.finished]
    # papermill adds the injected-parameters cell: six cells, each started and then finished
    assert started == list(range(6)) and [e.index for e in finished] == started
    assert {e.total for e in events} == {6}
    assert [e.section for e in finished] == [None, None, "data", "results", "results", "results"]
    assert all(e.seconds is not None and e.seconds >= 0 for e in finished)


@pytest.mark.notebook
def test_the_notebook_is_written_when_the_run_starts_and_ends_not_per_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import papermill.engines

    writes: list[int] = []
    write = papermill.engines.write_ipynb

    def counting(nb: nbformat.NotebookNode, path: str, **kwargs: object) -> None:
        writes.append(sum(1 for c in nb.cells if c.get("execution_count")))
        write(nb, path, **kwargs)

    monkeypatch.setattr(papermill.engines, "write_ipynb", counting)
    template = _template(tmp_path, "w = y * 2")
    output = tmp_path / "out.ipynb"
    execute_template(template, output, {"x": 2}, timeout=60)
    # papermill alone wrote 2 + 2 per cell (14 here); the last write holds every cell
    assert writes == [0, 6]
    nb = nbformat.read(output, as_version=4)
    assert all(c.metadata["papermill"]["duration"] is not None for c in nb.cells)
    assert [c.get("execution_count") for c in nb.cells] == [1, 2, 3, 4, 5, 6]


@pytest.mark.notebook
def test_progress_hears_the_failing_cell_finish_before_the_error(tmp_path: Path) -> None:
    template = _template(tmp_path, "raise ValueError('stop')")
    events: list[object] = []
    with pytest.raises(ReportError, match="section 'results'"):
        execute_template(
            template, tmp_path / "out.ipynb", {"x": 2}, timeout=60, progress=events.append
        )
    assert [getattr(e, "index", None) for e in events if getattr(e, "finished", False)][-1] == 4


def _kernels(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record the kernel managers the runner starts."""
    from outcomelab.reports import runner

    started: list[object] = []
    start = runner._start_kernel

    def recording(name: str, cwd: Path) -> object:
        km = start(name, cwd)
        started.append(km)
        return km

    monkeypatch.setattr(runner, "_start_kernel", recording)
    return started


@pytest.mark.notebook
def test_the_kernel_started_ahead_is_stopped_after_success_and_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _kernels(monkeypatch)
    execute_template(_template(tmp_path, "w = y * 2"), tmp_path / "ok.ipynb", {"x": 2}, timeout=60)
    with pytest.raises(ReportError, match="section 'results'"):
        execute_template(
            _template(tmp_path, "raise ValueError('no')"), tmp_path / "bad.ipynb", {"x": 2}
        )
    assert len(started) == 2
    assert not any(km.is_alive() for km in started)  # type: ignore[attr-defined]
    # the cells ran in the kernel started ahead, in the output's folder
    nb = nbformat.read(tmp_path / "ok.ipynb", as_version=4)
    assert [c.get("execution_count") for c in nb.cells] == [1, 2, 3, 4, 5, 6]


@pytest.mark.notebook
def test_a_kernel_that_dies_at_start_is_tried_again_then_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import sys

    folder = tmp_path / "kernels" / "dies"
    folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-c", "import sys; sys.exit(3)", "{connection_file}"],
        "display_name": "dies",
        "language": "python",
    }
    (folder / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    started = _kernels(monkeypatch)
    with pytest.raises(ReportError, match="report kernel 'dies' failed"):
        execute_template(
            _template(tmp_path, "w = 1"), tmp_path / "out.ipynb", {"x": 2}, kernel_name="dies"
        )
    assert len(started) == 2  # tried once more
    assert not any(km.is_alive() for km in started)  # type: ignore[attr-defined]
