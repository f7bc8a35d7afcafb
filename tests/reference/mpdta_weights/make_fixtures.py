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

import contextlib
import io
import warnings
from importlib.metadata import version
from pathlib import Path

import moderndid as md
import numpy as np
import pandas as pd

HERE = Path(__file__).parent
DATA = HERE.parent / "mpdta" / "mpdta.csv"

#: case -> moderndid.att_gt arguments beyond data, names and weights
CASES: dict[str, dict[str, object]] = {
    "dr_never": {"xformla": None, "control_group": "nevertreated", "est_method": "dr"},
    "dr_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "dr"},
    "ipw_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "ipw"},
    "reg_lpop_never": {"xformla": "~lpop", "control_group": "nevertreated", "est_method": "reg"},
    "dr_lpop_notyet": {"xformla": "~lpop", "control_group": "notyettreated", "est_method": "dr"},
}


def weighted_data() -> pd.DataFrame:
    data = pd.read_csv(DATA)
    data["w"] = np.exp(data["lpop"])
    return data


def moderndid_fixtures(data: pd.DataFrame) -> None:
    cells, aggs = [], []
    for case, kwargs in CASES.items():
        res = md.att_gt(
            data=data,
            yname="lemp",
            tname="year",
            idname="countyreal",
            gname="first.treat",
            weightsname="w",
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
    pd.concat(cells).to_csv(HERE / "moderndid_att_gt.csv", index=False, float_format="%.12g")
    pd.DataFrame(aggs).to_csv(HERE / "moderndid_aggte.csv", index=False, float_format="%.12g")


def csdid_fixtures(data: pd.DataFrame) -> None:
    from csdid.att_gt import ATTgt

    cells, aggs = [], []
    for case, kwargs in CASES.items():
        est = ATTgt(
            yname="lemp",
            tname="year",
            idname="countyreal",
            gname="first.treat",
            data=data,
            control_group=kwargs["control_group"],
            xformla=f"lemp{kwargs['xformla']}" if kwargs["xformla"] else None,
            weights_name="w",
        ).fit(est_method=kwargs["est_method"], bstrap=False)
        r = est.results  # unrounded (the printed summary rounds to 4 decimals)
        cells.append(
            pd.DataFrame(
                {
                    "case": case,
                    "group": np.asarray(r["group"], dtype=int),
                    "t": np.asarray(r["year"], dtype=int),
                    "att": np.asarray(r["att"], dtype=float),
                    "se": np.asarray(r["se"], dtype=float),
                }
            )
        )
        for kind in ("simple", "group", "dynamic", "calendar"):
            with contextlib.redirect_stdout(io.StringIO()):  # csdid prints every summary
                est.aggte(typec=kind, bstrap=False, cband=False)
            aggs.append(
                {
                    "case": case,
                    "type": kind,
                    "overall_att": float(est.atte["overall_att"]),
                    "overall_se": float(est.atte["overall_se"]),
                }
            )
    pd.concat(cells).to_csv(HERE / "csdid_att_gt.csv", index=False, float_format="%.12g")
    pd.DataFrame(aggs).to_csv(HERE / "csdid_aggte.csv", index=False, float_format="%.12g")


def main() -> None:
    warnings.filterwarnings("ignore")
    data = weighted_data()
    moderndid_fixtures(data)
    csdid_fixtures(data)
    print(f"moderndid {version('moderndid')}, csdid {version('csdid')}: wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()
