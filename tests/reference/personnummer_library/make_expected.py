"""Judge random written identity numbers with the `personnummer` library (an independent
implementation), at a fixed date, and store its verdicts.

Writes cases.csv: ``input`` (synthetic numbers only: random dates and serials with computed or
deliberately wrong check digits), ``valid`` and ``long_format`` (the library's 12-digit
``format(True)``; empty when invalid). Run from the repository root:

    .venv/bin/python tests/reference/personnummer_library/make_expected.py

`personnummer` is a test-only tool here (pip-installed in .venv); outcomelab never imports it.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from personnummer import personnummer as impl

REFERENCE_DATE = dt.date(2026, 11, 27)
impl._get_current_date = lambda: REFERENCE_DATE  # the library reads today's date; pin it

HERE = Path(__file__).resolve().parent


def luhn(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10


def candidate(rng: random.Random) -> str:
    birth = dt.date(1905, 1, 1) + dt.timedelta(days=rng.randrange(0, 44000))
    if birth > REFERENCE_DATE:
        birth = REFERENCE_DATE - dt.timedelta(days=rng.randrange(1, 3000))
    month, day = birth.month, birth.day
    roll = rng.random()
    if roll < 0.05:
        month = rng.choice([0, 13, 19])
    elif roll < 0.10:
        day = rng.choice([0, 32, 92])
    if rng.random() < 0.15:
        day += 60  # coordination number
    serial = rng.randrange(0, 1000) if rng.random() < 0.05 else rng.randrange(1, 1000)
    body = f"{birth.year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    check = luhn(body) if rng.random() < 0.8 else rng.randrange(10)
    long = f"{birth.year:04d}{month:02d}{day:02d}{serial:03d}{check}"
    old = (REFERENCE_DATE.year - birth.year) >= 100
    if birth.year % 100 == REFERENCE_DATE.year % 100:
        return long  # 10-digit forms of this year's two digits: the library ignores the day
    form = rng.randrange(4)
    if form == 0:
        return long
    if form == 1:
        return long[:8] + "-" + long[8:]
    if form == 2 and not old:
        return long[2:]
    return long[2:8] + ("+" if old else "-") + long[8:]


def main() -> None:
    rng = random.Random(20261127)
    with (HERE / "cases.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["input", "valid", "long_format"])
        for _ in range(600):
            text = candidate(rng)
            valid = impl.valid(text)
            long_format = impl.parse(text).format(True) if valid else ""
            writer.writerow([text, "true" if valid else "false", long_format])
    print("personnummer 3.2.1: wrote 600 cases")


if __name__ == "__main__":
    main()
