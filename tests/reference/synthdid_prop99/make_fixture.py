"""Reference numbers from synthdid-py (a line-by-line Python port of R ``synthdid``).

Run from the repository root with synthdid-py installed (test-only peer):

    uv pip install --python .venv/bin/python synthdid-py==0.1.0
    flock /work/wt/bench.lock .venv/bin/python tests/reference/synthdid_prop99/make_fixture.py

Writes ``peer_synthdid_py.json``. Takes several minutes (synthdid-py's placebo refits are slow).
The random draws use ``numpy.random.default_rng(SEED)``: placebo ``permutation(N0)`` and bootstrap
``sort(integers(0, N, N))``, the same streams outcomelab draws with ``seed=SEED``.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import synthdid as sd

HERE = Path(__file__).parent
SEED = 12345
REPS = 20

prop99 = pd.read_csv(HERE / "california_prop99.csv", sep=";")
p = sd.panel_matrices(
    prop99, unit="State", time="Year", outcome="PacksPerCapita", treatment="treated"
)
out: dict[str, object] = {"synthdid_py_version": version("synthdid-py"), "seed": SEED, "reps": REPS}
fns = {"sdid": sd.synthdid_estimate, "sc": sd.sc_estimate, "did": sd.did_estimate}
for name, fn in fns.items():
    est = fn(p.Y, p.N0, p.T0)
    out[f"prop99_{name}_estimate"] = float(est)
    out[f"prop99_{name}_placebo_se"] = sd.placebo_se(est, replications=REPS, random_state=SEED)
    if name == "sdid":
        out["prop99_sdid_omega"] = dict(
            zip(map(str, p.units[: p.N0]), map(float, est.weights.omega), strict=True)
        )
        out["prop99_sdid_lambda"] = list(map(float, est.weights.lambda_))

cps = pd.read_csv(HERE / "cps.csv", sep=";", true_values=["TRUE"], false_values=["FALSE"])
cps["min_wage"] = cps["min_wage"].astype(int)
c = sd.panel_matrices(cps, unit="state", time="year", outcome="log_wage", treatment="min_wage")
for name, fn in fns.items():
    est = fn(c.Y, c.N0, c.T0)
    out[f"cps_{name}_estimate"] = float(est)
    out[f"cps_{name}_bootstrap_se"] = sd.bootstrap_se(est, replications=REPS, random_state=SEED)
    out[f"cps_{name}_jackknife_se"] = sd.jackknife_se(est)


(HERE / "peer_synthdid_py.json").write_text(json.dumps(out, indent=1, default=float) + "\n")
print(json.dumps({k: v for k, v in out.items() if not isinstance(v, dict | list)}, indent=1))
