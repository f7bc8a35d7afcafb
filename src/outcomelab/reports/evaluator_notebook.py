"""The evaluator's own notebook: the standard template with a submission's parameters filled in.

Evaluators run template notebooks. :func:`write_notebook` writes a copy of the standard template
with the parameters injected (Papermill's prepare-only path: nothing is executed), checked exactly
as :func:`outcomelab.reports.evaluate` checks them, so that an evaluator can open it in JupyterLab,
run it top to bottom, look inside each step, change a choice and run it again. Its outputs
(``results.json``, ``provenance.json``, ``figures/``) go to a folder beside the notebook, named
after it. :func:`open_in_jupyterlab` starts JupyterLab on it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from outcomelab.errors import ParameterError, ReportError
from outcomelab.paths import check_output_folder, expand_home
from outcomelab.reports.api import OUTPUT_NAMES, evaluation_parameters
from outcomelab.reports.kernel import ensure_kernel

__all__ = ["open_in_jupyterlab", "output_folder", "write_notebook"]


def output_folder(notebook: str | Path) -> Path:
    """Where the notebook writes ``results.json`` and ``figures/``: ``eval.ipynb`` -> ``eval/``."""
    return Path(notebook).with_suffix("")


def _check_notebook_path(notebook: str | Path) -> Path:
    path = expand_home(notebook)
    if path.suffix != ".ipynb":
        raise ParameterError(f"--out must name a notebook file ending in .ipynb; got {path}.")
    if path.exists() or path.is_symlink():
        raise ParameterError(
            f"{path} already exists; give a new file name (the notebook is never written over: "
            "it may hold an evaluator's changes)."
        )
    if path.parent.exists() and not path.parent.is_dir():
        raise ParameterError(f"{path.parent} is a file; --out must be in a folder.")
    return path.resolve()


def write_notebook(
    notebook: str | Path,
    *,
    submission: str | None = None,
    data: str | Path | None = None,
    store: str | Path | None = None,
    intervention: str | None = None,
    template: str | Path = "standard",
    params: Mapping[str, Any] | None = None,
    lang: str | None = None,
    validate_data: bool = True,
    kernel_name: str | None = None,
) -> Path:
    """Write the standard template with the evaluation's parameters as ``notebook``.

    Parameters
    ----------
    notebook
        The notebook to write (``.ipynb``, must not exist).
    submission, data, store, intervention, template, params, lang, validate_data
        As :func:`outcomelab.reports.evaluate`, checked the same way before anything is written.
    kernel_name
        The notebook's Jupyter kernel; by default the ``outcomelab`` kernel of this interpreter.

    Returns
    -------
    pathlib.Path
        ``notebook``. Running it writes its outputs into :func:`output_folder`.

    Raises
    ------
    ParameterError
        ``notebook`` exists or is not an ``.ipynb``; unknown or ill-typed parameters; neither or
        both of ``submission`` and ``data``.
    StoreError, SchemaError
        As :func:`outcomelab.reports.evaluate`.

    Examples
    --------
    >>> from outcomelab.example import example_dir
    >>> write_notebook("eval.ipynb", data=example_dir(), lang="sv")  # doctest: +SKIP
    """
    import papermill

    path = _check_notebook_path(notebook)
    outputs = check_output_folder(output_folder(path), option="--out", writes=OUTPUT_NAMES)
    template_path, checked = evaluation_parameters(
        outputs.resolve(),
        submission=submission,
        data=data,
        store=store,
        intervention=intervention,
        template=template,
        params=params,
        lang=lang,
        validate_data=validate_data,
    )
    if "both_languages" in checked and "both_languages" not in (params or {}):
        # the evaluator reads one language: each display cell shows only ``lang``'s output
        checked["both_languages"] = False
    path.parent.mkdir(parents=True, exist_ok=True)
    kernel = kernel_name or ensure_kernel()
    prepared = papermill.execute_notebook(
        str(template_path),
        None,
        parameters=checked,
        prepare_only=True,
        kernel_name=kernel,
        progress_bar=False,
        log_output=False,
    )
    # the kernel JupyterLab starts for it: this interpreter, where outcomelab is installed
    prepared.metadata["kernelspec"] = _kernelspec(kernel)
    nbformat.write(prepared, str(path))
    return path


def _kernelspec(name: str) -> dict[str, str]:
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(name)
    return {"name": name, "display_name": spec.display_name, "language": spec.language}


def open_in_jupyterlab(notebook: str | Path) -> int:
    """Start JupyterLab on ``notebook`` (blocks until JupyterLab is stopped); its exit code.

    Raises
    ------
    ReportError
        JupyterLab is not installed in this environment.
    """
    import importlib.util

    if importlib.util.find_spec("jupyterlab") is None:
        raise ReportError(
            "JupyterLab is not installed in this environment; install it (pip install "
            f"jupyterlab) or open {notebook} in your own Jupyter."
        )
    return subprocess.call([sys.executable, "-m", "jupyterlab", str(notebook)])
