"""Unit and period effects themselves (not only their removal): the two-way normal equations.

:func:`two_way_solve` solves ``F'WF z = r`` for the dummy matrix ``F = [unit dummies, period
dummies]`` of a (generally unbalanced) set of rows, with ``r`` given as per-unit and per-period
sums. The imputation estimator needs it twice: to fit unit and period effects on the untreated
rows (``r = F'Wy``) and for the imputation weights of the untreated rows (``r = F_1'w``, the
treated rows' target weights). The unit block is eliminated exactly (it is diagonal); the small
period system ``S b = r_t - C'D_u^{-1} r_u`` with ``S = D_t - C'D_u^{-1}C`` (the matrix
:mod:`outcomelab.did.within` solves for unbalanced panels) has rank ``T - 1`` in a connected
design: the first period's effect is set to 0 and the other ``T - 1`` are solved exactly (any
solution gives the same ``a_i + b_t``; the right-hand sides used here are in the range of
``S``). A design that is not connected (groups of units that share no period) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from outcomelab.did.within import TwoWayIndex
from outcomelab.errors import SingularDesignError

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["TwoWaySystem"]

#: largest number of periods for the dense period system
_MAX_PERIODS = 5_000


@dataclass(frozen=True)
class TwoWaySystem:
    """The factorised two-way normal equations of a set of rows (see the module docstring).

    Attributes
    ----------
    index
        Unit and period codes of the rows (every level has at least one row).
    weights
        Row weights (ones when unweighted).
    unit_w
        ``D_u``: summed weight per unit.
    counts
        ``C``: unit-by-period weight matrix (sparse).
    s_inv
        Inverse of ``S`` without its first row and column.
    """

    index: TwoWayIndex
    weights: np.ndarray
    unit_w: np.ndarray
    counts: sparse.csr_matrix
    s_inv: np.ndarray

    @classmethod
    def build(cls, index: TwoWayIndex, weights: np.ndarray | None = None) -> TwoWaySystem:
        """Factorise ``F'WF`` for the rows of ``index`` with row ``weights``."""
        from scipy import sparse

        if index.n_times > _MAX_PERIODS:
            raise NotImplementedError(
                f"The imputation estimator solves a {index.n_times} x {index.n_times} period "
                f"system; more than {_MAX_PERIODS} periods are not supported."
            )
        w = np.ones(index.unit.size) if weights is None else weights
        unit_w = np.bincount(index.unit, weights=w, minlength=index.n_units)
        time_w = np.bincount(index.time, weights=w, minlength=index.n_times)
        counts = sparse.csr_matrix(
            (w, (index.unit, index.time)), shape=(index.n_units, index.n_times), dtype=np.float64
        )
        scaled = sparse.diags(1.0 / unit_w) @ counts
        s = (np.diag(time_w) - (counts.T @ scaled).toarray())[1:, 1:]
        if s.size and np.linalg.cond(s) > 1e12:
            raise SingularDesignError(
                "The untreated unit-periods fall into groups of units that share no period, so "
                "their unit and period effects cannot be compared across groups; the treated "
                "unit-periods cannot be imputed. Check the periods in the data."
            )
        return cls(index, w, unit_w, counts, np.linalg.inv(s) if s.size else s)

    def solve(self, r_unit: np.ndarray, r_time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit effects ``a`` and period effects ``b`` with ``F'WF (a, b) = (r_unit, r_time)``.

        ``r_unit`` and ``r_time`` may be 2-D (one column per right-hand side).
        """
        ru = r_unit / (self.unit_w if r_unit.ndim == 1 else self.unit_w[:, None])
        rhs = r_time - self.counts.T @ ru
        b = np.zeros_like(rhs)
        b[1:] = self.s_inv @ rhs[1:]
        a = ru - (self.counts @ b) / (self.unit_w if b.ndim == 1 else self.unit_w[:, None])
        return a, b

    def fitted(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Least-squares unit and period effects of ``y`` (one value per row)."""
        wy = self.weights * y
        return self.solve(
            np.bincount(self.index.unit, weights=wy, minlength=self.index.n_units),
            np.bincount(self.index.time, weights=wy, minlength=self.index.n_times),
        )
