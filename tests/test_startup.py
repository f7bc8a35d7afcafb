"""Start-up stays light: ``import outcomelab`` and ``outcomelab --help`` load no heavy library.

A module-set check, not a timing (timings live in ``benchmarks/import_time.py``): SciPy, numba,
matplotlib, pandas and the Jupyter machinery are imported only by the commands that use them.
Each check runs in a fresh interpreter so nothing imported by another test counts.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "numba", "matplotlib", "pandas", "papermill", "nbformat", "nbconvert", "jupyter")

_IMPORT = "import outcomelab"
_HELP = (
    "import sys\n"
    "sys.argv = ['outcomelab', '--help']\n"
    "from outcomelab.cli.main import run\n"
    "try:\n"
    "    run()\n"
    "except SystemExit:\n"
    "    pass\n"
)


def _heavy_after(code: str) -> list[str]:
    report = (
        f"\nimport json, sys\nheavy = {HEAVY!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules "
        "if m.split('.')[0].startswith(heavy)})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code + report], capture_output=True, text=True, check=True
    )
    last = done.stdout.strip().splitlines()[-1]
    found: list[str] = json.loads(last)
    return found


@pytest.mark.parametrize(("what", "code"), [("import outcomelab", _IMPORT), ("--help", _HELP)])
def test_start_up_imports_no_heavy_library(what: str, code: str) -> None:
    assert _heavy_after(code) == [], f"{what} imports heavy libraries"


def test_the_check_sees_a_heavy_import() -> None:
    # the check can fail: importing the estimators does load NumPy's neighbours
    assert "pandas" in _heavy_after("import outcomelab.did")
