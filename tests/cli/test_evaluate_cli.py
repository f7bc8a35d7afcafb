"""`outcomelab evaluate`: exit codes and messages, and a real run from a stored submission."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from outcomelab.reports import api


def _no_kernel(*args: object, **kwargs: object) -> None:
    raise AssertionError("a kernel was started")


def test_bad_parameter_exits_1_with_one_line_and_no_kernel(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    monkeypatch.setattr(api, "execute_template", _no_kernel)
    code, _, err = cli(
        *["evaluate", "--data", str(tmp_path), "--out", str(tmp_path / "o"), "--param", "alpha=2"]
    )
    assert code == 1
    assert "Parameter `alpha`" in err and "Traceback" not in err
    code, _, err = cli(
        *["evaluate", "--data", str(tmp_path), "--out", str(tmp_path / "o"), "--lang", "fi"]
    )
    assert code == 1 and "`lang` must be one of 'sv', 'en'" in err
    code, _, err = cli(
        *["evaluate", "--data", str(tmp_path), "--out", str(tmp_path / "o"), "--param", "alpha"]
    )
    assert code == 1 and "--param expects name=value" in err


def test_params_file_is_read_and_checked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    monkeypatch.setattr(api, "execute_template", _no_kernel)
    params = tmp_path / "p.yaml"
    params.write_text("design: matching\nfollow_up_months: 18\n")
    code, _, err = cli(
        *[
            "evaluate",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "--params-file",
            str(params),
        ]
    )
    assert code == 1 and "`follow_up_months` must be whole years" in err


def test_invalid_folder_lists_the_failures(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    from outcomelab.example import generate_example

    monkeypatch.setattr(api, "execute_template", _no_kernel)
    folder = tmp_path / "sub"
    generate_example(folder, n_participants=60, n_pool=60, seed=3)
    text = (folder / "outcomes.csv").read_text().splitlines()
    head, first = text[0], text[1].split(",")
    value_at = (
        head.split(",").index('"value"') if '"value"' in head else head.split(",").index("value")
    )
    first[value_at] = "-5"
    (folder / "outcomes.csv").write_text("\n".join([head, ",".join(first), *text[2:]]) + "\n")
    code, _, err = cli("evaluate", "--data", str(folder), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "does not fit the standard schemas" in err
    assert "outcomes" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.notebook
def test_evaluate_a_stored_submission(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli: Callable[..., tuple[int, str, str]]
) -> None:
    from outcomelab.example import EXAMPLE_INTERVENTION_ID, generate_example
    from outcomelab.store import Store

    folder = tmp_path / "sub"
    generate_example(folder, n_participants=300, n_pool=1500, seed=5)
    info = Store(tmp_path / "store").submit(folder, intervention_id=EXAMPLE_INTERVENTION_ID)
    out = tmp_path / "report"
    code, stdout, err = cli(
        *[
            "evaluate",
            "--submission",
            info.submission_id[:12],
            "--store",
            str(tmp_path / "store"),
            "--out",
            str(out),
            "--lang",
            "en",
            "--param",
            "design=matching",
            "--param",
            "secondary_outcomes=[sick_leave_days]",
        ]
    )
    assert code == 0, err
    assert "For every 100 participants" in stdout and str(out / "report.html") in stdout
    results = json.loads((out / "results.json").read_text())
    assert results["submission"] == {
        "id": info.submission_id,
        "version_hash": info.submission_id,
    }
    assert results["design"]["chosen"] == "matching"
    assert [o["code"] for o in results["outcomes"]] == ["employment", "sick_leave_days"]
    assert {Path(f).name for f in results["figures"]} >= {"balance.png", "overlap.png"}
    assert all((out / f).is_file() for f in results["figures"])
