"""HonestDiD reference on the mpdta event study (minimum wage and teen employment, R ``did``).

Step 1 (outcomelab): ``att_gt`` on ``tests/reference/mpdta/mpdta.csv`` (never-treated
comparison, doubly robust, no covariates, ``base_period="universal"``), event study by
``aggregate("dynamic")``; its covariance from the influence functions (the same linear
combination the aggregation uses). Written to ``betahat.csv`` / ``sigma.csv``. The att_gt
numbers themselves are checked against R ``did`` in ``tests/did``.

Step 2 (peers, test-only): honestdid 0.1.1 (PyPI; a Python port of R HonestDiD) and diff-diff
3.13.0's ``HonestDiD`` for smoothness (FLCI). Not relative magnitudes: honestdid's path fails
with numpy 2, and diff-diff's is a documented conservative shortcut, not C-LF (R HonestDiD's own
results are that reference, ``tests/reference/honest_medicaid``). Written to
``peer_honestdid.csv`` with the peers' own column names.

    uv pip install --python .venv/bin/python honestdid==0.1.1 diff-diff==3.13.0
    flock /work/wt/bench.lock .venv/bin/python tests/reference/honest_mpdta/make_fixture.py
"""

from __future__ import annotations

import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from outcomelab.did import att_gt
from outcomelab.did.aggregation import LinearInfluence, _combine

HERE = Path(__file__).parent
MBAR = [0.0, 0.5, 1.0, 1.5, 2.0]
M_SD = [0.0, 0.01, 0.02, 0.03, 0.05]

data = pd.read_csv(HERE.parent / "mpdta" / "mpdta.csv")
res = att_gt(
    data,
    outcome="lemp",
    unit="countyreal",
    time="year",
    cohort="first.treat",
    base_period="universal",
)
dyn = res.aggregate("dynamic").tidy()
state = res.state
g, t = state.group, state.time
share = {float(c): float(np.mean(state.unit_cohort == c)) for c in np.unique(g)}
pg = np.array([share[float(c)] for c in g])
parts, ests, times = [], [], []
for e in dyn["event_time"]:
    keep = (t - g) == e
    est, lin = _combine(state, keep, pg)
    ests.append(est)
    parts.append(lin)
    times.append(e)
np.testing.assert_allclose(ests, dyn["estimate"], rtol=1e-12)
cov = LinearInfluence.stack(parts).covariance(state)
ok = dyn["std_error"].notna().to_numpy()
np.testing.assert_allclose(np.sqrt(np.diag(cov))[ok], dyn["std_error"][ok], rtol=1e-10)
times = np.asarray(times)
keep = times != -1
beta = np.asarray(ests)[keep]
sigma = cov[np.ix_(keep, keep)]
pd.DataFrame({"event_time": times[keep], "estimate": beta}).to_csv(
    HERE / "betahat.csv", index=False
)
pd.DataFrame(sigma).to_csv(HERE / "sigma.csv", index=False, header=False, float_format="%.17g")
num_pre = int((times[keep] < 0).sum())
num_post = int((times[keep] >= 0).sum())

rows = []
warnings.filterwarnings("ignore")
import honestdid  # noqa: E402

# honestdid 0.1.1's relative-magnitudes path fails here (TypeError in
# _test_in_identified_set_LF_hybrid with numpy 2); R HonestDiD's own relative-magnitudes results are
# the reference instead (tests/reference/honest_medicaid)
for l_index in (0, 1):
    l_vec = np.zeros(num_post)
    l_vec[l_index] = 1.0
    sd = honestdid.createSensitivityResults(beta, sigma, num_pre, num_post, Mvec=M_SD, l_vec=l_vec)
    for r in sd.itertuples():
        rows.append(
            ("honestdid", version("honestdid"), "DeltaSD", l_index, r.M, r.lb, r.ub, r.method)
        )

from diff_diff import HonestDiD  # noqa: E402

for l_index in (0, 1):
    l_vec = np.zeros(num_post)
    l_vec[l_index] = 1.0
    for m in M_SD:
        # diff-diff's public fit() takes its own result objects; its matrix-level method is
        # called directly (same code path fit() uses for an event study)
        h = HonestDiD(method="smoothness", M=m)
        lb, ub, ci_lb, ci_ub = h._compute_smoothness_bounds(
            beta[:num_pre],
            beta[num_pre:],
            sigma,
            sigma[num_pre:, num_pre:],
            l_vec,
            num_pre,
            num_post,
            m,
        )
        rows.append(
            ("diff-diff", version("diff-diff"), "DeltaSD", l_index, m, ci_lb, ci_ub, "FLCI")
        )

pd.DataFrame(
    rows, columns=["package", "version", "Delta", "l_index", "M", "lb", "ub", "method"]
).to_csv(HERE / "peer_honestdid.csv", index=False)
print(pd.read_csv(HERE / "peer_honestdid.csv"))
