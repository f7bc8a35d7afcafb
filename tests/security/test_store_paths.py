"""Paths are checked before any work, with one line that says what to do; the store cleans up.

Attacks (issue 14): ``evaluate --out`` onto an existing file, a store path that is a regular
file, a read-only store and ``OUTCOMELAB_HOME=~/...`` (a literal ``~`` folder was created) were
internal or confusing errors after the whole validation had run; a ``kill -9`` during ``submit``
left the staged copy of the data in the store's ``tmp/`` for ever; a submission of header-only
tables was stored as version 1 with 0 participants and 0 outcomes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from outcomelab.errors import InputError, SchemaError, StoreError
from outcomelab.example import EXAMPLE_INTERVENTION_ID as IID
from outcomelab.example import generate_example
from outcomelab.store import Store, default_store_path


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ex") / "sub"
    generate_example(folder, n_participants=60, n_pool=60, seed=3)
    return folder


@pytest.fixture()
def invalid(tmp_path: Path, example: Path) -> Path:
    """A submission that fails validation: a path check must come before it."""
    folder = tmp_path / "invalid"
    shutil.copytree(example, folder)
    text = (folder / "outcomes.csv").read_text()
    (folder / "outcomes.csv").write_text(text.replace(",employment,", ",no_such_outcome,", 1))
    return folder


def _one_line(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Internal error" not in err and "Traceback" not in err


# -- the store path ------------------------------------------------------------------------------
def test_store_path_that_is_a_file_is_refused_before_validation(
    cli, tmp_path: Path, invalid: Path
) -> None:
    afile = tmp_path / "store.txt"
    afile.write_text("mine")
    for store in (afile, afile / "inside"):
        code, _, err = cli("submit", str(invalid), "-i", IID, "--store", str(store))
        assert code == 1, err
        _one_line(err)
        assert "is a file" in err and "not valid" not in err
    assert afile.read_text() == "mine"
    with pytest.raises(StoreError, match="is a file"):
        Store(afile).list()


def test_outcomelab_home_with_a_tilde_is_the_home_folder(
    tmp_path: Path, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OUTCOMELAB_HOME", "~/lab-store")
    monkeypatch.chdir(tmp_path)
    assert default_store_path() == tmp_path / "home" / "lab-store"
    info = Store().submit(example, intervention_id=IID)
    assert info.path.is_relative_to(tmp_path / "home" / "lab-store")
    assert not (tmp_path / "~").exists()
    assert Store("~/lab-store").list().shape[0] == 1


def test_submit_and_list_as_another_user_on_a_read_only_store(example: Path) -> None:
    """A store the user cannot write: submit says so before validating; reading still works."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run the command as an unprivileged user")
    shared = Path(tempfile.mkdtemp(prefix="ol-readonly-"))
    try:
        os.chmod(shared, 0o755)
        store = shared / "store"
        Store(store).submit(example, intervention_id=IID)
        data = shared / "data"
        shutil.copytree(example, data)
        for path in [shared, *shared.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        cmd = [*nobody, sys.executable, "-c", "from outcomelab.cli.main import run; run()"]
        env = {**os.environ, "HOME": str(shared)}
        run = subprocess.run(
            [*cmd, "submit", str(data), "-i", "other-id", "--store", str(store)],
            capture_output=True, text=True, env=env, timeout=900, check=False,
        )  # fmt: skip
        assert run.returncode == 1, run.stderr
        _one_line(run.stderr)
        assert "read-only" in run.stderr or "cannot write" in run.stderr
        listed = subprocess.run(
            [*cmd, "submissions", "list", "--store", str(store)],
            capture_output=True, text=True, env=env, timeout=900, check=False,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert IID in listed.stdout
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# -- evaluate --out ------------------------------------------------------------------------------
def test_evaluate_out_onto_a_file_is_refused_before_anything_runs(
    cli, tmp_path: Path, invalid: Path
) -> None:
    afile = tmp_path / "report.html"
    afile.write_text("my report")
    for out in (afile, afile / "sub"):
        code, _, err = cli("evaluate", "--out", str(out), "--data", str(invalid))
        assert code == 1, err
        _one_line(err)
        assert "--out" in err and "is a file" in err
    assert afile.read_text() == "my report"


def test_evaluate_out_never_overwrites_a_users_files(cli, tmp_path: Path, invalid: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "report.html").write_text("my own report")
    code, _, err = cli("evaluate", "--out", str(out), "--data", str(invalid))
    assert code == 1, err
    _one_line(err)
    assert "report.html" in err
    assert (out / "report.html").read_text() == "my own report"


def test_evaluate_with_a_store_that_is_a_file_is_refused_first(cli, tmp_path: Path) -> None:
    afile = tmp_path / "store"
    afile.write_text("x")
    code, _, err = cli(
        "evaluate", "--out", str(tmp_path / "o"), "--submission", "abcd", "--store", str(afile)
    )
    assert code == 1, err
    _one_line(err)
    assert "is a file" in err
    assert not (tmp_path / "o").exists()


# -- stale staging after kill -9 -------------------------------------------------------------------
KILLED_SUBMIT = textwrap.dedent(
    """
    import os, signal, sys
    import outcomelab.store.store as store_module
    from outcomelab.store import Store

    real = store_module._write_table
    def write_then_die(table, path):
        real(table, path)
        os.kill(os.getpid(), signal.SIGKILL)
    store_module._write_table = write_then_die
    Store(sys.argv[1]).submit(sys.argv[2], intervention_id=sys.argv[3])
    """
)


def _staged(store: Path) -> list[str]:
    tmp = store / "tmp"
    return sorted(p.name for p in tmp.iterdir()) if tmp.is_dir() else []


def test_staging_of_a_killed_submit_is_removed_at_the_next_write(
    tmp_path: Path, example: Path
) -> None:
    store = tmp_path / "store"
    run = subprocess.run(
        [sys.executable, "-c", KILLED_SUBMIT, str(store), str(example), IID],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert _staged(store), "the killed process left its staging folder"
    other = tmp_path / "other"
    shutil.copytree(example, other)
    (other / "costs.csv").unlink()
    Store(store).submit(other, intervention_id=IID)
    assert _staged(store) == []


def test_a_live_submit_in_progress_is_not_cleaned(tmp_path: Path, example: Path) -> None:
    import outcomelab.store.store as store_module

    store = Store(tmp_path / "store")
    with store_module._staging(store.path / "tmp", "feedface") as work:
        work.mkdir()
        (work / "half.parquet").write_bytes(b"...")
        store.submit(example, intervention_id=IID)  # cleans stale staging under the lock
        assert (work / "half.parquet").is_file()
    assert _staged(store.path) == []


# -- empty submissions -----------------------------------------------------------------------------
@pytest.fixture()
def header_only(tmp_path: Path, example: Path) -> Iterator[Path]:
    folder = tmp_path / "empty"
    shutil.copytree(example, folder)
    for name in ("participants", "outcomes"):
        header = (folder / f"{name}.csv").read_text().splitlines()[0]
        (folder / f"{name}.csv").write_text(header + "\n")
    yield folder


def test_header_only_tables_are_not_a_submission(tmp_path: Path, header_only: Path, cli) -> None:
    with pytest.raises(SchemaError) as caught:
        Store(tmp_path / "store").submit(header_only, intervention_id=IID)
    failures = caught.value.failures
    assert failures is not None
    assert set(failures.loc[failures["check"] == "empty_table", "table"]) == {
        "participants",
        "outcomes",
    }
    assert Store(tmp_path / "store").list().empty
    code, out, _ = cli("validate", str(header_only))
    assert code == 1 and "empty_table" in out


def test_a_submission_needs_participants_as_well_as_outcomes(tmp_path: Path, example: Path) -> None:
    folder = tmp_path / "no-participants"
    shutil.copytree(example, folder)
    (folder / "participants.csv").unlink()
    with pytest.raises((SchemaError, InputError)):
        Store(tmp_path / "store").submit(folder, intervention_id=IID)
