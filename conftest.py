"""Fixtures every test package shares: the reference data sets in ``tests/reference/`` and the
evaluation an outcome contract settles on; and the hypothesis profile of the run.

Reference tables are read once per session and handed out as fresh copies, so a test that adds a
column never changes another test's data::

    @pytest.fixture(scope="module")
    def mpdta(reference_table):
        return reference_table("mpdta/mpdta.csv")
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import settings

#: property tests draw random examples on a developer's machine (new cases every run) but the
#: same examples in CI (``.ci/run`` sets ``CI=true``), so that a red CI run is reproduced by
#: running it again; hypothesis prints the failing example either way, and the blob to replay it
settings.register_profile("dev", print_blob=True)
settings.register_profile("ci", derandomize=True, print_blob=True, database=None, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

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


#: the effect the outcome-contract tests settle on: 40 fewer care days per participant, as
#: results.json records it (the example contract examples/contracts/norrkoping_sib.yaml pays on it)
CARE_DAYS_EFFECT: dict[str, Any] = {
    "code": "out_of_home_care_days",
    "direction": "higher_is_worse",
    "estimate": -40.0,
    "std_error": 15.0,
    "conf_low": -69.4,
    "conf_high": -10.6,
    "p_value": 0.0077,
    "n_treated": 60,
    "n_control": 240,
    "method": "att_gt/dr",
    "estimand": "ATT",
}


@pytest.fixture(scope="session")
def contract_evaluation() -> Callable[..., Path]:
    """``contract_evaluation(folder, extra_outcomes=(), evaluation_id="NKP-demo")``: an
    evaluation folder for ``outcomelab contract settle``: results.json with the care-days effect
    (:data:`CARE_DAYS_EFFECT`) and any ``extra_outcomes``, and verified.csv counting 20
    ``school_eligibility`` outcomes. Returns the folder."""

    def write(
        folder: Path,
        extra_outcomes: Sequence[dict[str, Any]] = (),
        evaluation_id: str = "NKP-demo",
    ) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "schema_version": "1.0",
            "evaluation_id": evaluation_id,
            "design": {"alpha": 0.05},
            "outcomes": [dict(CARE_DAYS_EFFECT), *extra_outcomes],
        }
        (folder / "results.json").write_text(json.dumps(data), encoding="utf-8")
        (folder / "verified.csv").write_text(
            "metric_id,count\nschool_eligibility,20\n", encoding="utf-8"
        )
        return folder

    return write


_CONTRACT_PARTIES = """\
participants: 60
parties:
  - {id: city, role: outcome_payer}
  - {id: fund, role: investor}
investment: {investor: fund, principal_sek: 10000000, max_return: 0.2}
"""
_CARE_METRIC = """\
  - id: care
    outcome: out_of_home_care_days
    validation_method: Quasi-experimental study
    payment_rule: counterfactual
    price_per_unit_sek: 2000
"""


@pytest.fixture(scope="session")
def contract_yaml() -> Callable[..., str]:
    """``contract_yaml(head, caps=, care=, metrics=, tail=)``: an outcome contract's YAML text.

    ``head`` gives ``id`` and ``name``; then 60 participants, a city paying for outcomes and a
    fund investing 10 MSEK for at most 20 % return, ``caps: {caps}``, and the metric ``care``
    paying 2 000 SEK per care day saved (the effect of :data:`CARE_DAYS_EFFECT`) with the lines
    ``care`` added to it, the further ``metrics`` and the ``tail`` (schedule, assumptions).
    """

    def make(head: str, *, caps: str, care: str = "", metrics: str = "", tail: str = "") -> str:
        return (
            head
            + _CONTRACT_PARTIES
            + f"caps: {caps}\noutcome_metrics:\n"
            + _CARE_METRIC
            + care
            + metrics
            + tail
        )

    return make


CliResult = tuple[int, str, str]


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``outcomelab ARGS`` through ``cli.main.run``: (exit code, stdout, stderr)."""

    from outcomelab.cli.main import run

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
