from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from outcomelab.batch import load_manifest, run_batch
from outcomelab.batch.cache import job_key
from outcomelab.errors import ParameterError, ReadError
from outcomelab.example import generate_example


def _manifest(tmp_path: Path, evaluations: list[dict[str, object]], **defaults: object) -> Path:
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump({"defaults": defaults, "evaluations": evaluations}))
    return path


def test_manifest_defaults_paths_and_errors(tmp_path: Path) -> None:
    path = _manifest(
        tmp_path,
        [{"name": "a", "data": "sub/a", "params": {"seed": 2}}, {"name": "b", "submission": "abc"}],
        lang="en",
        params={"alpha": 0.1, "seed": 1},
    )
    a, b = load_manifest(path)
    assert a.data == (tmp_path / "sub" / "a").resolve() and a.lang == "en"
    assert a.params == {"alpha": 0.1, "seed": 2} and b.params == {"alpha": 0.1, "seed": 1}
    assert job_key(a) != job_key(b)

    bad = _manifest(tmp_path, [{"name": "a", "data": "x"}, {"name": "b", "data": "y", "colour": 1}])
    with pytest.raises(ParameterError, match=r"line 5: unknown field\(s\) \['colour'\]"):
        load_manifest(bad)
    both = _manifest(tmp_path, [{"name": "a", "data": "x", "submission": "s"}])
    with pytest.raises(ParameterError, match="exactly one of `data` or `submission`"):
        load_manifest(both)
    twice = _manifest(tmp_path, [{"name": "a", "data": "x"}, {"name": "a", "data": "y"}])
    with pytest.raises(ParameterError, match="used twice"):
        load_manifest(twice)
    with pytest.raises(ReadError, match="does not exist"):
        load_manifest(tmp_path / "missing.yaml")


@pytest.mark.notebook
def test_batch_isolates_failures_caches_and_runs_on_dask(tmp_path: Path) -> None:
    generate_example(tmp_path / "data" / "small", n_participants=300, n_pool=1500, seed=3)
    evaluations = [
        {"name": "small", "data": "data/small"},
        {"name": "broken", "data": "data/does-not-exist"},
    ]
    manifest = _manifest(tmp_path, evaluations, lang="en", params={"seed": 7})
    out = tmp_path / "out"

    first = run_batch(load_manifest(manifest), out, workers=2, show_progress=False)
    status = {o.name: o.status for o in first.outcomes}
    assert status == {"small": "done", "broken": "failed"}, first.outcomes
    assert "does-not-exist" in first.failures[0].reason
    results = json.loads((out / "small" / "results.json").read_text())
    assert results["schema_version"] == "1.0" and (out / "small" / "report.html").is_file()

    # unchanged inputs: skipped; the failure is tried again and fails again
    second = run_batch(load_manifest(manifest), out, workers=2, show_progress=False)
    assert {o.name: o.status for o in second.outcomes} == {"small": "skipped", "broken": "failed"}

    # a changed parameter reruns it, this time on a Dask cluster
    from distributed import LocalCluster

    evaluations[0]["params"] = {"seed": 8}
    manifest = _manifest(tmp_path, evaluations[:1], lang="en", params={"seed": 7})
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        third = run_batch(
            load_manifest(manifest), out, scheduler=cluster.scheduler_address, show_progress=False
        )
        # the worker set-up plugin ran in the worker (jsonschema's IRI grammar marked absent)
        from distributed import Client

        with Client(cluster) as client:
            seen = client.run(lambda: repr(sys.modules.get("rfc3987_syntax", "not marked")))
        assert set(seen.values()) == {"None"}, seen
    assert [o.status for o in third.outcomes] == ["done"], third.outcomes
    assert json.loads((out / "small" / "results.json").read_text())["design"]["seed"] == 8
