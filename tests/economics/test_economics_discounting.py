from __future__ import annotations

import numpy as np
import pytest

from outcomelab.economics import discount_factors, persistence_factors
from outcomelab.errors import ParameterError


def test_constant_rate_by_hand() -> None:
    # 1 / 1.035**t: t=0 -> 1; t=1 -> 0.966184; t=2 -> 0.933511; t=3 -> 0.901943
    got = discount_factors(4, 0.035)
    np.testing.assert_allclose(got, [1.0, 0.966184, 0.933511, 0.901943], atol=1e-6)


def test_green_book_declining_schedule() -> None:
    got = discount_factors(76, schedule="declining")
    # years 0-30 at 3.5 %: D_30 = 1.035**-30 = 0.356278
    assert got[30] == pytest.approx(0.356278, abs=1e-6)
    # year 31 is the first at 3.0 %: D_31 = D_30 / 1.03 = 0.345901
    assert got[31] == pytest.approx(0.356278 / 1.03, abs=1e-6)
    # year 40: D_30 / 1.03**10 = 0.356278 / 1.343916 = 0.265104
    assert got[40] == pytest.approx(0.265104, abs=1e-6)
    # year 75 (last at 3.0 %): D_30 / 1.03**45 = 0.356278 / 3.781596 = 0.094214
    assert got[75] == pytest.approx(0.094214, abs=1e-6)
    # the schedule gives more weight to the long run than a constant 3.5 %
    assert got[75] > discount_factors(76, 0.035)[75]


def test_custom_schedule_steps() -> None:
    # 10 % in years 1-2, then 0 %: D = [1, 1/1.1, 1/1.21, 1/1.21]
    got = discount_factors(4, schedule=[(0, 0.10), (3, 0.0)])
    np.testing.assert_allclose(got, [1.0, 1 / 1.1, 1 / 1.21, 1 / 1.21])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_years": 0}, "horizon_years"),
        ({"n_years": 3, "rate": 1.5}, "discount_rate"),
        ({"n_years": 3, "schedule": "rising"}, "discount_schedule"),
        ({"n_years": 3, "schedule": [(1, 0.03)]}, "start at year 0"),
    ],
)
def test_discount_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        discount_factors(**kwargs)  # type: ignore[arg-type]


def test_persistence_by_hand() -> None:
    np.testing.assert_allclose(persistence_factors(3), [1, 1, 1])
    # linear to zero over 4 years: 1 - t/4
    np.testing.assert_allclose(
        persistence_factors(6, "linear", decay_years=4), [1, 0.75, 0.5, 0.25, 0, 0]
    )
    # half-life 2: 2**(-t/2) = 1, 0.707107, 0.5, 0.353553
    np.testing.assert_allclose(
        persistence_factors(4, "half_life", half_life=2), [1, 0.707107, 0.5, 0.353553], atol=1e-6
    )


def test_persistence_errors() -> None:
    with pytest.raises(ParameterError, match="decay_years"):
        persistence_factors(3, "linear")
    with pytest.raises(ParameterError, match="half_life"):
        persistence_factors(3, "half_life", half_life=0)
    with pytest.raises(ParameterError, match="persistence"):
        persistence_factors(3, "forever")  # type: ignore[arg-type]
