"""Known truth on the generated municipal panel: bias and 95 % coverage with placebo SEs.

Each replication draws a new panel (new noise, same design: 290 municipalities, 20 years, two
treated from 2019, drawn like the others so that the placebo standard error is valid by design),
estimates SDID and synthetic control (synthdid form) with placebo standard
errors, and compares with the true average effect on the treated. Figures from a larger run are
in notes/synth.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from outcomelab.example.municipal import municipal_panel
from outcomelab.synth import synthdid

REPS = 40
PLACEBO = 50


@pytest.mark.slow
@pytest.mark.parametrize("method", ["sdid", "sc"])
def test_bias_and_coverage(method: str) -> None:
    errors, covered, ses = [], [], []
    for r in range(REPS):
        panel, truth = municipal_panel(n_treated=2, selection=False, seed=1000 + r)
        res = synthdid(
            panel,
            outcome="employment",
            unit="municipality",
            time="year",
            treatment="treated",
            method=method,
            replications=PLACEBO,
            seed=r,
        )
        errors.append(res.estimate - truth["att"])
        covered.append(res.conf_low <= truth["att"] <= res.conf_high)
        ses.append(res.std_error)
    errors_a = np.asarray(errors)
    mc_se = errors_a.std(ddof=1) / np.sqrt(REPS)
    # unbiased within Monte Carlo error (3 MC SEs), and small against the 2-point effect
    assert abs(errors_a.mean()) < 3 * mc_se + 1e-3
    coverage = float(np.mean(covered))
    # 95 % nominal; with 40 draws the MC SE of a coverage is about 3.4 points
    assert 0.85 <= coverage <= 1.0
    # the placebo SE tracks the spread of the estimates (within a factor of 1.5)
    ratio = float(np.mean(ses)) / errors_a.std(ddof=1)
    assert 0.67 < ratio < 1.5
