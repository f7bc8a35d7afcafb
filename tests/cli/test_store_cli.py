"""`outcomelab submit` and `outcomelab submissions list/show`: output and exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from outcomelab.example import EXAMPLE_INTERVENTION_ID as IID
from outcomelab.example import generate_example


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    generate_example(tmp_path / "sub", n_participants=60, n_pool=60, seed=2)
    return tmp_path / "sub"


def test_submit_list_show(
    tmp_path: Path,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    store = str(tmp_path / "store")
    code, out, err = cli("submit", str(folder), "--intervention", IID, "--store", store)
    assert code == 0 and "Stored submission" in out and "version 1" in out
    # each step is shown as it finishes, with the files' size and the rows validated
    steps = [line.strip() for line in err.splitlines() if line.strip().startswith("✓")]
    assert [s.split()[1] for s in steps] == ["Reading", "Validating", "Converting", "Writing"]
    assert "MB)" in steps[0] and " rows in 4 tables" in steps[1]
    short = out.split("Stored submission ")[1][:12]
    code, out, _ = cli("submit", str(folder), "--intervention", IID, "--store", store)
    assert code == 0 and "already stored" in out and short in out
    files = [str(folder / f"{n}.csv") for n in ("interventions", "participants", "outcomes")]
    code, out, _ = cli("submit", *files, "--intervention", IID, "--store", store)
    assert code == 0 and "version 2" in out  # without costs: different content
    code, out, _ = cli("submissions", "list", "--store", store)
    assert code == 0 and short in out and len(out.strip().splitlines()) == 3
    header, first = out.strip().splitlines()[:2]
    assert header.split()[-2:] == ["participants", "comparison"]
    assert first.split()[-2:] == ["60", "60"]  # not 120 people called participants
    code, out, _ = cli("submissions", "show", short[:6], "--store", store)
    assert code == 0 and "participants.csv" in out and "version 1" in out
    code, _, err = cli("submissions", "show", "0000000", "--store", store)
    assert code == 1 and "No submission" in err and "Traceback" not in err


def test_invalid_submission_prints_failures_and_exits_1(
    tmp_path: Path,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    p = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    p.loc[4, "birth_year"] = "nineteen"
    p.to_csv(folder / "participants.csv", index=False)
    store = tmp_path / "store"
    code, _, err = cli("submit", str(folder), "--intervention", IID, "--store", str(store))
    assert code == 1, err
    assert "Traceback" not in err
    assert "not valid" in err and "birth_year" in err
    assert "nineteen" in err and "participants" in err
    code, out, _ = cli("submissions", "list", "--store", str(store))
    assert code == 0 and "No submissions" in out


def test_missing_file_is_a_read_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli: Callable[..., tuple[int, str, str]]
) -> None:
    code, _, err = cli(
        *["submit", str(tmp_path / "nope.csv"), "--intervention", IID, "--store", str(tmp_path)]
    )
    assert code == 2 and "does not exist" in err and "Traceback" not in err
