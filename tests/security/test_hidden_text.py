"""Invisible characters in names: a direction override left open, a terminal escape.

Attack (found in session 4 while testing hostile names end to end): a municipality named
``"Norrköping\\u202e"`` (a right-to-left override it does not close) reverses the rest of every
line it is written into: the report's "95 %-intervallet går från 1,5 till 5,0 fler" is shown as
"relf 0,5 llit 5,1 nårf ..." -- the numbers read differently, although every byte is escaped. An
ANSI escape in a name rewrites the terminal that ``evaluate`` prints it to. Rule under test: a
text cell may hold a direction control only when it closes what it opens within the cell, and no
control character but tab and line ends; ``validate`` names the cell with the invisible
characters written as codes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomelab.example import generate_example
from outcomelab.schemas.hidden_text import has_hidden_effect

OPEN = "\u202e"  # right-to-left override
CLOSED = "Kommun \u202e5 000 000 kr\u202c slut"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ex") / "sub"
    generate_example(folder, n_participants=60, n_pool=60, seed=5)
    return folder


def _with(example: Path, tmp_path: Path, table: str, column: str, value: str) -> Path:
    target = tmp_path / "sub"
    shutil.copytree(example, target)
    path = target / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    frame.to_csv(path, index=False)
    return target


@pytest.mark.parametrize(
    ("table", "column", "value", "shown"),
    [
        ("interventions", "name", f"Ungdomsgaranti {OPEN}", "Ungdomsgaranti \\u202e"),
        ("interventions", "organisation_name", "Norrk\u2067öping", "Norrk\\u2067öping"),
        ("interventions", "name", "Garanti \x1b[2J\x1b[H", "Garanti \\u001b[2J\\u001b[H"),
        ("interventions", "name", "Garanti \u202c", "Garanti \\u202c"),  # closes nothing
    ],
)
def test_an_open_override_or_a_control_character_is_refused(
    example: Path, tmp_path: Path, cli, table: str, column: str, value: str, shown: str
) -> None:
    folder = _with(example, tmp_path, table, column, value)
    code, out, _ = cli("validate", "--package", str(folder), "--format", "json")
    assert code == 1
    failures = [f for f in json.loads(out)["failures"] if f["check"] == "hidden_text"]
    assert [(f["table"], f["column"], f["row"], f["value"]) for f in failures] == [
        (table, column, 2, shown)
    ]
    assert OPEN not in out and "\x1b" not in out  # the message itself reads left to right


def test_an_override_closed_in_the_name_and_right_to_left_text_are_accepted(
    example: Path, tmp_path: Path, cli
) -> None:
    folder = _with(example, tmp_path, "interventions", "name", f"{CLOSED} مدينة \u2068x\u2069")
    code, out, err = cli("validate", "--package", str(folder))
    assert code == 0, out + err


@given(
    st.text(alphabet=st.sampled_from("ab \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
)
def test_an_accepted_name_never_changes_the_text_after_it(name: str) -> None:
    """Whatever direction controls an accepted name holds, they are all closed at its end: in
    a sentence, the text after the name is at the sentence's own direction again."""
    if has_hidden_effect(pd.Series([name]))[0]:
        return
    depth = 0
    isolates: list[int] = []
    for char in name:
        if char in "\u202a\u202b\u202d\u202e":
            depth += 1
        elif char == "\u202c":
            assert depth > (isolates[-1] if isolates else 0)
            depth -= 1
        elif char in "\u2066\u2067\u2068":
            isolates.append(depth)
        elif char == "\u2069":
            depth = isolates.pop()
    assert depth == 0 and isolates == []
