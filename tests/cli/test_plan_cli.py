"""``outcomelab plan``: template, plain words in both languages, JSON, registration, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from outcomelab.planning import DESIGN_TEMPLATE
from outcomelab.store import Store, read_plans


def test_template_then_plan_in_swedish(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    rc, out, _ = cli("plan", "--template")
    assert rc == 0
    assert out == DESIGN_TEMPLATE
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN_TEMPLATE, encoding="utf-8")
    report = tmp_path / "plan.json"
    rc, out, _err = cli("plan", str(design), "--json", str(report))
    assert rc == 0
    assert "minsta effekt" in out and "Går insatsen att utvärdera?" in out
    saved = json.loads(report.read_text())
    assert saved["n_treated"] == 108 and saved["publishable"] is True


def test_register_stores_a_signed_plan(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN_TEMPLATE, encoding="utf-8")
    store = tmp_path / "store"
    args = [
        "plan",
        str(design),
        "--lang",
        "en",
        "--register",
        "--store",
        str(store),
        "--secondary",
        "social_assistance_receipt, sick_leave_days",
    ]
    rc, out, _err = cli(*args)
    assert rc == 0
    assert "signed" in out
    (plan,) = read_plans(Store(store), "0581-UNGA-2027")
    assert plan["secondary_outcomes"] == ["social_assistance_receipt", "sick_leave_days"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["plan"], 1, "Give the design file"),
        (["plan", "missing.yaml"], 2, "does not exist"),
        (["plan", "DESIGN", "--lang", "de"], 1, "`--lang` must be sv or en"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(
    args: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    design = tmp_path / "design.yaml"
    design.write_text(DESIGN_TEMPLATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = [str(design) if a == "DESIGN" else a for a in args]
    rc, _out, err = cli(*args)
    assert rc == code
    assert message in err and "Traceback" not in err


def test_bad_design_lists_every_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    design = tmp_path / "design.yaml"
    text = DESIGN_TEMPLATE.replace("icc: 0.5", "icc: 2").replace("unit: person", "unit: town")
    design.write_text(text, encoding="utf-8")
    rc, _out, err = cli("plan", str(design))
    assert rc == 1
    assert "2 problem(s)" in err and "`icc`" in err and "`unit`" in err


def test_simulate_runs_the_lab_estimator_and_reports_in_words(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    design = tmp_path / "design.yaml"
    small = DESIGN_TEMPLATE.replace("comparison_pool: 2000", "comparison_pool: 300")
    design.write_text(small, encoding="utf-8")
    report = tmp_path / "plan.json"
    args = [
        "plan",
        str(design),
        "--lang",
        "en",
        "--simulate",
        "--replications",
        "10",
        "--workers",
        "1",
        "--json",
        str(report),
    ]
    rc, out, _err = cli(*args)
    assert rc == 0
    assert "Simulation (10 data sets with group-time DiD" in out
    simulation = json.loads(report.read_text())["simulation"]
    assert simulation["replications"] == 10 and simulation["failures"] == 0


def test_simulate_a_municipal_design_with_synthetic_did(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    design = tmp_path / "design.yaml"
    municipal = (
        DESIGN_TEMPLATE.replace("unit: person", "unit: aggregate")
        .replace("design: did", "design: sdid")
        .replace("comparison_pool: 2000", "comparison_pool: 25")
        .replace("treated_units: 1", "treated_units: 3")
        .replace("# sd: 55.0", "sd: 0.05")
    )
    design.write_text(municipal, encoding="utf-8")
    report = tmp_path / "plan.json"
    args = ["plan", str(design), "--simulate", "--estimator", "sdid", "--replications", "10"]
    args += ["--placebo-replications", "5", "--workers", "1", "--json", str(report)]
    rc, out, err = cli(*args)
    assert rc == 0
    assert "Simulering (10 dataset med syntetisk DiD" in out
    assert "3 kommun(er) med insatsen och 25 jämförelsekommuner" in out
    simulation = json.loads(report.read_text())["simulation"]
    assert simulation["estimator"] == "sdid" and simulation["replications"] == 10
    assert simulation["failures"] == 0
    # a municipal design simulated with a person-level estimator is a usage error, in words
    rc, out, err = cli(*args[:4], "matching")
    assert rc == 1
    assert "does not fit a design with `unit: aggregate`" in err
