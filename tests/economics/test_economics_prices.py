from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outcomelab.economics import convert_price_year, load_cpi, price_factor
from outcomelab.errors import InputError, ParameterError

HAND = pd.DataFrame({"year": [2020, 2021, 2022], "kpi": [200.0, 210.0, 231.0]})


def test_conversion_on_hand_made_table() -> None:
    # 1 000 SEK in 2020 prices -> 2022 prices: 1000 * 231 / 200 = 1155
    assert convert_price_year(1000.0, 2020, 2022, HAND) == pytest.approx(1155.0)
    # and back: 1155 * 200 / 231 = 1000
    assert convert_price_year(1155.0, 2022, 2020, HAND) == pytest.approx(1000.0)
    # vectorised with one price year per amount: [100 * 231/210, 100 * 231/231] = [110, 100]
    got = convert_price_year(np.array([100.0, 100.0]), np.array([2021, 2022]), 2022, HAND)
    np.testing.assert_allclose(got, [110.0, 100.0])


def test_bundled_kpi_values_from_scb() -> None:
    cpi = load_cpi()
    kpi = dict(zip(cpi["year"], cpi["kpi"], strict=True))
    # SCB fastställda tal, årsmedel
    assert kpi[2010] == pytest.approx(303.46)
    assert kpi[2023] == pytest.approx(403.70)
    # 2022 -> 2023: 403.70 / 371.91 = 1.085478
    assert price_factor(2022, 2023) == pytest.approx(1.085478, abs=1e-6)
    assert set(cpi["status"]) <= {"final", "approximate"}


def test_year_outside_table_is_an_error() -> None:
    with pytest.raises(ParameterError, match="2019 is not in the price index table"):
        price_factor(2019, 2020, HAND)


def test_bad_cpi_table() -> None:
    with pytest.raises(InputError, match="kpi"):
        price_factor(2020, 2021, pd.DataFrame({"year": [2020]}))
    with pytest.raises(InputError, match="more than once"):
        price_factor(2020, 2020, pd.DataFrame({"year": [2020, 2020], "kpi": [1.0, 2.0]}))
