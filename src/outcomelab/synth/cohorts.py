"""One or several adoption cohorts: fit each block design and aggregate (estimate and replicates).

A cohort is the set of treated units whose treatment starts in the same period. With one cohort
this is exactly the block design of Arkhangelsky et al. (2021). With several (staggered adoption),
each cohort is estimated against the never treated units over all periods and the cohort effects
are averaged with weights proportional to their number of treated unit-periods
(``N_a * T_post,a``), as in Clarke, Pailanir, Athey and Imbens (2023, the Stata ``sdid``).
Replicates for the standard error redo the whole aggregation: placebo (comparison units randomly
given the cohorts' sizes), bootstrap (units resampled) and the fixed-weight jackknife.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from outcomelab.synth.panel import WidePanel
from outcomelab.synth.sdid_core import SdidFit, SdidMethod, SdidOptions, SeMethod, fit_sdid

__all__ = ["CohortFit", "Design", "Replicates"]


@dataclass(frozen=True)
class CohortFit:
    """The fit of one cohort.

    Attributes
    ----------
    start
        Column index of the cohort's first treated period.
    rows
        Treated rows of the panel.
    fit
        Weights and estimate.
    gap
        Treated mean minus weighted comparison mean in every period, less the lambda-weighted
        pre-period difference (its post-period mean is the cohort's estimate).
    share
        The cohort's weight in the aggregate.
    """

    start: int
    rows: np.ndarray
    fit: SdidFit
    gap: np.ndarray
    share: float


def _gap(
    y: np.ndarray, controls: np.ndarray, rows: np.ndarray, fit: SdidFit, t0: int
) -> np.ndarray:
    raw = y[rows].mean(axis=0) - fit.omega @ y[controls]
    return np.asarray(raw - raw[:t0] @ fit.lambda_)


@dataclass(frozen=True)
class Replicates:
    """Replicate estimates and their event-study vectors (one row per replicate)."""

    estimates: np.ndarray
    curves: np.ndarray | None
    by_cohort: np.ndarray


class Design:
    """Cohorts of a panel with their estimator options fixed from the full sample.

    Parameters
    ----------
    panel
        The wide panel.
    method
        ``"sdid"``, ``"sc"`` or ``"did"``.
    """

    def __init__(self, panel: WidePanel, method: SdidMethod) -> None:
        self.panel = panel
        self.method = method
        self.controls = np.arange(panel.n0)
        y = panel.y
        self.starts = [int(s) for s in panel.starts]
        self.rows = {s: panel.cohort_rows(s) for s in self.starts}
        self.opts = {
            s: SdidOptions.default(method, y[np.r_[self.controls, self.rows[s]]], panel.n0, s)
            for s in self.starts
        }

    def fit(
        self,
        y: np.ndarray,
        controls: np.ndarray,
        rows: dict[int, np.ndarray],
        inits: dict[int, SdidFit] | None = None,
        control_pos: np.ndarray | None = None,
        update: bool = True,
    ) -> list[CohortFit]:
        """Fit every cohort with treated rows ``rows[start]`` against ``controls``.

        ``inits`` gives starting (or, with ``update=False``, fixed) weights from the full-sample
        fit; ``control_pos`` maps the new comparison units to their position in that fit.
        """
        fits = []
        n_t = y.shape[1]
        total = sum(len(r) * (n_t - s) for s, r in rows.items() if len(r))
        for s in self.starts:
            r = rows.get(s)
            if r is None or len(r) == 0:
                continue
            sub = y[np.r_[controls, r]]
            omega0 = lam0 = None
            if inits is not None and control_pos is not None:
                w = inits[s].omega[control_pos]
                ws = w.sum()
                omega0 = w / ws if ws != 0 else np.full(len(w), 1.0 / len(w))
                lam0 = inits[s].lambda_
            fit = fit_sdid(
                sub,
                len(controls),
                s,
                self.opts[s],
                omega_init=omega0,
                lambda_init=lam0,
                update=update,
            )
            gap = _gap(y, controls, r, fit, s)
            fits.append(CohortFit(s, r, fit, gap, len(r) * (n_t - s) / total))
        return fits

    @staticmethod
    def aggregate(fits: list[CohortFit]) -> float:
        """Share-weighted average of the cohort estimates."""
        return float(sum(f.share * f.fit.estimate for f in fits))

    def event_curve(self, fits: list[CohortFit], event_times: np.ndarray) -> np.ndarray:
        """Event-study vector relative to the last pre-treatment period (which is left out).

        For each event time ``e`` the unit-weighted average over cohorts of
        ``gap[start + e] - gap[start - 1]``.
        """
        out = np.zeros(len(event_times))
        weight = np.zeros(len(event_times))
        n_t = self.panel.y.shape[1]
        for f in fits:
            base = f.gap[f.start - 1]
            for k, e in enumerate(event_times):
                t = f.start + int(e)
                if 0 <= t < n_t and t != f.start - 1:
                    out[k] += len(f.rows) * (f.gap[t] - base)
                    weight[k] += len(f.rows)
        with np.errstate(invalid="ignore"):
            return out / weight

    def replicates(
        self,
        full: list[CohortFit],
        se: SeMethod,
        replications: int,
        rng: np.random.Generator,
        event_times: np.ndarray | None,
    ) -> Replicates:
        """Replicate estimates (and event-study vectors) for the standard error."""
        y = self.panel.y
        n0 = self.panel.n0
        inits = {f.start: f.fit for f in full}
        sizes = [(s, len(self.rows[s])) for s in self.starts]
        n1 = sum(k for _, k in sizes)
        ests: list[float] = []
        curves: list[np.ndarray] = []
        by_cohort: list[np.ndarray] = []

        def record(fits: list[CohortFit]) -> None:
            ests.append(self.aggregate(fits))
            found = {f.start: f.fit.estimate for f in fits}
            by_cohort.append(np.array([found.get(s, np.nan) for s in self.starts]))
            if event_times is not None:
                curves.append(self.event_curve(fits, event_times))

        if se == "placebo":
            for _ in range(replications):
                perm = rng.permutation(n0)
                n0b = n0 - n1
                pseudo = perm[n0b:]
                rows, pos = {}, 0
                for s, k in sizes:
                    rows[s] = pseudo[pos : pos + k]
                    pos += k
                record(self.fit(y, perm[:n0b], rows, inits, perm[:n0b]))
        elif se == "bootstrap":
            done = 0
            n = y.shape[0]
            while done < replications:
                ind = np.sort(rng.integers(0, n, size=n))
                controls = ind[ind < n0]
                if len(controls) == 0 or len(controls) == n:
                    continue
                rows = {s: ind[np.isin(ind, self.rows[s])] for s in self.starts}
                record(self.fit(y, controls, rows, inits, controls))
                done += 1
        else:
            n = y.shape[0]
            for drop in range(n):
                keep = np.delete(np.arange(n), drop)
                controls = keep[keep < n0]
                rows = {s: self.rows[s][self.rows[s] != drop] for s in self.starts}
                record(self.fit(y, controls, rows, inits, controls, update=False))
        est = np.asarray(ests)
        return Replicates(est, np.vstack(curves) if curves else None, np.vstack(by_cohort))
