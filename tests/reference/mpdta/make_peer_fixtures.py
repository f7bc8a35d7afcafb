"""Make the peer fixtures for tests/did/test_att_gt_peers.py from moderndid (test-only tool).

Run from the repository root with moderndid installed (``pip install moderndid``; 0.2.0 was used):

    .venv/bin/python tests/reference/mpdta/make_peer_fixtures.py

moderndid is an independent Python port of R ``did``/``DRDID`` (analytic standard errors from the
influence function). Writes ``peer_att_gt.csv`` (case, group, t, att, se), ``peer_aggte.csv``
(case, type, overall_att, overall_se) and ``peer_pretest.csv`` (case, wald_pvalue).
"""

from __future__ import annotations

import warnings
from importlib.metadata import version
from pathlib import Path

import moderndid as md
import numpy as np
import pandas as pd

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


def time_varying_covariate(data: pd.DataFrame) -> pd.Series:
    """A covariate that changes over time (deterministic): the base period's value is used."""
    return data["lpop"] + 0.05 * (data["year"] - 2003) * (data["countyreal"] % 7 - 3)


def main() -> None:
    warnings.filterwarnings("ignore")
    data = pd.read_csv(HERE / "mpdta.csv")
    data["xv"] = time_varying_covariate(data)
    cells, aggs, pre = [], [], []
    for case, kwargs in CASES.items():
        res = md.att_gt(
            data=data,
            yname="lemp",
            tname="year",
            idname="countyreal",
            gname="first.treat",
            boot=False,
            **kwargs,  # type: ignore[arg-type]
        )
        cells.append(
            pd.DataFrame(
                {
                    "case": case,
                    "group": np.asarray(res.groups, dtype=int),
                    "t": np.asarray(res.times, dtype=int),
                    "att": res.att_gt,
                    "se": res.se_gt,
                }
            )
        )
        pre.append({"case": case, "wald_pvalue": res.wald_pvalue})
        for kind in ("simple", "group", "dynamic", "calendar"):
            a = md.aggte(res, type=kind, boot=False)
            aggs.append(
                {
                    "case": case,
                    "type": kind,
                    "overall_att": a.overall_att,
                    "overall_se": a.overall_se,
                }
            )
    pd.concat(cells).to_csv(HERE / "peer_att_gt.csv", index=False, float_format="%.10g")
    pd.DataFrame(aggs).to_csv(HERE / "peer_aggte.csv", index=False, float_format="%.10g")
    pd.DataFrame(pre).to_csv(HERE / "peer_pretest.csv", index=False, float_format="%.10g")
    print(f"moderndid {version('moderndid')}: wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()
