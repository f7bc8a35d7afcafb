"""Property tests are random on a developer's machine and derandomized in CI (root conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]


def test_this_run_uses_the_profile_of_its_environment() -> None:
    expected = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    assert settings.default.derandomize is (expected == "ci")


def test_ci_draws_the_same_examples_every_run(tmp_path: Path) -> None:
    """Two CI runs of a property test see the same examples; two local runs do not."""
    (tmp_path / "test_draws.py").write_text(
        "import os\n"
        "from hypothesis import given, strategies as st\n"
        "@given(st.integers(0, 10**12))\n"
        "def test_draw(x):\n"
        "    with open(os.environ['DRAWS'], 'a') as f:\n"
        "        f.write(f'{x}\\n')\n",
        encoding="utf-8",
    )
    (tmp_path / "conftest.py").write_text((ROOT / "conftest.py").read_text(), encoding="utf-8")

    def draws(ci: bool, run: int) -> list[str]:
        log = tmp_path / f"draws-{ci}-{run}.txt"
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
        env |= {"DRAWS": str(log)} | ({"CI": "true"} if ci else {})
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
             str(tmp_path / "test_draws.py")],
            cwd=tmp_path, env=env, check=True, capture_output=True,
        )  # fmt: skip
        return log.read_text().split()

    assert draws(ci=True, run=1) == draws(ci=True, run=2)
    assert draws(ci=False, run=1) != draws(ci=False, run=2)
