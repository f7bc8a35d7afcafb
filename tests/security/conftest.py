"""Shared helpers of the hostile-input suite: the real command-line entry point run in-process,
a deadline against hangs, hostile .xlsx files."""

from __future__ import annotations

import importlib.util
import re
import signal
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

CliResult = tuple[int, str, str]


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


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a bound on a hang, not a speed assertion)."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A workbook with one sheet holding ``rows`` (row 1 first), as Excel would write it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def rewrite_sheet(path: Path, target: Path, edit: Callable[[bytes], bytes]) -> Path:
    """Copy the workbook at ``path`` to ``target`` with the first sheet's XML edited."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            out.writestr(item, data)
    return target


def with_dimension(path: Path, target: Path, ref: str) -> Path:
    """The workbook with its sheet's ``<dimension>`` record replaced by ``ref``."""

    def edit(xml: bytes) -> bytes:
        new, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), xml)
        assert n == 1
        return new

    return rewrite_sheet(path, target, edit)


@pytest.fixture(scope="session")
def hostile() -> SimpleNamespace:
    """``deadline``, ``write_xlsx``, ``rewrite_sheet`` and ``with_dimension`` for the tests."""
    return SimpleNamespace(
        deadline=deadline,
        write_xlsx=write_xlsx,
        rewrite_sheet=rewrite_sheet,
        with_dimension=with_dimension,
    )
