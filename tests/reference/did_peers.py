"""What the mpdta fixture scripts share: one run of moderndid's and of csdid's ``att_gt`` with its
four aggregations, as tables of cells and aggregates (test-only tools, never imported by src/).

A fixture script finds this module beside its folder::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference
    from did_peers import csdid_run, moderndid_run
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MPDTA = Path(__file__).resolve().parent / "mpdta" / "mpdta.csv"
#: R did's aggregations, in the order the fixtures list them
AGGREGATIONS = ("simple", "group", "dynamic", "calendar")


def time_varying_covariate(data: pd.DataFrame) -> pd.Series:
    """A covariate that changes over time (deterministic): the base period's value is used."""
    return data["lpop"] + 0.05 * (data["year"] - 2003) * (data["countyreal"] % 7 - 3)


def _cells(case: str, group: Any, t: Any, att: Any, se: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case": case,
            "group": np.asarray(group, dtype=int),
            "t": np.asarray(t, dtype=int),
            "att": np.asarray(att, dtype=float),
            "se": np.asarray(se, dtype=float),
        }
    )


def moderndid_run(
    case: str, data: pd.DataFrame, **kwargs: Any
) -> tuple[pd.DataFrame, list[dict[str, Any]], float]:
    """moderndid ``att_gt`` on mpdta's columns with ``kwargs`` (analytic SEs) and ``aggte``.

    Returns the cells (case, group, t, att, se), the aggregates (case, type, overall_att,
    overall_se) and the pre-test's Wald p-value.
    """
    import moderndid as md

    res = md.att_gt(
        data=data,
        yname="lemp",
        tname="year",
        idname="countyreal",
        gname="first.treat",
        boot=False,
        **kwargs,
    )
    aggs = []
    for kind in AGGREGATIONS:
        a = md.aggte(res, type=kind, boot=False)
        aggs.append(
            {"case": case, "type": kind, "overall_att": a.overall_att, "overall_se": a.overall_se}
        )
    cells = _cells(case, res.groups, res.times, res.att_gt, res.se_gt)
    return cells, aggs, res.wald_pvalue


def csdid_run(
    case: str,
    data: pd.DataFrame,
    *,
    control_group: str,
    xformla: str | None,
    est_method: str,
    base_period: str = "varying",
    anticipation: int = 0,
    weights_name: str | None = None,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """csdid ``ATTgt`` on mpdta's columns (analytic SEs) and its four ``aggte``.

    ``xformla`` is moderndid's right-hand side (``"~lpop"``) or ``None``. Returns the cells and
    the aggregates as :func:`moderndid_run` does.
    """
    from csdid.att_gt import ATTgt

    options: dict[str, Any] = {"weights_name": weights_name} if weights_name else {}
    if anticipation:
        options["anticipation"] = anticipation
    est = ATTgt(
        yname="lemp",
        tname="year",
        idname="countyreal",
        gname="first.treat",
        data=data,
        control_group=control_group,
        xformla=f"lemp{xformla}" if xformla else None,
        **options,
    ).fit(est_method=est_method, base_period=base_period, bstrap=False)
    r = est.results  # unrounded (the printed summary rounds to 4 decimals)
    aggs = []
    for kind in AGGREGATIONS:
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
    return _cells(case, r["group"], r["year"], r["att"], r["se"]), aggs


def write_csv(table: pd.DataFrame | list[pd.DataFrame] | list[dict[str, Any]], path: Path,
              digits: int = 12) -> None:  # fmt: skip
    """Write a fixture table (frames are stacked) with ``digits`` significant digits."""
    if isinstance(table, list) and table and isinstance(table[0], pd.DataFrame):
        frame = pd.concat(table)
    else:
        frame = pd.DataFrame(table)
    frame.to_csv(path, index=False, float_format=f"%.{digits}g")
