"""Make the peer fixtures for tests/did/test_att_gt_peers.py from moderndid (test-only tool).

Run from the repository root with moderndid installed (``pip install moderndid``; 0.2.0 was used):

    .venv/bin/python tests/reference/mpdta/make_peer_fixtures.py

moderndid is an independent Python port of R ``did``/``DRDID`` (analytic standard errors from the
influence function). Writes ``peer_att_gt.csv`` (case, group, t, att, se), ``peer_aggte.csv``
(case, type, overall_att, overall_se) and ``peer_pretest.csv`` (case, wald_pvalue).
"""

from __future__ import annotations

import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from did_peers import MPDTA, moderndid_run, time_varying_covariate, write_csv

HERE = Path(__file__).parent

#: case -> arguments of moderndid.att_gt (beyond the data and column names)
CASES: dict[str, dict[str, object]] = {
    "dr_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "dr"},
    "ipw_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "ipw"},
    "reg_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "reg"},
    "dr_notyet": {"xformla": None, "control_group": "notyettreated", "est_method": "dr"},
    "dr_universal": {
        "xformla": None,
        "control_group": "nevertreated",
        "est_method": "dr",
        "base_period": "universal",
    },
    "dr_lpop_notyet_universal": {
        "xformla": "~lpop",
        "control_group": "notyettreated",
        "est_method": "dr",
        "base_period": "universal",
    },
    "dr_xv_timevarying_never": {
        "xformla": "~xv",
        "control_group": "nevertreated",
        "est_method": "dr",
    },
    "dr_lpop_never_anticipation1": {
        "xformla": "~lpop",
        "control_group": "nevertreated",
        "est_method": "dr",
        "anticipation": 1,
    },
}


def main() -> None:
    warnings.filterwarnings("ignore")
    data = pd.read_csv(MPDTA)
    data["xv"] = time_varying_covariate(data)
    cells, aggs, pre = [], [], []
    for case, kwargs in CASES.items():
        c, a, wald = moderndid_run(case, data, **kwargs)
        cells.append(c)
        aggs += a
        pre.append({"case": case, "wald_pvalue": wald})
    write_csv(cells, HERE / "peer_att_gt.csv", digits=10)
    write_csv(aggs, HERE / "peer_aggte.csv", digits=10)
    write_csv(pre, HERE / "peer_pretest.csv", digits=10)
    print(f"moderndid {version('moderndid')}: wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()
