"""Keyed pseudonyms and key files (synthetic identity numbers only)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pandas as pd
import pytest

from outcomelab.errors import InputError, ParameterError, ReadError
from outcomelab.identity import (
    key_id,
    pseudonymise,
    pseudonymise_table,
    read_key,
    write_key,
)

REF = "2026-06-15"
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def luhn(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def make(year: int, month: int, day: int, serial: int) -> str:
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year:04d}{month:02d}{day:02d}{serial:03d}{luhn(body)}"


A = make(1985, 7, 14, 123)
B = make(1999, 12, 31, 876)


def test_pseudonym_is_hmac_sha256_of_the_canonical_form():
    expected = hmac.new(KEY, A.encode(), hashlib.sha256).hexdigest()
    result = pseudonymise([A, A[2:8] + "-" + A[8:], A[2:]], KEY, reference_date=REF)
    assert result.tolist() == [expected] * 3
    assert result.str.fullmatch("[0-9a-f]{64}").all()


def test_keys_separate_and_persons_differ():
    same_key = pseudonymise([A, B], KEY, reference_date=REF)
    other_key = pseudonymise([A, B], OTHER_KEY, reference_date=REF)
    assert same_key.iloc[0] != same_key.iloc[1]
    assert set(same_key).isdisjoint(set(other_key))


def test_same_person_same_pseudonym_in_every_file():
    first = pseudonymise(pd.Series([A, B]), KEY, reference_date=REF)
    second = pseudonymise(pd.Series([B[:8] + "-" + B[8:], A[2:]]), KEY, reference_date="2030-01-01")
    assert first.tolist() == second.tolist()[::-1]


def test_invalid_numbers_fail_with_positions_and_reasons_but_not_the_numbers():
    wrong = A[:-1] + str((int(A[-1]) + 1) % 10)
    with pytest.raises(InputError) as info:
        pseudonymise([A, wrong, "x"], KEY, reference_date=REF)
    message = str(info.value)
    assert "index 1, 2" in message and "Luhn check" in message
    assert wrong not in message and wrong[2:] not in message


def test_short_or_non_bytes_keys_are_refused():
    with pytest.raises(ParameterError, match="at least 16"):
        pseudonymise([A], b"short", reference_date=REF)
    with pytest.raises(ParameterError, match="must be bytes"):
        pseudonymise([A], "a string key", reference_date=REF)  # type: ignore[arg-type]


def table():
    frame = pd.DataFrame(
        {
            "kommun": ["0581", "0581", "0580"],
            "personnummer": [
                A[2:8] + "-" + A[8:],
                B,
                A[:-1] + "0" if A[-1] != "0" else A[:-1] + "1",
            ],
            "grupp": ["participant", "comparison", "participant"],
        }
    )
    return frame


def test_table_output_drops_the_original_column_and_keeps_its_position():
    frame = table().iloc[:2]
    result = pseudonymise_table(frame, "personnummer", KEY, reference_date=REF)
    assert list(result.data.columns) == ["kommun", "person_id", "grupp"]
    assert "personnummer" not in result.data.columns
    assert (
        result.data["person_id"].tolist() == pseudonymise([A, B], KEY, reference_date=REF).tolist()
    )
    text = result.data.to_csv(index=False)
    assert A[2:] not in text and B not in text and B[2:] not in text
    assert result.key_id == key_id(KEY) and len(result.key_id) == 16


def test_table_with_invalid_number_fails_by_default_with_the_file_row():
    with pytest.raises(InputError, match=r"rows 4\)"):
        pseudonymise_table(table(), "personnummer", KEY, reference_date=REF)


def test_table_withholds_invalid_rows_and_reports_them_without_the_number():
    frame = table()
    result = pseudonymise_table(
        frame, "personnummer", KEY, on_invalid="withhold", reference_date=REF
    )
    assert result.n_pseudonymised == 2 and result.n_withheld == 1
    assert result.invalid[["row", "reason"]].values.tolist() == [[4, "check_digit"]]
    assert list(result.invalid.columns) == ["row", "reason", "explanation"]
    assert result.data["kommun"].tolist() == ["0581", "0581"]


def test_table_argument_errors():
    with pytest.raises(InputError, match="Columns not found"):
        pseudonymise_table(table(), "pnr", KEY)
    with pytest.raises(InputError, match="already has a column 'grupp'"):
        pseudonymise_table(table(), "personnummer", KEY, out_column="grupp")
    with pytest.raises(ParameterError, match="on_invalid"):
        pseudonymise_table(table(), "personnummer", KEY, on_invalid="drop")  # type: ignore[arg-type]


def test_key_file_round_trip_permissions_and_no_overwrite(tmp_path):
    path = write_key(tmp_path / "lab.key")
    key = read_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(InputError, match="already exists"):
        write_key(path)
    assert read_key(write_key(tmp_path / "k2", KEY)) == KEY
    assert read_key(write_key(tmp_path / "k2", OTHER_KEY, overwrite=True)) == OTHER_KEY
    assert write_key(tmp_path / "k3") != key  # fresh randomness
    assert read_key(tmp_path / "k3") != key


def test_bad_key_files(tmp_path):
    with pytest.raises(ReadError, match="does not exist"):
        read_key(tmp_path / "none.key")
    (tmp_path / "text.key").write_text("not hex at all\n", encoding="ascii")
    with pytest.raises(InputError, match="not a key file"):
        read_key(tmp_path / "text.key")
    (tmp_path / "short.key").write_text("abcd\n", encoding="ascii")
    with pytest.raises(ParameterError, match="at least 16"):
        read_key(tmp_path / "short.key")
