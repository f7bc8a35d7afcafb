from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outcomelab.economics import BUNDLED_VERSION, load_unit_values
from outcomelab.economics.unit_values import UNIT_VALUE_PAYERS
from outcomelab.errors import InputError, ReadError, SchemaError
from outcomelab.vocabulary import lab_catalogue


def test_bundled_table_is_versioned_and_covers_every_standard_outcome() -> None:
    table = load_unit_values()
    assert table.version == BUNDLED_VERSION
    assert len(table.digest) == 12
    assert BUNDLED_VERSION in table.citation
    assert set(lab_catalogue().directions()) == set(table.table["outcome_code"])
    assert set(table.table["payer"]) <= set(UNIT_VALUE_PAYERS)
    # every row cites a source
    assert (table.table["source"].str.len() > 0).all()
    t = table.table
    # Socialstyrelsen's 2022 average per assisted household is a public figure, not illustrative
    row = t[(t["outcome_code"] == "social_assistance_receipt") & (t["value_sek"] == -67020)]
    assert row["price_year"].tolist() == [2022]
    assert not row["illustrative"].any()
    # assumed figures are marked
    assert t.loc[t["outcome_code"] == "reoffending", "illustrative"].all()


def test_transfers_cancel_in_the_bundled_table() -> None:
    t = load_unit_values().table
    amount = t[t["outcome_code"] == "social_assistance_amount"]
    # one krona more paid: municipality -1, individual +1
    assert sorted(amount["value_sek"]) == [-1, 1]


def test_bundled_signs_agree_with_the_catalogue_direction() -> None:
    # value_sek is per unit MORE of the outcome: the total over payers is >= 0 for outcomes where
    # higher is better and <= 0 where higher is worse
    t = load_unit_values().table
    totals = t.groupby("outcome_code")["value_sek"].sum()
    for code, direction in lab_catalogue().directions().items():
        sign = 1 if direction == "higher_is_better" else -1
        assert totals[code] * sign >= 0, code
    # sick leave: the state pays the benefit for one more day
    sick = t[(t["outcome_code"] == "sick_leave_days") & (t["payer"] == "state")]
    assert sick["value_sek"].tolist() == [-850]


def test_municipality_table_from_file(tmp_path: Path) -> None:
    path = tmp_path / "uv.csv"
    pd.DataFrame(
        {
            "outcome_code": ["reoffending"],
            "payer": ["state"],
            "value_sek": [-100000],
            "unit": ["one person who reoffends"],
            "price_year": [2023],
            "source": ["Our own audit"],
            "illustrative": ["false"],
        }
    ).to_csv(path, index=False)
    table = load_unit_values(path, version="Norrköping 2024")
    assert table.version == "Norrköping 2024"
    assert not table.table["illustrative"].any()
    assert table.table["agency"].tolist() == [""]


def test_bad_tables() -> None:
    # the standard schema (outcomelab.schemas) catches a payer outside the list
    with pytest.raises(SchemaError) as caught:
        load_unit_values(
            pd.DataFrame(
                {
                    "outcome_code": ["reoffending"],
                    "payer": ["county"],
                    "value_sek": [1],
                    "unit": ["u"],
                    "price_year": [2023],
                    "source": ["s"],
                    "illustrative": [True],
                }
            )
        )
    assert caught.value.failures is not None
    assert "payer" in set(caught.value.failures["column"])
    with pytest.raises((InputError, SchemaError), match="source"):
        load_unit_values(
            pd.DataFrame(
                {"outcome_code": ["x"], "payer": ["state"], "value_sek": [1], "price_year": [2023]}
            )
        )
    with pytest.raises(ReadError):
        load_unit_values("/nonexistent/uv.csv")
