"""``outcomelab contract``: exit codes and one-line messages (never a traceback), files written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contracts" / "norrkoping_sib.yaml"


def test_bad_contract_names_field_and_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "price_per_unit_sek: 60000" in line)
    lines[index] = "    price_per_unit_sek: tio"
    bad = tmp_path / "contract.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _out, err = cli("contract", "check", str(bad))
    assert code == 1
    assert (
        f"line {index + 1}: outcome_metrics[1].price_per_unit_sek must be a number >= 0, "
        "got 'tio'." in err
    )
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_yaml_and_missing_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\nname: [unclosed\n", encoding="utf-8")
    rc, _, err = cli("contract", "settle", str(bad), "--no-report")
    assert rc == 1
    assert "is not valid YAML" in err and "Traceback" not in err
    # ReadError has exit code 2
    rc, _out, err = cli("contract", "check", str(tmp_path / "nope.yaml"))
    assert rc == 2
    assert "does not exist" in err


def test_bad_option_and_missing_evaluation(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    args = ["contract", "settle", str(EXAMPLE), "--export", "xml", "--no-report"]
    rc, _, err = cli(*args)
    assert rc == 1
    assert "`--export` must be one of 'indigo'" in err
    # a counterfactual metric without an evaluation: the message names the metric and the line
    args = ["contract", "settle", str(EXAMPLE), "--out", str(tmp_path / "o"), "--no-report"]
    rc, _out, err = cli(*args)
    assert rc == 1
    assert "Metric 'fewer_care_days'" in err and "Traceback" not in err


def test_settle_writes_schedule_steps_and_indigo(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    contract_evaluation: Callable[..., Path],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    ev = contract_evaluation(tmp_path / "eval")
    out = tmp_path / "out"
    args = [
        "contract",
        "settle",
        str(EXAMPLE),
        "--evaluation",
        str(ev),
        "--verified",
        str(ev / "verified.csv"),
        "--out",
        str(out),
        "--export",
        "indigo",
        "--no-report",
    ]
    rc, stdout, _ = cli(*args)
    assert rc == 0
    assert "6,000,000 SEK" in stdout
    schedule = pd.read_csv(out / "payment_schedule.csv")
    # 40 days x 60 participants x 2 000 SEK = 4 800 000; 20 x 60 000 = 1 200 000
    assert schedule.set_index("metric_id")["amount_sek"].to_dict() == {
        "fewer_care_days": 4_800_000,
        "school_eligibility": 1_200_000,
    }
    indigo = json.loads((out / "indigo.json").read_text(encoding="utf-8"))
    assert {"outcome_metrics", "outcome_pricings", "outcome_payments", "results"} <= set(indigo)
    settlement = json.loads((out / "settlement.json").read_text(encoding="utf-8"))
    assert settlement["total_sek"] == 6_000_000
    assert settlement["contract"]["investor_cap_sek"] == 12_000_000


@pytest.mark.notebook
def test_settle_runs_the_report_section(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    contract_evaluation: Callable[..., Path],
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    ev = contract_evaluation(tmp_path / "eval")
    out = tmp_path / "out"
    args = [
        "contract",
        "settle",
        str(EXAMPLE),
        "--evaluation",
        str(ev),
        "--verified",
        str(ev / "verified.csv"),
        "--out",
        str(out),
        "--lang",
        "sv",
    ]
    rc, _, err = cli(*args)
    assert rc == 0, err
    page = (out / "outcome_contract.html").read_text(encoding="utf-8")
    assert "Beräkningen steg för steg" in page
    assert "6\u00a0000\u00a0000 kr" in page
    assert "antagna, inte offentliga fakta" in page
    assert "load_contract(" not in page  # no code in the report
