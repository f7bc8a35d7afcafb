"""Execute a report template with Papermill: explicit kernel, time limit, readable failures.

A failing cell becomes one :class:`~outcomelab.errors.ReportError` that names the report section the
cell belongs to (cells carry a ``section:<key>`` tag) and the error, and says where the partly
executed notebook was kept.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from outcomelab.errors import ReportError
from outcomelab.reports.kernel import ensure_kernel
from outcomelab.reports.progress import ENGINE_NAME, ProgressCallback, cell_sections

__all__ = ["ExecutionTiming", "execute_template", "failing_section", "section_of_cell"]


@dataclass(frozen=True)
class ExecutionTiming:
    """Wall-clock seconds of one template run."""

    kernel_start: float
    total: float


def section_of_cell(nb: nbformat.NotebookNode, index: int) -> str | None:
    """The section key of cell ``index``: its own ``section:`` tag or the nearest one above it."""
    sections = cell_sections(nb.cells[: max(0, min(index, len(nb.cells) - 1)) + 1])
    return sections[-1] if sections else None


def failing_section(nb: nbformat.NotebookNode) -> tuple[int, str | None, str, str] | None:
    """Find the first cell with an error output: ``(index, section, error name, error value)``."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, section_of_cell(nb, index), output["ename"], output["evalue"]
    return None


def _section_label(key: str | None) -> str:
    return key.replace("_", " ") if key else "set-up"


def execute_template(
    template: str | Path,
    output: str | Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str | None = None,
    timeout: float = 900,
    cwd: str | Path | None = None,
    retries: int = 1,
    progress: ProgressCallback | None = None,
) -> ExecutionTiming:
    """Run ``template`` with ``parameters`` and save the executed notebook as ``output``.

    Parameters
    ----------
    template
        The template notebook (checked parameters must be passed; see
        :func:`outcomelab.reports.parameters.check_parameters`).
    output
        Where to write the executed notebook (also written when a cell fails).
    parameters
        Parameter values to inject.
    kernel_name
        Jupyter kernel; by default the ``outcomelab`` kernel of this interpreter
        (see :func:`outcomelab.reports.kernel.ensure_kernel`).
    timeout
        Seconds one cell may run before the run is stopped.
    cwd
        Working folder of the kernel (defaults to the folder of ``output``).
    retries
        How often to retry a kernel that fails to start (a ZMQ port race is known).
    progress
        Called when each cell starts and finishes (a
        :class:`~outcomelab.reports.progress.CellEvent`).

    Returns
    -------
    ExecutionTiming
        Seconds until the kernel answered and in total.

    Raises
    ------
    ReportError
        Naming the failing section and the error; the partial notebook is kept at ``output``.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    kernel = kernel_name or ensure_kernel()
    folder = Path(cwd or output.parent)
    start = time.perf_counter()
    # the kernel boots while papermill is imported and the notebook is read and parameterised
    kernels = [_start_kernel(kernel, folder)]
    try:
        _run(template, output, parameters, kernels, kernel, folder, timeout, retries, progress)
    finally:
        _stop_kernel(kernels[-1])
    total = time.perf_counter() - start
    return ExecutionTiming(kernel_start=_kernel_start_seconds(output), total=total)


#: nbclient's own kernel arguments for notebook runs: no IPython history database
_KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)


def _start_kernel(name: str, cwd: Path) -> Any:
    """Start the Jupyter kernel ``name`` in ``cwd`` and return its manager (not yet ready)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=name)
    try:
        km.start_kernel(cwd=str(cwd), extra_arguments=list(_KERNEL_ARGUMENTS))
    except Exception as err:
        raise ReportError(
            f"The report kernel {name!r} could not be started ({type(err).__name__}: {err})."
        ) from None
    return km


def _stop_kernel(km: Any) -> None:
    """Shut the kernel down (it may have died already)."""
    try:
        if km.is_alive():
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
    except Exception:  # a kernel that cannot be stopped must not hide the run's own result
        pass


def _run(
    template: str | Path,
    output: Path,
    parameters: Mapping[str, Any],
    kernels: list[Any],
    kernel: str,
    cwd: Path,
    timeout: float,
    retries: int,
    progress: ProgressCallback | None,
) -> None:
    """Papermill on the last started kernel of ``kernels``; a kernel that fails to start is
    stopped and a new one started (and appended)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    attempt = 0
    while True:
        try:
            papermill.execute_notebook(
                str(template),
                str(output),
                parameters=dict(parameters),
                kernel_name=kernel,
                execution_timeout=timeout,
                start_timeout=120,
                progress_bar=False,
                log_output=False,
                cwd=str(cwd),
                engine_name=ENGINE_NAME,
                km=kernels[-1],
                **({"progress": progress} if progress else {}),
            )
            return
        except PapermillExecutionError as err:
            raise _execution_error(output, err.ename, err.evalue) from None
        except (RuntimeError, TimeoutError) as err:
            # the kernel did not start or died; the notebook may not have been executed at all
            if attempt < retries and "kernel" in str(err).lower() and not _any_executed(output):
                attempt += 1
                _stop_kernel(kernels[-1])
                kernels.append(_start_kernel(kernel, cwd))
                continue
            raise ReportError(
                f"The report kernel {kernel!r} failed ({type(err).__name__}: {err}). "
                f"The partly executed notebook, if any, is at {output}."
            ) from None
        except Exception as err:
            if type(err).__name__ in {"CellTimeoutError", "DeadKernelError"}:
                raise _execution_error(output, type(err).__name__, str(err)) from None
            raise


def _any_executed(path: Path) -> bool:
    if not path.exists():
        return False
    nb = nbformat.read(path, as_version=4)
    return any(c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def _execution_error(output: Path, ename: str, evalue: str) -> ReportError:
    where = "an unknown section"
    if output.exists():
        nb = nbformat.read(output, as_version=4)
        found = failing_section(nb)
        if found is not None:
            where = f"section '{_section_label(found[1])}' (cell {found[0]})"
        else:
            # a timeout leaves no error output: blame the first cell that did not finish
            for index, cell in enumerate(nb.cells):
                status = cell.get("metadata", {}).get("papermill", {}).get("status")
                if cell.cell_type == "code" and status in {"running", "pending"}:
                    where = f"section '{_section_label(section_of_cell(nb, index))}' (cell {index})"
                    break
    first_line = (evalue or "").strip().splitlines()[0] if (evalue or "").strip() else ""
    return ReportError(
        f"The report failed in {where}: {ename}: {first_line}. The partly executed notebook is "
        f"kept at {output}; open it to see the full error."
    )


def _kernel_start_seconds(path: Path) -> float:
    """Seconds from the notebook's start until its first cell started (kernel start-up)."""
    from datetime import datetime

    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("papermill", {})
    started = meta.get("start_time")
    for cell in nb.cells:
        first = cell.get("metadata", {}).get("papermill", {}).get("start_time")
        if started and first:
            return (datetime.fromisoformat(first) - datetime.fromisoformat(started)).total_seconds()
    return float("nan")
