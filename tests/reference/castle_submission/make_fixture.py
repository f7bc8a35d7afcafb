"""The peer's numbers for the castle-doctrine submission: moderndid's att_gt on the same data.

Run from the repository root with moderndid installed (test-only; 0.2.0 was used)::

    .venv/bin/python tests/reference/castle_submission/make_fixture.py

The data are the standard tables written by ``convert.py`` read back as a panel (``unit_id``,
``period``, ``log_homicide_rate``, the start year as ``first_treat``, 0 for comparison states).
moderndid runs ``att_gt`` (never-treated comparison, doubly robust, no covariates, analytic
standard errors) and ``aggte(type="dynamic")``; ``expected.json`` keeps ATT(e) and its standard
error for every event time with moderndid's own names (``egt``, ``att_egt``, ``se_egt``).

``weighted`` holds the same with each state weighted by its population, as the standard
evaluation weighs aggregate units, from csdid 0.4.3 (``ATTgt(weights_name="population")``, then
``aggte(typec="dynamic")``): moderndid 0.2.0's ``aggte`` weights the cells by *unweighted* cohort
shares when sampling weights are given (see ``tests/reference/mpdta_weights/SOURCE.md``), while
R ``did`` and csdid use the weighted shares. Install both peers to rerun
(``uv pip install --python .venv/bin/python moderndid==0.2.0 csdid==0.4.3``).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def panel() -> pd.DataFrame:
    """The converted tables as the peer sees them: one row per state and year."""
    from convert import convert  # type: ignore[import-not-found]

    folder = convert(Path(tempfile.mkdtemp()) / "castle")
    units = pd.read_csv(folder / "units.csv", dtype={"unit_id": str})
    outcomes = pd.read_csv(folder / "unit_outcomes.csv", dtype={"unit_id": str})
    start = pd.to_datetime(units["start_date"]).dt.year.fillna(0).astype(int)
    first = dict(zip(units["unit_id"], start, strict=True))
    data = outcomes.rename(columns={"value": "log_homicide_rate"})
    data["id"] = data["unit_id"].astype(int)
    data["first_treat"] = data["unit_id"].map(first)
    population = dict(zip(units["unit_id"], units["population"], strict=True))
    data["population"] = data["unit_id"].map(population)
    return data[["id", "period", "first_treat", "log_homicide_rate", "population"]]


def _weighted(data: pd.DataFrame) -> dict[str, object]:
    """csdid's dynamic aggregate with population weights (R did's weighted cohort shares)."""
    from csdid.att_gt import ATTgt

    est = ATTgt(
        yname="log_homicide_rate",
        tname="period",
        idname="id",
        gname="first_treat",
        data=data,
        control_group="nevertreated",
        weights_name="population",
    ).fit(est_method="dr", bstrap=False)
    with contextlib.redirect_stdout(io.StringIO()):  # csdid prints every summary
        est.aggte(typec="dynamic", bstrap=False, cband=False)
    return {
        "tool": f"csdid {version('csdid')}",
        "call": "ATTgt(control_group='nevertreated', weights_name='population')"
        ".fit(est_method='dr', bstrap=False); aggte(typec='dynamic', bstrap=False)",
        "egt": np.asarray(est.atte["egt"], dtype=int).tolist(),
        "att_egt": np.asarray(est.atte["att_egt"], dtype=float).tolist(),
        "se_egt": np.asarray(est.atte["se_egt"], dtype=float).tolist(),
    }


def main() -> None:
    import moderndid as md

    warnings.filterwarnings("ignore")
    data = panel()
    res = md.att_gt(
        data=data,
        yname="log_homicide_rate",
        tname="period",
        idname="id",
        gname="first_treat",
        control_group="nevertreated",
        est_method="dr",
        boot=False,
    )
    dyn = md.aggte(res, type="dynamic", boot=False)
    expected = {
        "tool": f"moderndid {version('moderndid')}",
        "call": "att_gt(control_group='nevertreated', est_method='dr', boot=False); "
        "aggte(type='dynamic', boot=False)",
        "egt": np.asarray(dyn.event_times, dtype=int).tolist(),
        "att_egt": np.asarray(dyn.att_by_event, dtype=float).tolist(),
        "se_egt": np.asarray(dyn.se_by_event, dtype=float).tolist(),
        "wald_pvalue": None if res.wald_pvalue is None else float(res.wald_pvalue),
        "weighted": _weighted(data),
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    print(expected)


if __name__ == "__main__":
    main()
