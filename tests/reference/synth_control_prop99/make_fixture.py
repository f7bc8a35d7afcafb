"""Reference numbers from pysyncon (an independent Python implementation of Abadie et al.'s Synth).

Run from the repository root with pysyncon installed (test-only peer):

    uv pip install --python .venv/bin/python pysyncon==1.7.0
    flock /work/wt/bench.lock .venv/bin/python tests/reference/synth_control_prop99/make_fixture.py

Data: ``tests/reference/synthdid_prop99/california_prop99.csv`` (Abadie, Diamond and
Hainmueller 2010, as shipped with R synthdid / synthdid-py). Predictors: the mean of cigarette
sales over 1970-1988 and sales in 1975, 1980 and 1988 (the outcome lags of ADH 2010).
Writes ``peer_pysyncon.json``.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from pysyncon import Dataprep, Synth
from pysyncon.utils import PlaceboTest

HERE = Path(__file__).parent
data = pd.read_csv(HERE.parent / "synthdid_prop99" / "california_prop99.csv", sep=";")
pre = list(range(1970, 1989))
controls = sorted(set(data["State"]) - {"California"})


def prep(treated: str, donors: list[str], lags: list[int] | None = None) -> Dataprep:
    special = (
        [("PacksPerCapita", [y], "mean") for y in lags]
        if lags
        else [
            ("PacksPerCapita", pre, "mean"),
            ("PacksPerCapita", [1975], "mean"),
            ("PacksPerCapita", [1980], "mean"),
            ("PacksPerCapita", [1988], "mean"),
        ]
    )
    return Dataprep(
        foo=data,
        predictors=[],
        predictors_op="mean",
        time_predictors_prior=pre,
        special_predictors=special,
        dependent="PacksPerCapita",
        unit_variable="State",
        time_variable="Year",
        treatment_identifier=treated,
        controls_identifier=donors,
        time_optimize_ssr=pre,
    )


dp = prep("California", controls)
out: dict[str, object] = {"pysyncon_version": version("pysyncon")}
equal = np.full(4, 0.25)
s = Synth()
s.fit(dataprep=dp, custom_V=equal)
out["equal_v_weights"] = dict(zip(controls, map(float, s.W), strict=True))
out["equal_v_loss"] = float(s.loss_V)
s2 = Synth()
s2.fit(dataprep=dp, optim_method="Nelder-Mead", optim_initial="equal")
out["optimised_v"] = list(map(float, s2.V))
out["optimised_v_loss"] = float(s2.loss_V)
out["optimised_weights"] = dict(zip(controls, map(float, s2.W), strict=True))

# every pre-period outcome as a predictor with equal V: a strictly convex problem with one
# solution, so weights and placebo gaps are comparable number for number
dp19 = prep("California", controls, lags=pre)
equal19 = np.full(len(pre), 1 / len(pre))
s3 = Synth()
s3.fit(dataprep=dp19, custom_V=equal19)
out["lags19_weights"] = dict(zip(controls, map(float, s3.W), strict=True))
out["lags19_loss"] = float(s3.loss_V)
placebo = PlaceboTest()
placebo.fit(
    dataprep=dp19, scm=Synth(), scm_options={"custom_V": equal19}, max_workers=1, verbose=False
)
gaps = placebo.gaps
post = [y for y in gaps.index if y >= 1989]
pre_rmspe = np.sqrt((gaps.loc[pre] ** 2).mean())
post_rmspe = np.sqrt((gaps.loc[post] ** 2).mean())
treated_gap = placebo.treated_gap
out["placebo_ratio"] = {str(k): float(v) for k, v in (post_rmspe / pre_rmspe).items()}
t_ratio = float(
    np.sqrt((treated_gap.loc[post] ** 2).mean()) / np.sqrt((treated_gap.loc[pre] ** 2).mean())
)
out["treated_ratio"] = t_ratio
out["pvalue"] = float(placebo.pvalue(treatment_time=1989))
(HERE / "peer_pysyncon.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps({k: v for k, v in out.items() if not isinstance(v, dict | list)}, indent=1))
