"""The arrays behind a group-time result and the influence functions of linear aggregates.

:class:`GroupTimeState` holds ATT(g,t), their influence functions and the sufficient statistics
(Gram matrices) that aggregation, the uniform band and the pre-test read; :class:`LinearInfluence`
represents the influence function of an aggregate as a linear map of the cell ones. Both are
plain arrays with no knowledge of results or plots, the lowest floor of ``did``'s group-time
modules (``influence`` <- ``pretest``, ``aggregation`` <- ``group_time`` <- ``att_gt``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from outcomelab.errors import ParameterError

__all__ = ["GroupTimeState", "LinearInfluence", "cluster_sums"]


@dataclass(frozen=True)
class GroupTimeState:
    """Arrays behind a group-time result, kept for aggregation and tests (read-only by use).

    Attributes
    ----------
    group, time, base
        Cohort, period and base period of each of the ``K`` cells.
    att
        ATT(g,t), shape ``(K,)``.
    influence
        Influence functions on the full balanced panel, shape ``(n, K)``, scaled so that the
        covariance of the estimates is ``influence.T @ influence / n**2`` (R ``did``'s
        ``inffunc``); ``None`` when the state was made from sufficient statistics
        (:func:`~outcomelab.did.att_gt_moments`), which gives analytic inference only.
    unit_cohort
        Cohort of each unit (0 = never treated), shape ``(n,)``.
    periods
        Observed periods.
    anticipation
        Periods of anticipation.
    bootstrap, bootstrap_weights, seed
        Multiplier bootstrap settings (``bootstrap=None``: analytic standard errors).
    n_control
        Units used as comparison in at least one cell.
    cluster_codes
        Cluster index of each unit (``None``: every unit is its own cluster).
    unit_weights
        Sampling weight of each unit normalised to mean one (``None``: unweighted). The cohort
        shares that weight cells in aggregates are weighted shares, and the influence of
        estimating them is ``w_i h(cohort_i)`` (R ``did::aggte``'s ``wif`` with
        ``weights.ind``).
    gram
        ``A.T @ A`` with ``A`` the influence functions summed within clusters, shape ``(K, K)``.
    cohort_values
        Sorted distinct cohorts (0 first when present), shape ``(C,)``.
    cohort_cross
        ``M.T @ M`` with ``M`` the (weighted) number of units of each cohort in each cluster,
        ``(C, C)`` (the diagonal matrix of cohort sizes without clustering and weights).
    cohort_sums
        ``A.T @ M``: cluster-summed influence against cohort counts, shape ``(K, C)``.
    """

    group: np.ndarray
    time: np.ndarray
    base: np.ndarray
    att: np.ndarray
    influence: np.ndarray | None
    unit_cohort: np.ndarray
    periods: np.ndarray
    anticipation: int
    bootstrap: int | None
    bootstrap_weights: Literal["mammen", "rademacher"]
    seed: int | None
    n_control: int
    cluster_codes: np.ndarray | None
    unit_weights: np.ndarray | None
    gram: np.ndarray
    cohort_values: np.ndarray
    cohort_cross: np.ndarray
    cohort_sums: np.ndarray

    @classmethod
    def build(cls, **kwargs: Any) -> GroupTimeState:
        """Make a state and the sufficient statistics of its influence functions."""
        inf = kwargs["influence"]
        coh = kwargs["unit_cohort"]
        values, codes = np.unique(coh, return_inverse=True)
        onehot = np.zeros((coh.shape[0], values.shape[0]))
        weights = kwargs.get("unit_weights")
        onehot[np.arange(coh.shape[0]), codes] = 1.0 if weights is None else weights
        clusters = kwargs.get("cluster_codes")
        if clusters is None:
            a, m = inf, onehot
        else:
            a, m = cluster_sums(inf, clusters), cluster_sums(onehot, clusters)
        return cls(
            **kwargs,
            gram=a.T @ a,
            cohort_values=values,
            cohort_cross=m.T @ m,
            cohort_sums=a.T @ m,
        )

    def bootstrap_input(self, psi: np.ndarray) -> np.ndarray:
        """Rows for the multiplier bootstrap: units, or cluster sums rescaled to the same
        normalisation (``Var = mean(rows**2) / n_rows``)."""
        if self.cluster_codes is None:
            return psi
        sums = cluster_sums(psi, self.cluster_codes)
        return sums * (sums.shape[0] / psi.shape[0])

    @property
    def n_units(self) -> int:
        """Units in the balanced panel."""
        return int(self.unit_cohort.shape[0])

    def cohort_share(self, cohort: float) -> float:
        """``P(G = cohort)``: the (weighted) share of units in ``cohort``."""
        member = self.unit_cohort == cohort
        if self.unit_weights is None:
            return float(np.mean(member))
        return float(np.mean(self.unit_weights * member))

    def rng(self, stream: int) -> np.random.Generator:
        """Random generator for one use (``stream`` keeps uses independent and reproducible).

        With ``seed=None`` the bootstrap is random but the Gaussian uniform critical value uses a
        fixed seed so that analytic results are reproducible.
        """
        if self.seed is None:
            if self.bootstrap is not None:
                return np.random.default_rng()
            return np.random.default_rng([20210601, stream])
        return np.random.default_rng([self.seed, stream])


def cluster_sums(values: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Sum the rows of ``values`` (n x k) within clusters ``clusters`` (codes 0..G-1)."""
    order = np.argsort(clusters, kind="stable")
    sorted_codes = clusters[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    return np.add.reduceat(np.asarray(values)[order], starts, axis=0)


@dataclass(frozen=True)
class LinearInfluence:
    """Influence functions of ``m`` aggregated parameters as linear maps of the cell ones.

    ``psi_j(i) = influence[i] @ w[:, j] + w_i h[cohort_code(i), j]``: a weighted sum of the
    ATT(g,t) influence functions plus a function of the unit's cohort (from estimating cohort
    shares) times its sampling weight ``w_i`` (1 without weights).
    Variances then need only ``gram``, ``cohort_sums`` and ``cohort_cross``, never the ``n``-long
    vectors, except for the bootstrap.
    """

    w: np.ndarray  # (K, m)
    h: np.ndarray  # (C, m)

    def covariance(self, state: GroupTimeState) -> np.ndarray:
        """Covariance matrix of the ``m`` parameters, ``psi' psi / n**2``."""
        w, h = self.w, self.h
        cross = w.T @ state.cohort_sums @ h
        gram = w.T @ state.gram @ w + cross + cross.T + h.T @ state.cohort_cross @ h
        return np.asarray(gram / state.n_units**2)

    def materialise(self, state: GroupTimeState) -> np.ndarray:
        """The ``(n, m)`` influence functions (for the bootstrap)."""
        if state.influence is None:
            raise ParameterError(
                "This group-time result was computed from sufficient statistics and has no "
                "unit-level influence functions; use att_gt for bootstrap inference."
            )
        codes = np.searchsorted(state.cohort_values, state.unit_cohort)
        share_part = self.h[codes]
        if state.unit_weights is not None:
            share_part = share_part * state.unit_weights[:, None]
        return np.asarray(state.influence @ self.w + share_part)

    @staticmethod
    def stack(parts: list[LinearInfluence]) -> LinearInfluence:
        """Columns of several into one."""
        return LinearInfluence(
            np.column_stack([p.w for p in parts]), np.column_stack([p.h for p in parts])
        )
