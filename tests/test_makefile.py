"""``make demo`` on a fresh machine says what it installs before it starts and shows pip's progress
(issue 15: the first run installed about a gigabyte for minutes in silence)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("target", "extras"), [("demo", "-e ."), ("lint", '-e ".[dev]"')])
def test_a_first_install_says_its_size_and_time_first_and_shows_progress(
    tmp_path: Path, target: str, extras: str
) -> None:
    planned = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    install = next(
        i for i, line in enumerate(planned) if f"pip install --progress-bar on {extras}" in line
    )
    said = " ".join(planned[:install])
    assert "GB" in said and "minutes" in said and "progress" in said
    assert "--quiet" not in planned[install]
