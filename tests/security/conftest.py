"""Shared helpers of the hostile-input suite: run the real command-line entry point in-process."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from outcomelab.cli.main import run

CliResult = tuple[int, str, str]


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``outcomelab ARGS`` through :func:`outcomelab.cli.main.run`; (exit code, stdout, stderr)."""

    def invoke(*args: str) -> CliResult:
        old = sys.argv
        sys.argv = ["outcomelab", *args]
        code = 0
        try:
            run()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            sys.argv = old
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
