"""Benchmark of start-up time: ``import outcomelab`` and ``outcomelab --help`` (goal < 0.5 s).

Usage::

    .venv/bin/python benchmarks/import_time.py             # 15 runs each
    .venv/bin/python benchmarks/import_time.py --repeat 31

Each command runs in a fresh interpreter (``subprocess``), so nothing is cached in the process;
the operating system's file cache is warm after the first run (the first run is dropped). Each
run's wall time and CPU time (user + system of the child process, from ``os.wait4``) are
recorded; on a loaded machine the wall time includes waiting for a core, the CPU time does not,
so the goal is judged on both and the CPU time is the fairer figure under load. The
peers in the same run: a bare interpreter (``python -c pass``, the floor no package can go
under) and ``import pandas`` (what every command paid before start-up became lazy). Printed per
command: median and max wall seconds, the median minus the bare interpreter's, the ratio to
``import pandas``, the goal and whether it is met, and the heavy modules the command imports
(SciPy, numba, matplotlib, pandas, the Jupyter machinery) -- none for the two start-up commands.
The machine's ``uptime`` is printed before and after: on a loaded machine every wall figure is
pessimistic, the ratios and CPU times much less so.
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


def _time(command: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (user + system of the child) of each run after the first."""
    walls, cpus = [], []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed with exit code {child.returncode}")
        cpus.append(usage.ru_utime + usage.ru_stime)
    return walls[1:], cpus[1:]  # the first run warms the file cache


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


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
    print(f"uptime before: {_uptime()}")
    print(f"{args.repeat} runs per command, medians\n")
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}
    for name, cmd in COMMANDS.items():
        wall, cpu = _time(cmd, args.repeat)
        walls[name], cpus[name] = statistics.median(wall), statistics.median(cpu)
    floor, pandas = walls["python -c pass (floor)"], walls["import pandas (peer)"]
    header = (
        f"{'command':<26}{'wall s':>9}{'CPU s':>8}{'wall - floor':>14}{'/ pandas':>10}"
        f"{'goal':>7}  met (wall, CPU)"
    )
    print(header)
    print("-" * len(header))
    for name, wall in walls.items():
        goal = GOALS.get(name)
        met = ""
        if goal is not None:
            met = f"{'yes' if wall < goal else 'NO'}, {'yes' if cpus[name] < goal else 'NO'}"
        goal_text = "" if goal is None else f"{goal:.1f}"
        print(
            f"{name:<26}{wall:>9.3f}{cpus[name]:>8.3f}{wall - floor:>14.3f}{wall / pandas:>10.2f}"
            f"{goal_text:>7}  {met}"
        )
    print()
    for name in GOALS:
        heavy = _heavy_modules(name)
        print(f"heavy modules imported by {name!r}: {', '.join(heavy) or 'none'}")
    print(f"\nuptime after: {_uptime()}")
    if any(walls[n] >= g for n, g in GOALS.items()):
        print("Goal not met in wall time on this run (compare the CPU time and the load).")


if __name__ == "__main__":
    main()
