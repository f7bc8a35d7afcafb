"""``outcomelab validate``: exit codes 0/1/2, readable output, JSON, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

# register our commands (with two or more, typer keeps `validate`/`pseudonymise` as subcommands)
import outcomelab.cli.pseudonymise
import outcomelab.cli.schemas
import outcomelab.cli.validate  # noqa: F401
from outcomelab.cli.main import app

runner = CliRunner()
PID = "ab" * 32

OUTCOMES_OK = f"person_id;outcome_code;period;value\n{PID};employment;2024;1\n"
OUTCOMES_BAD = (
    "person_id,outcome_code,period,value\n"
    f"{PID},employment,2024,1\n"
    f"{PID},employment,2024-13,ett\n"
    f"{PID},employment,2024,0\n"
)


def run(*args: str):
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


def test_valid_file_exits_zero(tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text(OUTCOMES_OK, encoding="utf-8")
    result = run(str(path))  # schema taken from the file name
    assert result.exit_code == 0, result.output
    assert "Valid" in result.output


def test_invalid_file_exits_one_with_counts_per_rule_and_rows(tmp_path):
    path = tmp_path / "upload.csv"
    path.write_text(OUTCOMES_BAD, encoding="utf-8")
    result = run(str(path), "--schema", "outcomes")
    assert result.exit_code == 1
    out = result.output
    for check in ("pattern", "type", "primary_key"):
        assert f"rule {check}" in out
    assert "Invalid" in out and "3 failure(s)" in out and "row 3: 'ett'" in out


def test_identical_failures_are_one_group_with_the_allowed_values_in_80_columns(tmp_path):
    import pandas as pd

    from outcomelab.example import generate_example

    generate_example(tmp_path, n_participants=60, n_pool=60, seed=2)
    people = pd.read_csv(tmp_path / "participants.csv", dtype=str, keep_default_na=False)
    people["sex"] = "kvinna"  # one wrong word in every row
    people.loc[:19, "birth_year"] = "nittonhundra"
    people.to_csv(tmp_path / "participants.csv", index=False)
    result = runner.invoke(app, ["validate", str(tmp_path / "participants.csv")], terminal_width=80)
    assert result.exit_code == 1
    out = result.output
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert "120 rows (rows 2–121): 'kvinna'" in out
    assert "20 rows (rows 2–21): 'nittonhundra'" in out
    allowed = out.split("Allowed:")[1].split(".")[0]
    assert "female" in allowed and "male" in allowed
    assert len(out.splitlines()) < 20  # 140 failures in two groups, not 140 lines


def test_json_format_lists_every_failure(tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text(OUTCOMES_BAD, encoding="utf-8")
    result = run(str(path), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["n_failures"] == 3
    rows = sorted((f["row"], f["check"]) for f in payload["failures"])
    assert rows == [(3, "pattern"), (3, "type"), (4, "primary_key")]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, ["--schema", "outcomes"], "does not exist"),
        (b"\x00\x01binary", ["--schema", "outcomes"], "not a text table"),
        (b"a;b\n\x81\x8d;1\n", ["--schema", "outcomes"], "neither UTF-8 nor Windows-1252"),
        (OUTCOMES_OK.encode(), [], "cannot tell which standard table"),
        (OUTCOMES_OK.encode(), ["--schema", "people"], "no standard schema 'people'"),
    ],
)
def test_unreadable_input_exits_two_with_one_line(tmp_path, content, args, message):
    path = tmp_path / "upload.csv"
    if content is not None:
        path.write_bytes(content)
    result = run(str(path), *args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:")
    assert message in lines[0]


def test_package_folder(tmp_path):
    (tmp_path / "outcomes.csv").write_text(OUTCOMES_OK, encoding="utf-8")
    result = run("--package", str(tmp_path))
    assert result.exit_code == 1
    assert "missing_table" in result.output
    assert "interventions" in result.output and "participants" in result.output
    neither = run()
    assert neither.exit_code == 2 and "either a FILE" in neither.output


@pytest.mark.slow
def test_entry_point_end_to_end(tmp_path):
    # through the real entry point (outcomelab.cli.main.run), which imports every command
    # module of the package: ~15 s on a loaded machine, hence `slow`
    path = tmp_path / "outcomes.csv"
    path.write_text(OUTCOMES_BAD, encoding="utf-8")
    code = "from outcomelab.cli.main import run; run()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "validate", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["n_failures"] == 3


def test_schemas_commands(tmp_path):
    listed = runner.invoke(app, ["schemas", "list"])
    assert listed.exit_code == 0 and "participants" in listed.output
    check = runner.invoke(app, ["schemas", "docs", "--check"])
    assert check.exit_code == 0, check.output
    stale = runner.invoke(app, ["schemas", "docs", "--check", "--out", str(tmp_path)])
    assert stale.exit_code == 1 and "stale: README.md" in stale.output
    written = runner.invoke(app, ["schemas", "docs", "--out", str(tmp_path)])
    assert written.exit_code == 0 and (tmp_path / "outcomes.md").is_file()
    # the terminal shows the fields and the lab's outcome codes, not only file names
    assert "employment" in written.output and "higher_is_better" in written.output
    assert "unit_of_analysis" in written.output and "population" in written.output
    template = runner.invoke(app, ["schemas", "template", "costs", "-o", str(tmp_path / "c.xlsx")])
    assert template.exit_code == 0 and (tmp_path / "c.xlsx").is_file()
    wrong = runner.invoke(app, ["schemas", "template", "people", "-o", str(tmp_path / "x.xlsx")])
    assert wrong.exit_code == 2 and "no standard schema called 'people'" in wrong.output
