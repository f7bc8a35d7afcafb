"""Persistence of an effect over the appraisal horizon: constant, linear decay or a half-life."""

from __future__ import annotations

from typing import Literal

import numpy as np

from outcomelab.errors import ParameterError

__all__ = ["PERSISTENCE_KINDS", "Persistence", "persistence_factors"]

Persistence = Literal["constant", "linear", "half_life"]
PERSISTENCE_KINDS: tuple[str, ...] = ("constant", "linear", "half_life")


def persistence_factors(
    n_years: int,
    kind: Persistence = "constant",
    *,
    decay_years: float | None = None,
    half_life: float | None = None,
) -> np.ndarray:
    """Share of the first-year effect that remains in each year ``t = 0 .. n_years - 1``.

    Parameters
    ----------
    n_years
        Number of years the effect can last.
    kind
        ``"constant"``: the effect stays at its estimated size. ``"linear"``: it falls in equal
        steps to zero at year ``decay_years``. ``"half_life"``: it halves every ``half_life``
        years.
    decay_years
        Years until the effect is gone (``kind="linear"``), > 0.
    half_life
        Half-life in years (``kind="half_life"``), > 0.

    Returns
    -------
    numpy.ndarray
        ``p_t`` with ``p_0 = 1``.

    Raises
    ------
    ParameterError
        If ``kind`` is unknown or its parameter is missing or not positive.

    Notes
    -----
    constant: :math:`p_t = 1`; linear: :math:`p_t = \\max(0, 1 - t/N)`; half-life:
    :math:`p_t = 2^{-t/h}`.

    Examples
    --------
    >>> persistence_factors(5, "linear", decay_years=4).tolist()
    [1.0, 0.75, 0.5, 0.25, 0.0]
    """
    t = np.arange(int(n_years), dtype=float)
    if kind == "constant":
        return np.ones_like(t)
    if kind == "linear":
        if decay_years is None or not decay_years > 0:
            raise ParameterError(
                "`persistence='linear'` needs `decay_years`, the number of years until the effect "
                f"has faded to zero (> 0); got {decay_years!r}."
            )
        return np.clip(1.0 - t / float(decay_years), 0.0, 1.0)
    if kind == "half_life":
        if half_life is None or not half_life > 0:
            raise ParameterError(
                "`persistence='half_life'` needs `half_life`, the years it takes the effect to "
                f"halve (> 0); got {half_life!r}."
            )
        return np.power(0.5, t / float(half_life))
    raise ParameterError(
        f"`persistence` must be one of {', '.join(repr(k) for k in PERSISTENCE_KINDS)}; "
        f"got {kind!r}."
    )
