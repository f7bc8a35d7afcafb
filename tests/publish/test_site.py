from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from outcomelab.cli.main import _register_commands, app
from outcomelab.disclosure import DisclosurePolicy, scan_tree
from outcomelab.errors import DisclosureError, ReadError
from outcomelab.publish import build_site, collect
from outcomelab.resources import schemas_dir

from .conftest import make_results, write_evaluation


def test_fixture_follows_the_results_schema() -> None:
    schema = json.loads((schemas_dir() / "results" / "results.schema.json").read_text())
    payload = make_results(
        "X", name="x", organisation="y", code="0581", target_group="unemployed", estimate=0.1
    )
    jsonschema.validate(payload, schema)


def test_catalogue_withholds_small_cohorts_and_controls_disclosure(evaluations: Path) -> None:
    catalogue = collect(evaluations)
    ids = [e.results["intervention"]["id"] for e in catalogue.entries]
    assert ids == ["INT-A", "INT-B", "INT-C"]
    assert [w[0].split("-")[1] for w in catalogue.withheld] == ["D"]
    a = catalogue.entries[0].results
    # subgroup of 45 treated persons is withheld, counts rounded to 5
    assert a["outcomes"][1]["estimate"] is None
    assert a["sample_flow"]["submitted"] == 255  # 253 rounded to the nearest 5


def test_site_pages_downloads_and_no_small_cells(evaluations: Path, tmp_path: Path) -> None:
    info = build_site(evaluations, tmp_path / "site")
    root = info.root
    assert info.index.is_file() and len(info.evaluations) == 3
    for lang in ("sv", "en"):
        index = (root / lang / "index.html").read_text()
        assert index.count("<tr data-target_group") == 3
        assert "Liten pilot" not in index
        for eid in info.evaluations:
            page = (root / lang / "evaluations" / f"{eid}.html").read_text()
            for src in re.findall(r'<img src="([^"]+)" alt="[^"]+', page):
                assert (root / lang / "evaluations" / src).resolve().is_file()
        assert (root / lang / "outcomes" / "employment.html").is_file()
        assert (root / "assets" / f"whatworks_employment_24_{lang}.png").stat().st_size > 1000
        # no asset from a network
        assert not re.search(r'(src|href)="(https?:)?//', index)
    rows = list(csv.DictReader((root / "data" / "headline_results.csv").open()))
    assert {r["intervention_id"] for r in rows} == {"INT-A", "INT-B", "INT-C"}
    # no published count is between 1 and 4 and every count is rounded to 5
    for file in (root / "data" / "results").glob("*.json"):
        published = json.loads(file.read_text())
        flow = published["sample_flow"]
        for key in ("submitted", "valid", "eligible", "analysed"):
            assert flow[key] % 5 == 0
        for d in flow["dropped"]:
            assert d["count"] is None or d["count"] >= 5
        assert published["disclosure"]["log"], "every suppression is logged"
    allow = [
        json.loads(f.read_text())["submission"]["version_hash"]
        for f in (root / "data" / "results").glob("*.json")
    ]
    assert scan_tree(root, allow=allow) == []


def test_site_refuses_person_identifiers_and_keeps_old_site(
    evaluations: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_site(evaluations, site)
    before = sorted(p.name for p in site.rglob("*"))
    bad = make_results(
        "INT-E",
        name="a" * 64,
        organisation="Lund",
        code="1281",
        target_group="other",
        estimate=0.05,
    )
    bad["intervention"]["name"] = "0123456789abcdef" * 4
    write_evaluation(evaluations, bad)
    with pytest.raises(DisclosureError, match="pseudonym"):
        build_site(evaluations, site)
    assert sorted(p.name for p in site.rglob("*")) == before


def test_bad_input_errors(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        collect(tmp_path / "missing")
    (tmp_path / "e").mkdir()
    with pytest.raises(ReadError, match=r"No results\.json"):
        collect(tmp_path / "e")
    broken = make_results(
        "X", name="x", organisation="y", code="0581", target_group="unemployed", estimate=0.1
    )
    del broken["design"]
    write_evaluation(tmp_path / "e", broken)
    with pytest.raises(ReadError, match="does not follow the results schema"):
        collect(tmp_path / "e")


def test_cli_publish_and_policy(evaluations: Path, tmp_path: Path) -> None:
    _register_commands()
    policy = tmp_path / "policy.yaml"
    policy.write_text("min_cohort: 200\n")
    result = CliRunner().invoke(
        app, ["publish", str(evaluations), "--site", str(tmp_path / "s"), "--policy", str(policy)]
    )
    assert result.exit_code == 0, result.output
    assert "Published 2 evaluation(s)" in result.output
    assert result.output.count("Withheld") == 2
    assert DisclosurePolicy(min_cohort=200).min_cohort == 200
