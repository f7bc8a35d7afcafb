"""Make the diff-diff reference for outcomelab.did.bacon_decomposition (test-only).

Run from the repository root:  .venv/bin/python tests/reference/bacon_diffdiff/make_fixture.py
Needs diff-diff (pip, test-only). Writes panel.csv (seeded balanced panel: 300 units x 10 years,
timing groups 2003, 2005, 2008 and never treated, effects growing with time since treatment) and
expected.csv (diff-diff's comparison table, its own column names) plus expected_twfe.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import diff_diff
import numpy as np
import pandas as pd

HERE = Path(__file__).parent

rng = np.random.default_rng(5)
n, t = 300, 10
panel = pd.DataFrame({"id": np.repeat(np.arange(n), t), "year": np.tile(2000 + np.arange(t), n)})
g = rng.choice([-1, 3, 5, 8], n)
start = np.where(g < 0, 10**6, g)
rel = panel["year"].to_numpy() - 2000 - start[panel["id"]]
panel["d"] = (rel >= 0).astype(int)
panel["first_treat"] = np.where(g < 0, 0, 2000 + g)[panel["id"]]
panel["y"] = (
    rng.normal(size=n)[panel["id"]]
    + 0.1 * panel["year"]
    + panel["d"] * (1 + 0.3 * np.clip(rel, 0, None))
    + rng.normal(size=len(panel))
)
panel.round(12).to_csv(HERE / "panel.csv", index=False)
panel = pd.read_csv(HERE / "panel.csv")

res = diff_diff.BaconDecomposition().fit(
    panel, outcome="y", unit="id", time="year", first_treat="first_treat"
)
res.to_dataframe().to_csv(HERE / "expected.csv", index=False)
(HERE / "expected_twfe.json").write_text(
    json.dumps({"source": f"diff-diff {diff_diff.__version__}", "twfe_estimate": res.twfe_estimate})
)
print(res.to_dataframe())
