"""Fixtures every test package shares: the reference data sets in ``tests/reference/``.

Reference tables are read once per session and handed out as fresh copies, so a test that adds a
column never changes another test's data::

    @pytest.fixture(scope="module")
    def mpdta(reference_table):
        return reference_table("mpdta/mpdta.csv")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parent / "tests" / "reference"

#: the reference folders hold data and the scripts that made them (they import peer tools that
#: are not installed everywhere): --doctest-modules must not import them
collect_ignore_glob = ["tests/reference/*"]

#: how each shared table is read (the source's own layout)
_READ: dict[str, dict[str, Any]] = {"lalonde/lalonde.csv": {"index_col": 0}}


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``tests/reference``: one folder per reference case (data, script, SOURCE.md)."""
    return REFERENCE


@pytest.fixture(scope="session")
def reference_table() -> Callable[[str], pd.DataFrame]:
    """``reference_table("mpdta/mpdta.csv")``: a fresh copy of a reference table, read once."""
    cache: dict[str, pd.DataFrame] = {}

    def load(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = pd.read_csv(REFERENCE / name, **_READ.get(name, {}))
        return cache[name].copy()

    return load


@pytest.fixture(scope="session")
def lalonde(reference_table: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """The Lalonde NSW/PSID sample shipped with R MatchIt (614 rows; see tests/reference/lalonde).

    Session-wide and shared: tests that change it take ``reference_table("lalonde/lalonde.csv")``.
    """
    return reference_table("lalonde/lalonde.csv")
