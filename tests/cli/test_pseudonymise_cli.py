"""``outcomelab pseudonymise``: key files, output without the original column, invalid rows."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
from typer.testing import CliRunner

# register our commands (with two or more, typer keeps `validate`/`pseudonymise` as subcommands)
import outcomelab.cli.pseudonymise
import outcomelab.cli.schemas
import outcomelab.cli.validate  # noqa: F401
from outcomelab.cli.main import app
from outcomelab.identity import read_key

runner = CliRunner()


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
B = make(2001, 2, 3, 456)
WRONG = A[:-1] + str((int(A[-1]) + 3) % 10)


def invoke(*args: str):
    result = runner.invoke(app, ["pseudonymise", *args])
    assert "Traceback" not in result.output
    return result


def setup_files(tmp_path, rows):
    key = tmp_path / "lab.key"
    assert invoke("--new-key", str(key)).exit_code == 0
    src = tmp_path / "deltagare.csv"
    frame = pd.DataFrame(rows, columns=["pnr", "kommun"])
    src.write_text(frame.to_csv(index=False, sep=";"), encoding="cp1252")
    return key, src


def test_new_key_then_pseudonymise(tmp_path):
    key, src = setup_files(tmp_path, [[A[2:8] + "-" + A[8:], "Norrköping"], [B, "Linköping"]])
    out = tmp_path / "participants.csv"
    result = invoke(
        str(src),
        "--column",
        "pnr",
        "--key-file",
        str(key),
        "--out",
        str(out),
        "--reference-date",
        "2026-06-15",
    )
    assert result.exit_code == 0, result.output
    assert "key id" in result.output
    written = pd.read_csv(out, dtype=str)
    assert list(written.columns) == ["person_id", "kommun"]
    secret = read_key(key)
    expected = [hmac.new(secret, n.encode(), hashlib.sha256).hexdigest() for n in (A, B)]
    assert written["person_id"].tolist() == expected
    assert written["kommun"].tolist() == ["Norrköping", "Linköping"]
    text = out.read_text(encoding="utf-8")
    assert A[2:8] not in text.replace(expected[0], "").replace(expected[1], "")


def test_invalid_number_fails_and_writes_nothing(tmp_path):
    key, src = setup_files(tmp_path, [[A, "x"], [WRONG, "y"], ["", "z"]])
    out = tmp_path / "out.csv"
    result = invoke(str(src), "-c", "pnr", "-k", str(key), "-o", str(out))
    assert result.exit_code == 1
    assert "rows 3, 4" in result.output and "Nothing was written" in result.output
    assert WRONG not in result.output
    assert not out.exists()


def test_withhold_writes_valid_rows_and_reports_the_rest(tmp_path):
    key, src = setup_files(tmp_path, [[A, "x"], [WRONG, "y"]])
    out = tmp_path / "out.parquet"
    report = tmp_path / "withheld.csv"
    result = invoke(
        str(src),
        "-c",
        "pnr",
        "-k",
        str(key),
        "-o",
        str(out),
        "--on-invalid",
        "withhold",
        "--invalid-report",
        str(report),
    )
    assert result.exit_code == 0, result.output
    assert "Withheld 1 row(s)" in result.output
    written = pd.read_parquet(out)
    assert len(written) == 1 and "pnr" not in written.columns
    withheld = pd.read_csv(report)
    assert withheld[["row", "reason"]].values.tolist() == [[3, "check_digit"]]
    assert WRONG not in report.read_text(encoding="utf-8")


def test_other_column_with_identity_numbers_is_refused(tmp_path):
    key, src = setup_files(tmp_path, [[A, B]])
    out = tmp_path / "out.csv"
    result = invoke(str(src), "-c", "pnr", "-k", str(key), "-o", str(out))
    assert result.exit_code == 1
    assert "'kommun' (rows 2)" in result.output
    assert not out.exists()


def test_missing_key_file_and_arguments_exit_two(tmp_path):
    _, src = setup_files(tmp_path, [[A, "x"]])
    missing_key = invoke(str(src), "-c", "pnr", "-k", str(tmp_path / "no.key"), "-o", "o.csv")
    assert missing_key.exit_code == 2 and "does not exist" in missing_key.output
    missing_args = invoke(str(src))
    assert missing_args.exit_code == 2 and "--column" in missing_args.output
    unknown_column = invoke(
        str(src),
        "-c",
        "personnummer",
        "-k",
        str(tmp_path / "lab.key"),
        "-o",
        str(tmp_path / "o.csv"),
    )
    assert unknown_column.exit_code == 1 and "no column 'personnummer'" in unknown_column.output


def test_new_key_never_overwrites(tmp_path):
    key = tmp_path / "lab.key"
    assert invoke("--new-key", str(key)).exit_code == 0
    before = key.read_text()
    again = invoke("--new-key", str(key))
    assert again.exit_code == 1 and "already exists" in again.output
    assert key.read_text() == before
