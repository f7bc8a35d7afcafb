"""Usage errors are the user's slip, not a bug: the usage line and exit 2, never "Internal error".

The installed typer vendors its own copy of click (``typer._click``), so catching
``click.exceptions`` in ``cli.main.run`` missed every usage error and reported it as an internal
error with exit 3. These tests pin the behaviour at the entry point the ``outcomelab`` script runs,
whatever click typer ships, so an upgrade cannot bring the bug back.
"""

from __future__ import annotations

import pytest

USAGE_ERRORS = {
    "unknown option": ["--bogus"],
    "unknown command": ["nosuch"],
    "unknown option of a command": ["validate", "--nosuch", "x.csv"],
    "missing argument": ["publish"],
    "missing option": ["publish", "evals"],
    "bad choice": ["pseudonymise", "x.csv", "--on-invalid", "sometimes"],
    "bad type": ["evaluate", "--out", "o", "--timeout", "soon"],
    "no arguments": [],
    "group without a command": ["submissions"],
    "option without its value": ["publish", "evals", "--site"],
}


@pytest.mark.parametrize("args", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_usage_error_prints_usage_and_exits_two(cli, args: list[str]) -> None:
    code, out, err = cli(*args)
    assert code == 2, (code, out, err)
    if args[-1:] != ["--site"]:  # click reports a dangling option without the usage line
        assert "Usage:" in out + err
    assert "Error" in out + err or "Usage:" in out + err
    assert "Internal error" not in out + err
    assert "This is a bug" not in out + err


def test_help_still_exits_zero(cli) -> None:
    code, out, _ = cli("--help")
    assert code == 0 and "Usage:" in out


def test_an_outcomelab_error_is_one_line_with_its_exit_code(cli, tmp_path) -> None:
    code, _, err = cli("validate", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "Internal error" not in err and "Traceback" not in err


def test_a_bug_is_still_reported_as_one(cli, monkeypatch) -> None:
    def boom() -> list[str]:
        raise ZeroDivisionError("deliberate")

    monkeypatch.setattr("outcomelab.schemas.list_schemas", boom)
    code, _, err = cli("schemas", "list")
    assert code == 3 and "Internal error (ZeroDivisionError)" in err
