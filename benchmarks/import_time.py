"""Benchmark of start-up time: ``import outcomelab`` and ``outcomelab --help`` (goal < 0.5 s).

Usage::

    .venv/bin/python benchmarks/import_time.py             # 15 runs each
    .venv/bin/python benchmarks/import_time.py --repeat 31

Each command runs in a fresh interpreter (``subprocess``), so nothing is cached in the process;
the operating system's file cache is warm after the first run (the first run is dropped). The
peers in the same run: a bare interpreter (``python -c pass``, the floor no package can go
under) and ``import pandas`` (what every command paid before start-up became lazy). Printed per
command: median and max wall seconds, the median minus the bare interpreter's, the ratio to
``import pandas``, the goal and whether it is met, and the heavy modules the command imports
(SciPy, numba, matplotlib, pandas, the Jupyter machinery) -- none for the two start-up commands.
The machine's load (``os.getloadavg``) is printed: on a loaded machine every figure is
pessimistic, the ratios much less so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 0.5
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("outcomelab"))
HEAVY = ("scipy", "numba", "matplotlib", "pandas", "nbformat", "papermill", "nbconvert", "jupyter")

COMMANDS: dict[str, list[str]] = {
    "python -c pass (floor)": [PYTHON, "-c", "pass"],
    "import pandas (peer)": [PYTHON, "-c", "import pandas"],
    "import outcomelab": [PYTHON, "-c", "import outcomelab"],
    "outcomelab --help": [CLI, "--help"],
}
GOALS = {"import outcomelab": GOAL, "outcomelab --help": GOAL}


def _time(command: list[str], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - start)
    return seconds[1:]  # the first run warms the file cache


def _heavy_modules(name: str) -> list[str]:
    """Heavy top-level packages the command imports (read from ``-X importtime``)."""
    if name == "outcomelab --help":
        code = (
            "import sys; sys.argv = ['outcomelab', '--help']\n"
            "from outcomelab.cli.main import run\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
        )
    elif name == "import outcomelab":
        code = "import outcomelab"
    else:
        return []
    found = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    ).stderr
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in found.splitlines()}
    return sorted(m for m in modules if m.startswith(HEAVY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (odd)")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): {load}; {args.repeat} runs per command, medians\n")
    medians = {name: statistics.median(_time(cmd, args.repeat)) for name, cmd in COMMANDS.items()}
    floor, pandas = medians["python -c pass (floor)"], medians["import pandas (peer)"]
    header = f"{'command':<26}{'median s':>10}{'minus floor':>13}{'/ pandas':>10}{'goal':>7}  met"
    print(header)
    print("-" * len(header))
    for name, median in medians.items():
        goal = GOALS.get(name)
        met = "" if goal is None else ("yes" if median < goal else "NO")
        goal_text = "" if goal is None else f"{goal:.1f}"
        print(
            f"{name:<26}{median:>10.3f}{median - floor:>13.3f}{median / pandas:>10.2f}"
            f"{goal_text:>7}  {met}"
        )
    print()
    for name in GOALS:
        heavy = _heavy_modules(name)
        print(f"heavy modules imported by {name!r}: {', '.join(heavy) or 'none'}")
    if any(medians[n] >= g for n, g in GOALS.items()):
        print("\nGoal not met on this run (check the load average above).")


if __name__ == "__main__":
    main()
