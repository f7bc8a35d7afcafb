"""The sets of allowed trend violations of Rambachan and Roth (2023) as linear inequalities.

The violation ``delta`` has one entry per event-study coefficient (``num_pre`` pre-treatment
periods, then ``num_post`` post-treatment ones; the reference period just before treatment is
normalised to zero and left out).

* Relative magnitudes ``Delta^RM(Mbar)``: every post-treatment change between consecutive periods
  is at most ``Mbar`` times the largest pre-treatment one. It is a union of polyhedra, one for
  each location ``s`` of the largest pre-treatment change and its sign.
* Smoothness ``Delta^SD(M)``: the slope of the violation changes by at most ``M`` between
  consecutive periods.
"""

from __future__ import annotations

import numpy as np

__all__ = ["relative_magnitudes_polyhedron", "smoothness_polyhedron"]


def relative_magnitudes_polyhedron(
    num_pre: int, num_post: int, mbar: float, s: int, max_positive: bool
) -> np.ndarray:
    """Matrix ``A`` of ``{delta: A delta <= 0}`` for one piece of ``Delta^RM(mbar)``.

    Parameters
    ----------
    num_pre, num_post
        Numbers of pre- and post-treatment coefficients.
    mbar
        Relative-magnitude bound.
    s
        Location of the largest pre-treatment change: ``s`` in ``-(num_pre - 1) .. 0`` names the
        change from period ``s - 1`` to ``s`` (0 is the change into the reference period).
    max_positive
        Whether that largest change is an increase.

    Returns
    -------
    numpy.ndarray
        ``(rows, num_pre + num_post)``; zero rows are dropped (R ``HonestDiD``'s
        ``.create_A_RM``).
    """
    n = num_pre + num_post
    atilde = np.zeros((n, n + 1))
    for r in range(n):
        atilde[r, r] = -1.0
        atilde[r, r + 1] = 1.0
    v = np.zeros(n + 1)
    v[num_pre + s - 1] = -1.0
    v[num_pre + s] = 1.0
    if not max_positive:
        v = -v
    upper = np.vstack([np.tile(v, (num_pre, 1)), np.tile(mbar * v, (num_post, 1))])
    a = np.vstack([atilde - upper, -atilde - upper])
    a = a[np.einsum("ij,ij->i", a, a) > 1e-10]
    return np.delete(a, num_pre, axis=1)


def smoothness_polyhedron(num_pre: int, num_post: int) -> np.ndarray:
    """Matrix ``A`` of ``Delta^SD(M) = {delta: A delta <= M}`` (second differences bounded)."""
    n = num_pre + num_post
    rows = []
    for r in range(n - 1):
        row = np.zeros(n + 1)
        row[r : r + 3] = (1.0, -2.0, 1.0)
        rows.append(row)
    a = np.vstack(rows)
    a = np.vstack([a, -a])
    return np.delete(a, num_pre, axis=1)
