"""outcomelab.numerics.normal against scipy.special (the functions it stands in for)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from outcomelab.numerics.normal import chi2_sf, ndtr, ndtri


def test_ndtr_equals_scipy() -> None:
    x = np.concatenate([np.linspace(-37, 37, 7401), [0.0, 1e-300, -1e-300]])
    ours, theirs = ndtr(x), special.ndtr(x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=0)
    assert ndtr(-np.inf) == 0.0 and ndtr(np.inf) == 1.0 and math.isnan(ndtr(math.nan))
    assert isinstance(ndtr(0.3), float)
    assert ndtr(np.zeros((2, 3))).shape == (2, 3)


def test_ndtri_equals_scipy() -> None:
    p = np.concatenate([np.linspace(1e-12, 1 - 1e-12, 10001), [1e-300, 0.025, 0.975, 0.5]])
    np.testing.assert_allclose(ndtri(p), special.ndtri(p), rtol=1e-15, atol=1e-15)
    assert ndtri(0.0) == -np.inf and ndtri(1.0) == np.inf
    assert all(math.isnan(ndtri(v)) for v in (-0.1, 1.1, math.nan))
    assert abs(ndtri(0.975) - 1.959963984540054) < 1e-15


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 12, 13, 40, 41, 199])
def test_chi2_sf_equals_scipy(df: int) -> None:
    x = np.linspace(0.001, 4 * df + 60, 400)
    theirs = special.chdtrc(df, x)
    ours = np.array([chi2_sf(df, float(v)) for v in x])
    keep = theirs > 1e-300
    np.testing.assert_allclose(ours[keep], theirs[keep], rtol=1e-12, atol=0)
    assert chi2_sf(df, 0.0) == 1.0 and chi2_sf(df, math.inf) == 0.0


def test_chi2_sf_needs_whole_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="whole degrees of freedom"):
        chi2_sf(0, 1.0)
    with pytest.raises(ValueError, match="whole degrees of freedom"):
        chi2_sf(2.5, 1.0)  # type: ignore[arg-type]
