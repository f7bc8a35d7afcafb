"""Personal identity numbers are refused wherever they can slip in, and never echoed in clear.

Attacks (issue 14): a personnummer was accepted as a number in a numeric column (an outcome value
of 198112189876, a dosage of 8112189876), in ``submit --note``/``--by`` (stored in the
catalogue), and as a column name with ``--extra-columns ignore`` (and printed in clear in the
default run's error); ``pseudonymise`` wrote its output although another free-text column held a
number in running text; a key file with mode 0644 was accepted without a word.

The rule for numeric columns: a cell is refused when, as written, it is a valid personnummer or
samordningsnummer (10 or 12 digits, a real date, day + 60 for a coordination number, a birth
number other than 000 and a correct Luhn check digit). Every real number passes all of these; a
measured value almost never does (below 1 in 100 of all 10-digit whole numbers, and no value
below 10^9 or with decimals), so there are no false alarms on the values the tables hold.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomelab.errors import InputError
from outcomelab.example import EXAMPLE_INTERVENTION_ID as IID
from outcomelab.example import generate_example
from outcomelab.identity import luhn_check_digit, numeric_identity_numbers
from outcomelab.schemas import read_table, validate
from outcomelab.store import Store

PNR12 = "198112189876"
PNR10 = "8112189876"
CLEAR = re.compile(r"8112189876|811218-9876")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ex") / "sub"
    generate_example(folder, n_participants=60, n_pool=60, seed=5)
    return folder


def _edit(folder: Path, table: str, column: str, value: str, row: int = 0) -> None:
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)


def _copy(example: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sub"
    shutil.copytree(example, target)
    return target


# -- numeric columns -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("outcomes", "value", PNR12),
        ("participants", "dosage", PNR10),
        ("participants", "birth_year", PNR12),
        ("outcomes", "value", "811218-9876"),  # also not a number: still withheld, not echoed
        ("participants", "dosage", "811278-9873"),  # a samordningsnummer (day 18 + 60)
    ],
)
def test_identity_number_in_a_numeric_column_is_refused_and_withheld(
    cli, tmp_path: Path, example: Path, table: str, column: str, value: str
) -> None:
    folder = _copy(example, tmp_path)
    _edit(folder, table, column, value)
    code, out, err = cli("validate", "--package", str(folder))
    assert code == 1
    assert "clear_identity" in out
    assert value not in out + err and not CLEAR.search(out + err)
    with pytest.raises(Exception) as caught:
        Store(tmp_path / "store").submit(folder, intervention_id=IID)
    assert value not in str(caught.value)
    assert Store(tmp_path / "store").list().empty


def _personnummer(born: dt.date, serial: int, coordination: bool, digits: int) -> str:
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    ten = nine + str(luhn_check_digit(nine))
    return ten if digits == 10 else f"{born.year // 100}{ten}"


@given(
    born=st.dates(dt.date(1890, 1, 1), dt.date(2025, 12, 31)),
    serial=st.integers(1, 999),
    coordination=st.booleans(),
    digits=st.sampled_from([10, 12]),
)
@settings(max_examples=300, deadline=None)
def test_every_identity_number_written_as_a_number_is_found(
    born: dt.date, serial: int, coordination: bool, digits: int
) -> None:
    number = _personnummer(born, serial, coordination, digits)
    if number.startswith("0"):  # as a number it loses its leading zero: not caught (see module)
        return
    for cell in (number, str(int(number)), f"{int(number)}.0"):  # as text, as a spreadsheet number
        assert numeric_identity_numbers(pd.Series([cell]))[0], cell


@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, width=64),
        st.integers(-(10**9) + 1, 10**9 - 1),
        st.integers(10**12, 10**15),
    )
)
@settings(max_examples=500, deadline=None)
def test_no_false_alarm_on_ordinary_numbers(value: float) -> None:
    """Amounts, days, rates, estimates: anything below 10^9 or with decimals, or too long."""
    from outcomelab.schemas.reading import cell_to_text

    text = cell_to_text(value)
    if re.fullmatch(r"\d{10}|\d{12}", text):
        return  # a whole number of exactly 10 or 12 digits is the only shape that can alarm
    assert not numeric_identity_numbers(pd.Series([text, repr(value)]))[0:2].any()


def test_few_ten_digit_whole_numbers_alarm() -> None:
    rng = np.random.default_rng(1)
    numbers = pd.Series(rng.integers(10**9, 10**10, size=200_000).astype(str))
    share = numeric_identity_numbers(numbers).mean()
    assert 0.001 < share < 0.01  # a real date and a check digit: ~0.7 %


# -- free text: notes, names, column names ---------------------------------------------------------
@pytest.mark.parametrize("option", ["--note", "--by"])
def test_submit_refuses_an_identity_number_in_free_text(
    cli, tmp_path: Path, example: Path, option: str
) -> None:
    store = tmp_path / "store"
    text = "Kontakt: Anna, 811218-9876, ring efter lunch"
    code, out, err = cli("submit", str(example), "-i", IID, "--store", str(store), option, text)
    assert code == 1, err
    assert option in err and not CLEAR.search(out + err)
    assert Store(store).list().empty
    with pytest.raises(InputError):
        Store(store).submit(example, intervention_id=IID, note=f"id {PNR12}")


def test_identity_number_as_a_column_name_is_refused_even_when_extra_columns_are_ignored(
    cli, tmp_path: Path, example: Path
) -> None:
    folder = _copy(example, tmp_path)
    frame = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    frame[PNR12] = ""
    frame.to_csv(folder / "participants.csv", index=False)
    for extra in ("ignore", "fail"):
        code, out, err = cli("validate", "--package", str(folder), "--extra-columns", extra)
        assert code == 1, (extra, out)
        assert "clear_identity" in out and not CLEAR.search(out + err), extra
    report = validate(
        read_table(folder / "participants.csv"), "participants", extra_columns="ignore"
    )
    assert (
        not report.ok
        and not report.failures.astype(str).apply(lambda c: c.str.contains(PNR12)).any().any()
    )


def test_an_ignored_extra_column_is_still_scanned(tmp_path: Path, example: Path) -> None:
    folder = _copy(example, tmp_path)
    frame = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    frame["anteckning"] = ""
    frame.loc[3, "anteckning"] = "bror till 811218-9876"
    frame.to_csv(folder / "participants.csv", index=False)
    report = validate(
        read_table(folder / "participants.csv"), "participants", extra_columns="ignore"
    )
    assert list(report.failures["check"]) == ["clear_identity"]
    assert int(report.failures["row"].iloc[0]) == 5


# -- pseudonymise ---------------------------------------------------------------------------------
def test_pseudonymise_refuses_a_number_in_running_text(cli, tmp_path: Path) -> None:
    key = tmp_path / "lab.key"
    assert cli("pseudonymise", "--new-key", str(key))[0] == 0
    src = tmp_path / "list.csv"
    src.write_text(
        f"pnr;kommentar\n{PNR12};ok\n19850714-1238;syster till 811218-9876, samma adress\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, stdout, err = cli(
        "pseudonymise", str(src), "--column", "pnr", "--key-file", str(key), "--out", str(out)
    )
    assert code == 1, err
    assert "kommentar" in err and "rows 3" in err
    assert not out.exists()
    assert not CLEAR.search(stdout + err)


def test_key_file_readable_by_others_gets_a_warning(cli, tmp_path: Path) -> None:
    key = tmp_path / "lab.key"
    assert cli("pseudonymise", "--new-key", str(key))[0] == 0
    src = tmp_path / "list.csv"
    src.write_text(f"pnr\n{PNR12}\n", encoding="utf-8")
    args = ["pseudonymise", str(src), "-c", "pnr", "-k", str(key), "--overwrite"]
    code, _, err = cli(*args, "--out", str(tmp_path / "a.csv"))
    assert code == 0 and "Warning" not in err
    os.chmod(key, 0o644)
    code, _, err = cli(*args, "--out", str(tmp_path / "b.csv"))
    assert code == 0
    assert "Warning" in err and "0644" in err and "chmod 600" in err
