"""Between-study variance (tau²) of a random-effects model without moderators, per group.

Both estimators work on all groups at once (see :class:`~outcomelab.synthesis.segments.Segments`).

* **DerSimonian-Laird** (method of moments):
  ``tau² = max(0, (Q - (k - 1)) / (Σw - Σw² / Σw))`` with ``w = 1 / v`` and Cochran's
  ``Q = Σ w (y - ȳ_w)²``.
* **REML** (restricted maximum likelihood) by Fisher scoring, the algorithm of R ``metafor``:
  ``tau² ← tau² + (y'PPy - tr P) / tr(PP)`` with ``P = W - W 1 (1'W1)^{-1} 1'W``,
  ``W = diag(1 / (v + tau²))``, started at the DerSimonian-Laird value. A step that would make
  tau² negative is projected onto 0 (metafor halves it instead; both end on the same boundary
  optimum, ours exactly at 0). For one group the traces reduce to sums:
  ``tr P = Σw - Σw²/Σw`` and ``tr(PP) = Σw² - 2Σw³/Σw + (Σw²/Σw)²``.

References
----------
DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials. Controlled Clinical Trials
7(3), 177-188.

Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance estimators in the
random-effects model. Journal of Educational and Behavioral Statistics 30(3), 261-293.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from outcomelab.synthesis.segments import Segments

__all__ = ["Tau2Fit", "tau2_dl", "tau2_reml"]

#: convergence threshold on the change of tau² between Fisher-scoring steps (relative to 1 + tau²)
REML_TOLERANCE = 1e-10
#: most Fisher-scoring steps before a group is reported as not converged
REML_MAX_ITER = 200


@dataclass(frozen=True)
class Tau2Fit:
    """tau² per group with its standard error and convergence flags."""

    tau2: np.ndarray
    se: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray


def tau2_dl(y: np.ndarray, v: np.ndarray, seg: Segments) -> Tau2Fit:
    """DerSimonian-Laird tau² for every group (``y`` effects, ``v`` sampling variances)."""
    w = 1.0 / v
    sw = seg.sum(w)
    sw2 = seg.sum(w * w)
    mu = seg.sum(w * y) / sw
    q = seg.sum(w * (y - seg.spread(mu)) ** 2)
    df = seg.counts - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        trp = sw - sw2 / sw
        tau2 = np.maximum(0.0, (q - df) / trp)
        # metafor's SE of the DL estimator: sqrt(2 (k-1) + 4 tau² tr P + 2 tau⁴ tr(PP)) / tr P
        sw3 = seg.sum(w**3)
        trpp = sw2 - 2.0 * sw3 / sw + (sw2 / sw) ** 2
        se = np.sqrt(2.0 * df + 4.0 * tau2 * trp + 2.0 * tau2**2 * trpp) / trp
    ones = np.ones(seg.n_groups, dtype=bool)
    return Tau2Fit(tau2=tau2, se=se, iterations=np.zeros(seg.n_groups, np.int64), converged=ones)


def _reml_pieces(
    y: np.ndarray, v: np.ndarray, tau2: np.ndarray, seg: Segments
) -> tuple[np.ndarray, np.ndarray]:
    """Score numerator ``y'PPy - tr P`` and information ``tr(PP)`` at ``tau2`` per group."""
    w = 1.0 / (v + seg.spread(tau2))
    sw = seg.sum(w)
    w2 = w * w
    sw2 = seg.sum(w2)
    sw3 = seg.sum(w2 * w)
    mu = seg.sum(w * y) / sw
    r = y - seg.spread(mu)
    ypy = seg.sum(w2 * r * r)
    trp = sw - sw2 / sw
    ratio = sw2 / sw
    trpp = sw2 - 2.0 * sw3 / sw + ratio * ratio
    return ypy - trp, trpp


def tau2_reml(y: np.ndarray, v: np.ndarray, seg: Segments) -> Tau2Fit:
    """REML tau² for every group by Fisher scoring, started at the DerSimonian-Laird value."""
    tau2 = tau2_dl(y, v, seg).tau2.copy()
    iterations = np.zeros(seg.n_groups, dtype=np.int64)
    active = np.ones(seg.n_groups, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(REML_MAX_ITER):
            score, info = _reml_pieces(y, v, tau2, seg)
            step = np.where(active, score / info, 0.0)
            new = np.maximum(0.0, tau2 + step)
            change = np.abs(new - tau2)
            iterations += active
            tau2 = new
            active &= change > REML_TOLERANCE * (1.0 + tau2)
            if not active.any():
                break
        _, info = _reml_pieces(y, v, tau2, seg)
        se = np.sqrt(2.0 / info)
    return Tau2Fit(tau2=tau2, se=se, iterations=iterations, converged=~active)
