"""Shared helpers of the hostile-input suite: run the real command-line entry point in-process."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outcomelab.cli.main import run

CliResult = tuple[int, str, str]


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``outcomelab ARGS`` through ``cli.main.run``: (exit code, stdout, stderr)."""

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


def _load_publish_fixtures() -> tuple[Callable[..., dict[str, Any]], Callable[..., Path]]:
    path = Path(__file__).resolve().parents[1] / "publish" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_publish_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_results, module.write_evaluation


@pytest.fixture(scope="session")
def results_maker() -> tuple[Callable[..., dict[str, Any]], Callable[..., Path]]:
    """``make_results`` and ``write_evaluation`` of ``tests/publish/conftest.py`` (one copy)."""
    return _load_publish_fixtures()
