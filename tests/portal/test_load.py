"""A bounded load test on localhost: concurrent uploads and evaluations (``slow``).

Uses the functions of ``benchmarks/portal.py`` (which prints the figures) with smaller counts
than the benchmark's defaults, so the suite stays within minutes on two cores; the benchmark
runs the full 50 uploads and 10 evaluations.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "portal.py"
    spec = importlib.util.spec_from_file_location("portal_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is created
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_concurrent_uploads_are_stored_once_and_never_5xx(tmp_path: Path) -> None:
    bench = _bench()
    store = tmp_path / "store"
    token = bench.prepare(store)
    folders = bench.small_submissions(tmp_path / "small", 50)
    with bench.serve(store, workers=1) as base:
        result = bench.concurrent_uploads(base, token, folders, 10, store)
    assert not [s for s in result.statuses if s >= 500]
    assert sorted(result.statuses) == [200] * 10 + [201] * 50
    assert result.stored == result.distinct == result.folders == 50
    from outcomelab.portal.db import connect

    with connect(store / "portal" / "portal.sqlite3") as con:
        receipts = con.execute("SELECT count(*), count(DISTINCT submission_id) FROM receipts")
        assert tuple(receipts.fetchone()) == (60, 50)


@pytest.mark.notebook
def test_concurrent_evaluations_all_end_done(tmp_path: Path) -> None:
    from outcomelab.example import EXAMPLE_INTERVENTION_ID, example_dir
    from outcomelab.store import Store

    bench = _bench()
    store = tmp_path / "store"
    bench.prepare(store)
    info = Store(store).submit(example_dir(), intervention_id=EXAMPLE_INTERVENTION_ID)
    with bench.serve(store, workers=2) as base:
        result = bench.concurrent_evaluations(base, store, info.submission_id, 2, timeout=1800)
    assert result["status"] == ["done"] * 2, result["errors"]
    assert len(set(result["ids"])) == 2
