"""Weighted att_gt reference numbers on mpdta from moderndid and csdid (test-only tools).

Run from the repository root with the peers installed in your venv
(``uv pip install --python .venv/bin/python moderndid csdid``; moderndid 0.2.0, csdid 0.4.3):

    .venv/bin/python tests/reference/mpdta_weights/make_fixtures.py

Weights: ``w = exp(lpop)``, the county population (thousands) of the R ``did`` data set, constant
within a county: a population-weighted analysis of aggregate units. moderndid and csdid are
independent Python ports of R ``did``/``DRDID`` (``weightsname`` / ``weights_name``); analytic
standard errors. Writes ``moderndid_att_gt.csv`` and ``csdid_att_gt.csv`` (case, group, t, att,
se) and ``csdid_aggte.csv`` (case, type, overall_att, overall_se).

moderndid 0.2.0's ``aggte`` ignores the weights when it weights cells by cohort size (its result
carries ``weights_ind=None``, so cohort shares are unweighted) while R ``did``'s ``aggte`` uses
``weights.ind``; csdid follows R, so the aggregates come from csdid. ``moderndid_aggte.csv`` is
kept to document the difference.
"""

from __future__ import annotations

import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from did_peers import MPDTA, csdid_run, moderndid_run, write_csv

HERE = Path(__file__).parent

#: case -> moderndid.att_gt arguments beyond data, names and weights
CASES: dict[str, dict[str, object]] = {
    "dr_never": {"xformla": None, "control_group": "nevertreated", "est_method": "dr"},
    "dr_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "dr"},
    "ipw_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "ipw"},
    "reg_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "reg"},
    "dr_lpop_notyet": {"xformla": "~lpop", "control_group": "notyettreated", "est_method": "dr"},
}


def weighted_data() -> pd.DataFrame:
    data = pd.read_csv(MPDTA)
    data["w"] = np.exp(data["lpop"])
    return data


def moderndid_fixtures(data: pd.DataFrame) -> None:
    cells, aggs = [], []
    for case, kwargs in CASES.items():
        c, a, _ = moderndid_run(case, data, weightsname="w", **kwargs)
        cells.append(c)
        aggs += a
    write_csv(cells, HERE / "moderndid_att_gt.csv")
    write_csv(aggs, HERE / "moderndid_aggte.csv")


def csdid_fixtures(data: pd.DataFrame) -> None:
    cells, aggs = [], []
    for case, kwargs in CASES.items():
        c, a = csdid_run(case, data, weights_name="w", **kwargs)  # type: ignore[arg-type]
        cells.append(c)
        aggs += a
    write_csv(cells, HERE / "csdid_att_gt.csv")
    write_csv(aggs, HERE / "csdid_aggte.csv")


def main() -> None:
    warnings.filterwarnings("ignore")
    data = weighted_data()
    moderndid_fixtures(data)
    csdid_fixtures(data)
    print(f"moderndid {version('moderndid')}, csdid {version('csdid')}: wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()
