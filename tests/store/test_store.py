"""The submission store: versions, idempotence, refusing invalid data, atomicity, concurrency."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import outcomelab.store.store as store_module
from outcomelab.errors import InputError, SchemaError, StoreError
from outcomelab.example import EXAMPLE_INTERVENTION_ID as IID
from outcomelab.example import generate_example
from outcomelab.store import Store


def _example(folder: Path, seed: int = 1) -> Path:
    generate_example(folder, n_participants=60, n_pool=60, seed=seed)
    return folder


def _snapshot(store: Store) -> tuple[dict[str, str], list[list[object]]]:
    """Every file under submissions/ and tmp/ with its hash, and the catalogue listing."""
    files = {}
    for sub in ("submissions", "tmp"):
        root = store.path / sub
        if root.exists():
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    files[str(p.relative_to(store.path))] = hashlib.sha256(
                        p.read_bytes()
                    ).hexdigest()
    return files, store.list().astype(str).to_numpy().tolist()


@pytest.fixture()
def sub1(tmp_path: Path) -> Path:
    return _example(tmp_path / "sub1", seed=1)


def test_submit_keeps_originals_and_normalised_tables(tmp_path: Path, sub1: Path) -> None:
    store = Store(tmp_path / "store")
    info = store.submit(sub1, intervention_id=IID, submitted_by="tester")
    assert info.created and info.version == 1 and len(info.submission_id) == 64
    assert info.row_counts["participants"] == 120
    assert info.row_counts["outcomes"] == 120 * 40
    sub = store.get(info.short_id)
    for name in ("participants.csv", "outcomes.csv", "interventions.csv", "costs.csv"):
        original = next(p for p in sub.original_files() if p.name == name)
        assert original.read_bytes() == (sub1 / name).read_bytes()  # byte for byte
    outcomes = sub.table("outcomes")
    expected = pd.read_csv(sub1 / "outcomes.csv", dtype={"period": str})
    assert len(outcomes) == len(expected)
    assert outcomes["value"].sum() == pytest.approx(expected["value"].sum())
    participants = sub.table("participants")
    assert pd.api.types.is_datetime64_any_dtype(participants["start_date"])
    assert (sub.path / "manifest.json").is_file()
    listing = store.list()
    assert listing.loc[0, "submission_id"] == info.submission_id
    # participants are counted apart from the comparison candidates (60 + 60 rows)
    assert listing.loc[0, "n_participants"] == 60
    assert listing.loc[0, "n_comparison"] == 60


def test_identical_content_is_idempotent(tmp_path: Path, sub1: Path) -> None:
    store = Store(tmp_path / "store")
    first = store.submit(sub1, intervention_id=IID)
    before = _snapshot(store)
    again = store.submit(sub1, intervention_id=IID)
    assert again.submission_id == first.submission_id and not again.created
    # the same content with rows shuffled and as DataFrames: still the same id
    tables = {n: pd.read_csv(sub1 / f"{n}.csv", dtype=str, keep_default_na=False)
              for n in ("interventions", "participants", "outcomes", "costs")}  # fmt: skip
    tables["outcomes"] = tables["outcomes"].sample(frac=1.0, random_state=3)
    shuffled = store.submit(tables, intervention_id=IID)
    assert shuffled.submission_id == first.submission_id and not shuffled.created
    # typed DataFrames straight from the generator normalise to the same content as the CSVs
    typed = generate_example(n_participants=60, n_pool=60, seed=1)
    assert store.submit(dict(typed), intervention_id=IID).submission_id == first.submission_id
    assert _snapshot(store) == before
    assert len(store.list()) == 1


def test_changed_content_is_a_new_version(tmp_path: Path, sub1: Path) -> None:
    store = Store(tmp_path / "store")
    first = store.submit(sub1, intervention_id=IID)
    changed = tmp_path / "changed"
    changed.mkdir()
    for f in sub1.iterdir():
        (changed / f.name).write_bytes(f.read_bytes())
    outcomes = pd.read_csv(changed / "outcomes.csv", dtype=str)
    outcomes.loc[0, "value"] = "1" if outcomes.loc[0, "value"] == "0" else "0"
    outcomes.to_csv(changed / "outcomes.csv", index=False)
    second = store.submit(changed, intervention_id=IID)
    assert second.submission_id != first.submission_id and second.version == 2
    assert list(store.list()["version"]) == [1, 2]
    # the first version is untouched
    assert (
        store.get(first.submission_id)
        .table("outcomes")
        .equals(store.get(first.submission_id).table("outcomes"))
    )
    assert store.latest(IID).id == second.submission_id
    assert (first.path / "original" / "outcomes.csv").read_bytes() == (
        sub1 / "outcomes.csv"
    ).read_bytes()


def test_invalid_submission_is_refused_and_store_unchanged(tmp_path: Path, sub1: Path) -> None:
    store = Store(tmp_path / "store")
    store.submit(sub1, intervention_id=IID)
    before = _snapshot(store)
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in sub1.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    p = pd.read_csv(bad / "participants.csv", dtype=str, keep_default_na=False)
    p.loc[[3, 7], "sex"] = "x"
    p.to_csv(bad / "participants.csv", index=False)
    with pytest.raises(SchemaError) as caught:
        store.submit(bad, intervention_id=IID)
    failures = caught.value.failures
    assert failures is not None and len(failures) >= 2
    assert set(failures.loc[failures["column"] == "sex", "value"].astype(str)) == {"x"}
    assert "Nothing was stored" in str(caught.value)
    assert _snapshot(store) == before


def test_crash_while_writing_leaves_store_unchanged(
    tmp_path: Path, sub1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "store")
    store.submit(_example(tmp_path / "other", seed=2), intervention_id=IID)
    before = _snapshot(store)
    calls = {"n": 0}
    real = store_module._write_table

    def failing(table: object, path: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(table, path)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "_write_table", failing)
    with pytest.raises(StoreError, match="left unchanged"):
        store.submit(sub1, intervention_id=IID)
    assert calls["n"] == 2
    assert _snapshot(store) == before


def test_crash_in_catalogue_write_rolls_back(
    tmp_path: Path, sub1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "store")
    store.submit(_example(tmp_path / "other", seed=2), intervention_id=IID)
    before = _snapshot(store)

    def failing(con: object, info: object, version: str) -> None:
        con.execute(  # type: ignore[attr-defined]
            "INSERT INTO submissions VALUES ('half', 'x', 1, now(), NULL, NULL, 'v')"
        )
        raise KeyboardInterrupt  # interrupted between the two inserts

    monkeypatch.setattr(store_module, "_insert_catalogue_rows", failing)
    with pytest.raises(KeyboardInterrupt):
        store.submit(sub1, intervention_id=IID)
    assert _snapshot(store) == before
    monkeypatch.undo()
    info = store.submit(sub1, intervention_id=IID)  # works afterwards
    assert info.created and len(store.list()) == 2


def test_orphan_folder_from_a_killed_process_is_cleaned(tmp_path: Path, sub1: Path) -> None:
    store = Store(tmp_path / "store")
    first = store.submit(sub1, intervention_id=IID)
    orphan = store.path / "submissions" / ("f" * 64)
    (orphan / "tables").mkdir(parents=True)
    (orphan / "tables" / "outcomes.parquet").write_bytes(b"partial")
    assert list(store.list()["submission_id"]) == [first.submission_id]
    store.submit(_example(tmp_path / "other", seed=2), intervention_id=IID)
    assert not orphan.exists()


def test_get_by_prefix_and_errors(tmp_path: Path, sub1: Path) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(StoreError, match="empty"):
        store.get("abcd")
    info = store.submit(sub1, intervention_id=IID)
    assert store.get(info.submission_id[:6]).id == info.submission_id
    assert store.get(info.submission_id.upper()[:8]).id == info.submission_id
    with pytest.raises(StoreError, match="No submission"):
        store.get("ffff0000")
    with pytest.raises(StoreError, match="too short"):
        store.get("ab")
    with pytest.raises(InputError, match="another intervention"):
        store.submit(sub1, intervention_id="OTHER-1")
    # a missing table is a validation failure, as `outcomelab validate` reports it
    with pytest.raises(SchemaError, match="not valid") as refused:
        store.submit({"participants": store.get(info.short_id).table("participants")},
                     intervention_id=IID)  # fmt: skip
    missing = refused.value.failures.query("check == 'missing_table'")["table"]
    assert set(missing) == {"interventions", "outcomes"}
    assert len(store.list()) == 1


def test_default_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTCOMELAB_HOME", str(tmp_path / "home"))
    assert Store().path == tmp_path / "home"


_WORKER = textwrap.dedent(
    """
    import sys
    from outcomelab.store import Store
    store = Store(sys.argv[1])
    for folder in sys.argv[2:]:
        store.submit(folder, intervention_id="{iid}")
    print("done")
    """
)


@pytest.mark.slow
def test_concurrent_processes_do_not_corrupt_the_store(tmp_path: Path) -> None:
    folders = [_example(tmp_path / f"s{i}", seed=10 + i) for i in range(5)]
    root = tmp_path / "store"
    script = _WORKER.replace("{iid}", IID)
    # two processes, three submissions each; folder 2 is submitted by both (idempotence race)
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(root), *map(str, chunk)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chunk in (folders[0:3], folders[2:5])
    ]
    for job in jobs:
        out, err = job.communicate(timeout=180)
        assert job.returncode == 0, err
        assert "done" in out
    store = Store(root)
    listing = store.list()
    assert len(listing) == 5 and listing["submission_id"].is_unique
    assert sorted(listing["version"]) == [1, 2, 3, 4, 5]
    for sid in listing["submission_id"]:
        sub = store.get(sid)
        assert len(sub.table("outcomes")) == 120 * 40
    assert not any((root / "tmp").iterdir())
    assert sorted(p.name for p in (root / "submissions").iterdir()) == sorted(
        listing["submission_id"]
    )
