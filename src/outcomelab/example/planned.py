"""Synthetic analysis panels of a planned design, for simulation-based power.

:func:`generate_planned_panel` draws data in the shape of the lab's analysis panel (``unit, period,
cohort``, the outcome ``y`` and a baseline covariate ``cov_x``) for the sizes, base rate, variance
and correlation over time that a municipality states in ``outcomelab plan``, with a known
constant effect from the start period on. Like :func:`~outcomelab.example.generate_example`,
participation depends on an observed baseline covariate only (selection on observables, so DiD
and matching are both unbiased) and the truth is known exactly.

Outcome model (unit ``i``, period ``t``, start period ``g_i``, ``D_it = 1{t >= g_i}``):

* binary: ``Y_it = 1{U_it < p_i + delta_i D_it}`` with ``p_i ~ Beta(p (1 - rho) / rho,
  (1 - p)(1 - rho) / rho)``, so ``E[Y] = p`` and two periods of one unit correlate exactly
  ``rho``. The effect is proportional to each unit's room to move, ``delta_i = delta (1 - p_i) /
  (1 - p̄)`` for ``delta > 0`` (``delta p_i / p̄`` for ``delta < 0``, ``p̄`` the treated units'
  mean level), so no probability leaves [0, 1] and the treated units' average effect is exactly
  ``delta`` (an additive shift would saturate at 0 or 1 and plant a smaller effect than stated);
* continuous: ``Y_it = mu + s_t + sigma (sqrt(rho) a_i + sqrt(1 - rho) e_it) + delta D_it`` with
  standard normal ``a_i, e_it`` and a common period shock ``s_t``.

For an aggregate design (municipalities with a key figure, e.g. a share in employment) the
continuous model is the municipal panel: ``mu`` the indicator's mean (the base rate of a share),
``sigma`` its spread between municipalities, ``rho`` the correlation of a municipality's values in
two years, and the treated municipalities of each start year given by ``n_per_cohort``.

The covariate is ``x_i = 0.6 q_i + 0.8 e_i`` with ``q_i`` the unit's standardised level (so it
predicts the outcome), and participants are drawn by Gumbel top-k with weights ``exp(0.3 x_i)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from outcomelab.errors import ParameterError

__all__ = ["FIRST_PERIOD", "generate_planned_panel"]

#: calendar year of the first period of a planned panel
FIRST_PERIOD = 2015


def generate_planned_panel(
    *,
    n_per_cohort: int | Sequence[int],
    cohorts: int,
    periods_before: int,
    periods_after: int,
    n_comparison: int,
    kind: str,
    effect: float,
    icc: float,
    base_rate: float | None = None,
    mean: float = 0.0,
    sd: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Draw an analysis panel of a planned design with a known constant effect ``effect``.

    Parameters
    ----------
    n_per_cohort, cohorts
        Treated units per start cohort (one number for every cohort, or one per cohort, e.g.
        ``[2, 1]`` for three municipalities in two start years) and number of cohorts (one start
        per period).
    periods_before, periods_after
        Periods before the first start and after the last start.
    n_comparison
        Comparison units (never treated).
    kind
        ``"binary"`` or ``"continuous"``.
    effect
        The true effect on every treated unit from its start period on.
    icc
        Correlation of a unit's outcome between two periods (strictly between 0 and 1).
    base_rate
        Binary: the mean share.
    mean, sd
        Continuous: mean and standard deviation per unit and period.
    seed
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit, period, cohort, y, cov_x``; ``cohort`` is the start period (0 for the
        comparison units); ``attrs["truth"]`` holds the planted effect and (binary) the treated
        units' realised average effect on the probability.

    Raises
    ------
    ParameterError
        A size below 1, an ``icc`` outside (0, 1) or a binary effect that leaves [0, 1].
    """
    if isinstance(n_per_cohort, int | np.integer):
        sizes = np.full(cohorts, int(n_per_cohort), dtype=np.int64)
    else:
        sizes = np.asarray(n_per_cohort, dtype=np.int64)
        if sizes.shape != (cohorts,):
            raise ParameterError(
                f"`n_per_cohort` needs one size per cohort ({cohorts}); got {list(sizes)}."
            )
    if (
        min(
            int(sizes.min()) if sizes.size else 0,
            cohorts,
            periods_before,
            periods_after,
            n_comparison,
        )
        < 1
    ):
        raise ParameterError("Every size of a planned panel must be at least 1.")
    if not 0 < icc < 1:
        raise ParameterError(f"`icc` must be strictly between 0 and 1; got {icc}.")
    rng = np.random.default_rng(seed)
    n_treated = int(sizes.sum())
    n = n_treated + n_comparison
    n_periods = periods_before + cohorts + periods_after
    periods = FIRST_PERIOD + np.arange(n_periods)
    if kind == "binary":
        if base_rate is None or not 0 < base_rate < 1:
            raise ParameterError(f"`base_rate` must be strictly between 0 and 1; got {base_rate}.")
        if not 0 <= base_rate + effect <= 1:
            raise ParameterError(
                f"A base rate of {base_rate} with an effect of {effect} leaves the 0-1 range."
            )
        scale = (1.0 - icc) / icc
        level = rng.beta(base_rate * scale, (1.0 - base_rate) * scale, n)
        q = special.ndtri(
            np.clip(
                stats.beta.cdf(level, base_rate * scale, (1.0 - base_rate) * scale), 1e-9, 1 - 1e-9
            )
        )
    elif kind == "continuous":
        q = rng.standard_normal(n)
        level = mean + sd * np.sqrt(icc) * q
    else:
        raise ParameterError(f"`kind` must be 'binary' or 'continuous'; got {kind!r}.")
    x = 0.6 * q + 0.8 * rng.standard_normal(n)
    order = np.argsort(-(0.3 * x + rng.gumbel(size=n)), kind="stable")
    cohort = np.zeros(n, dtype=np.int64)
    starts = periods[periods_before : periods_before + cohorts]
    cohort[order[:n_treated]] = np.repeat(starts, sizes)
    treated_now = (cohort[:, None] > 0) & (periods[None, :] >= cohort[:, None])
    if kind == "binary":
        treated = cohort > 0
        mean_level = float(level[treated].mean())
        room = (1.0 - level) / (1.0 - mean_level) if effect > 0 else level / mean_level
        if abs(effect) * float(room.max()) > 1.0 + 1e-12:
            room = np.minimum(room, 1.0 / abs(effect))
        p = level[:, None] + (effect * room)[:, None] * treated_now
        y = (rng.random((n, n_periods)) < p).astype(np.float64)
    else:
        shock = 0.2 * sd * rng.standard_normal(n_periods)
        noise = sd * np.sqrt(1.0 - icc) * rng.standard_normal((n, n_periods))
        y = level[:, None] + shock[None, :] + noise + effect * treated_now
    panel = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n), n_periods),
            "period": np.tile(periods, n),
            "cohort": np.repeat(cohort, n_periods),
            "y": y.ravel(),
            "cov_x": np.repeat(x, n_periods),
        }
    )
    truth = {"effect": float(effect)}
    if kind == "binary":
        truth["average_effect_on_probability"] = float((effect * room)[cohort > 0].mean())
    panel.attrs["truth"] = truth
    panel.attrs["panel_info"] = {"period_type": "year"}
    return panel
