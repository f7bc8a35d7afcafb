"""Peer fixtures for the places where R did 2.5 treats data in a particular way (test-only tool).

Run from the repository root with csdid and moderndid installed (csdid 0.4.3, moderndid 0.2.0):

    .venv/bin/python tests/reference/mpdta/make_fidelity_fixtures.py

The cases, each checked in R ``did`` 2.5's source (github bcallaway11/did, read only): covariates
of the earlier of the base and the current period (``min(pret, t)``) with a universal base period
and time-varying covariates; no never-treated units (R drops the periods from the last cohort's
start on, estimates no cell for that cohort with ``notyettreated`` and makes it the comparison
group with ``nevertreated``); units already treated in the first period (given anticipation) are
dropped; cohorts that start after the last period are never treated.

csdid follows R in all of them; moderndid 0.2.0 in all but ``no_never_notyet``, where it still
estimates the last cohort's placebo cells (as outcomelab did before). Writes, with each peer's
name in the file name: ``{peer}_fidelity_att_gt.csv`` (case, group, t, att, se),
``{peer}_fidelity_aggte.csv`` (case, type, overall_att, overall_se) and
``moderndid_fidelity_pretest.csv`` (case, wald_pvalue; csdid does not report the pre-test).
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from did_peers import csdid_run, moderndid_run, time_varying_covariate, write_csv

HERE = Path(__file__).parent


def no_never_treated(data: pd.DataFrame) -> pd.DataFrame:
    return data[data["first.treat"] != 0]


def late_cohort(data: pd.DataFrame) -> pd.DataFrame:
    """Every third never-treated county starts in 2009, after the panel ends (2007)."""
    late = (data["first.treat"] == 0) & (data["countyreal"] % 3 == 0)
    return data.assign(**{"first.treat": np.where(late, 2009, data["first.treat"])})


def same(data: pd.DataFrame) -> pd.DataFrame:
    return data


#: case -> (data transformation, moderndid.att_gt arguments)
CASES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], dict[str, object]]] = {
    "universal_xv_never": (
        same,
        {"xformla": "~xv", "control_group": "nevertreated", "base_period": "universal"},
    ),
    "universal_xv_notyet": (
        same,
        {"xformla": "~xv", "control_group": "notyettreated", "base_period": "universal"},
    ),
    "no_never_notyet": (no_never_treated, {"xformla": "~lpop", "control_group": "notyettreated"}),
    "no_never_never": (no_never_treated, {"xformla": "~lpop", "control_group": "nevertreated"}),
    "anticipation1_all_units": (same, {"xformla": "~lpop", "anticipation": 1}),
    "late_cohort_never": (late_cohort, {"xformla": "~lpop", "control_group": "nevertreated"}),
}


def moderndid_fixtures(base: pd.DataFrame) -> None:
    cells, aggs, pre = [], [], []
    for case, (transform, kwargs) in CASES.items():
        c, a, wald = moderndid_run(case, transform(base), est_method="dr", **kwargs)
        cells.append(c)
        aggs += a
        pre.append({"case": case, "wald_pvalue": wald})
    write(cells, aggs, "moderndid")
    write_csv(pre, HERE / "moderndid_fidelity_pretest.csv")


def csdid_fixtures(base: pd.DataFrame) -> None:
    cells, aggs = [], []
    for case, (transform, kwargs) in CASES.items():
        c, a = csdid_run(
            case,
            transform(base),
            control_group=str(kwargs.get("control_group", "nevertreated")),
            xformla=str(kwargs["xformla"]),
            est_method="dr",
            base_period=str(kwargs.get("base_period", "varying")),
            anticipation=int(kwargs.get("anticipation", 0)),  # type: ignore[call-overload]
        )
        cells.append(c)
        aggs += a
    write(cells, aggs, "csdid")


def write(cells: list[pd.DataFrame], aggs: list[dict[str, object]], peer: str) -> None:
    write_csv(cells, HERE / f"{peer}_fidelity_att_gt.csv")
    write_csv(aggs, HERE / f"{peer}_fidelity_aggte.csv")


def main() -> None:
    warnings.filterwarnings("ignore")
    base = pd.read_csv(HERE / "mpdta.csv")
    base["xv"] = time_varying_covariate(base)
    with contextlib.redirect_stdout(io.StringIO()):
        moderndid_fixtures(base)
        csdid_fixtures(base)
    print(f"moderndid {version('moderndid')}, csdid {version('csdid')}: wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()
