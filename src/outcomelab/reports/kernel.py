"""The Jupyter kernel report templates run in, registered for and verified against this Python.

The most common Papermill failure is ``NoSuchKernel`` (a kernelspec saved on someone else's
machine) or a kernel that silently starts another Python without outcomelab installed.
:func:`ensure_kernel` makes a kernelspec named ``outcomelab`` whose command is the running
interpreter (``sys.executable``), writes it into the environment's own ``share/jupyter/kernels``
(or the user's Jupyter data folder when the environment is read-only) and checks that Jupyter
resolves the name to this interpreter.

The kernel runs the linear algebra of one report on one thread (:data:`KERNEL_ENV`): a report's
matrices are small (cells x units), and a multi-threaded BLAS on a machine whose cores are busy
(parallel batch workers, other users) spins for up to a second per product, where one thread
takes milliseconds (``benchmarks/report.py``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from outcomelab.errors import ReportError

__all__ = ["KERNEL_ENV", "KERNEL_NAME", "ensure_kernel"]

#: name of the kernelspec report templates are executed with
KERNEL_NAME = "outcomelab"

#: environment of the report kernel: single-threaded BLAS (OpenBLAS, MKL, OpenMP builds); a
#: 22,000 x 36 Gram matrix took 1.03 s with two OpenBLAS threads at load 7 and 0.0065 s with one
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def _kernel_argv() -> list[str]:
    # --log-level=ERROR: keep the kernel's start-up warnings (e.g. about unencrypted local TCP)
    # out of the terminal of `outcomelab evaluate`; cell errors still reach the notebook
    return [
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "--log-level=ERROR",
        "-f",
        "{connection_file}",
    ]


def _spec_dict() -> dict[str, object]:
    return {
        "argv": _kernel_argv(),
        "display_name": f"outcomelab ({Path(sys.prefix).name})",
        "language": "python",
        "env": dict(KERNEL_ENV),
        "metadata": {"debugger": False},
    }


def _resolved_argv(name: str) -> list[str] | None:
    """The command line of kernel ``name`` as Jupyter resolves it (None: no such kernel)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return list(KernelSpecManager().get_kernel_spec(name).argv)
    except NoSuchKernel:
        return None


def _resolved_env(name: str) -> dict[str, str] | None:
    """The environment kernel ``name`` sets, as Jupyter resolves it (None: no such kernel)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return dict(KernelSpecManager().get_kernel_spec(name).env)
    except NoSuchKernel:
        return None


def _resolved_executable(name: str) -> str | None:
    """The interpreter Jupyter would start for kernel ``name`` (None: no such kernel)."""
    argv = _resolved_argv(name)
    if argv is None:
        return None
    spec_argv = argv
    if not spec_argv:
        return None
    first = spec_argv[0]
    # jupyter_client itself replaces a bare "python" by the running interpreter
    if first in {"python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"}:
        return sys.executable
    return first


def _same_interpreter(path: str | None) -> bool:
    # compare unresolved absolute paths: two virtualenvs symlink to the same base interpreter
    return path is not None and Path(path).absolute() == Path(sys.executable).absolute()


def _write_spec(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_spec_dict(), indent=1)
    # atomic replace: parallel report runs may register the kernel at the same time
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".kernel-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, folder / "kernel.json")


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Make sure a Jupyter kernel called ``name`` starts the running interpreter; return the name.

    Parameters
    ----------
    name
        Kernelspec name to register or verify.

    Returns
    -------
    str
        The kernel name to pass to Papermill.

    Raises
    ------
    ReportError
        If no kernelspec pointing at this interpreter can be written or resolved.
    """
    ours = name == KERNEL_NAME
    if _same_interpreter(_resolved_executable(name)) and (
        not ours or (_resolved_argv(name) == _kernel_argv() and _resolved_env(name) == KERNEL_ENV)
    ):
        return name
    from jupyter_core.paths import jupyter_data_dir

    candidates = [
        Path(sys.prefix) / "share" / "jupyter" / "kernels" / name,
        Path(jupyter_data_dir()) / "kernels" / name,
    ]
    errors = []
    for folder in candidates:
        try:
            _write_spec(folder)
        except OSError as err:
            errors.append(f"{folder}: {err}")
            continue
        if _same_interpreter(_resolved_executable(name)):
            return name
    found = _resolved_executable(name)
    raise ReportError(
        f"The Jupyter kernel {name!r} could not be registered for {sys.executable} "
        f"(Jupyter resolves it to {found!r}; write errors: {'; '.join(errors) or 'none'}). "
        f"Run `{sys.executable} -m ipykernel install --sys-prefix --name {name}` and try again."
    )
