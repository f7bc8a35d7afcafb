"""Turn the evaluation's effects (EffectResults or a tidy table) into arrays for the calculation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomelab.errors import InputError
from outcomelab.results import EffectResult

__all__ = ["EffectInputs", "read_effects"]


@dataclass(frozen=True)
class EffectInputs:
    """Effects per outcome with their sampling covariance."""

    outcomes: tuple[str, ...]
    estimate: np.ndarray
    covariance: np.ndarray

    @property
    def std_error(self) -> np.ndarray:
        """Standard errors (square roots of the covariance diagonal)."""
        return np.sqrt(np.diag(self.covariance))


def read_effects(
    effects: Mapping[str, EffectResult] | pd.DataFrame,
    covariance: pd.DataFrame | np.ndarray | None = None,
) -> EffectInputs:
    """Read effects from a mapping ``outcome -> EffectResult`` or a table.

    Parameters
    ----------
    effects
        ``{outcome_code: EffectResult}``, or a DataFrame with columns ``outcome, estimate,
        std_error`` (one row per outcome).
    covariance
        Sampling covariance of the estimates: a DataFrame indexed and labelled by outcome, or an
        array in the order of ``effects``. ``None`` treats the estimates as independent.

    Returns
    -------
    EffectInputs

    Raises
    ------
    InputError
        If the table lacks columns, an outcome repeats, a standard error is missing or negative,
        or the covariance does not fit (shape, labels, asymmetry, negative eigenvalues).
    """
    if isinstance(effects, pd.DataFrame):
        missing = [c for c in ("outcome", "estimate", "std_error") if c not in effects.columns]
        if missing:
            raise InputError(
                f"`effects` lacks the columns {missing}; pass a table with one row per outcome and "
                "the columns outcome, estimate, std_error, or a mapping outcome -> EffectResult."
            )
        outcomes = [str(o) for o in effects["outcome"]]
        est = pd.to_numeric(effects["estimate"], errors="coerce").to_numpy(dtype=float)
        se = pd.to_numeric(effects["std_error"], errors="coerce").to_numpy(dtype=float)
    elif isinstance(effects, Mapping):
        outcomes = [str(k) for k in effects]
        bad = [k for k, v in effects.items() if not isinstance(v, EffectResult)]
        if bad:
            raise InputError(
                f"`effects` must map outcome codes to EffectResult objects; {bad} do not."
            )
        est = np.array([v.estimate for v in effects.values()], dtype=float)
        se = np.array([v.std_error for v in effects.values()], dtype=float)
    else:
        raise InputError(
            f"`effects` must be a mapping outcome -> EffectResult or a DataFrame; got "
            f"{type(effects).__name__}."
        )
    if not outcomes:
        raise InputError("`effects` is empty; there is no effect to value.")
    dups = sorted({o for o in outcomes if outcomes.count(o) > 1})
    if dups:
        raise InputError(f"`effects` lists the outcomes {dups} more than once; keep one row each.")
    bad_rows = [o for o, e, s in zip(outcomes, est, se, strict=True) if not np.isfinite(e)]
    if bad_rows:
        raise InputError(f"`effects` has no numeric estimate for {bad_rows}.")
    bad_se = [o for o, s in zip(outcomes, se, strict=True) if not (np.isfinite(s) and s >= 0)]
    if covariance is None and bad_se:
        raise InputError(
            f"`effects` has missing or negative standard errors for {bad_se}; the uncertainty "
            "calculation needs them (use 0 for a value known without error)."
        )
    cov = np.diag(se**2) if covariance is None else _read_covariance(covariance, outcomes)
    return EffectInputs(tuple(outcomes), est, cov)


def _read_covariance(covariance: pd.DataFrame | np.ndarray, outcomes: list[str]) -> np.ndarray:
    if isinstance(covariance, pd.DataFrame):
        missing = [o for o in outcomes if o not in covariance.index or o not in covariance.columns]
        if missing:
            raise InputError(
                f"`covariance` has no row or column for {missing}; label it by outcome code."
            )
        cov = covariance.loc[outcomes, outcomes].to_numpy(dtype=float)
    else:
        cov = np.asarray(covariance, dtype=float)
    k = len(outcomes)
    if cov.shape != (k, k):
        raise InputError(
            f"`covariance` must be {k} x {k} (one row and column per outcome); got {cov.shape}."
        )
    if not np.allclose(cov, cov.T, rtol=1e-8, atol=1e-12):
        raise InputError("`covariance` is not symmetric; pass the estimates' covariance matrix.")
    if np.linalg.eigvalsh(cov).min() < -1e-10 * max(1.0, float(np.abs(cov).max())):
        raise InputError(
            "`covariance` has a negative eigenvalue, so it is not a covariance matrix; check "
            "that the off-diagonal entries are covariances, not correlations."
        )
    return cov
