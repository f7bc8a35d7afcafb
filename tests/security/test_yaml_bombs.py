"""Every YAML we read refuses alias bombs, self-reference and deep nesting, in bounded time.

Attack (issue 14): a 444-byte "billion laughs" YAML in a batch manifest's ``defaults.params``
cost 57 s and 6.3 GB in the cache-key step before any check. Rule under test: every YAML reader
(manifest, parameters file, ``--param`` value, contract, disclosure policy, evaluation plan)
refuses a document whose aliases expand beyond :data:`outcomelab.safe_yaml.MAX_NODES` values,
that refers to itself or that nests beyond :data:`~outcomelab.safe_yaml.MAX_DEPTH` -- with one
line and an exit code, within a deadline that guards against a hang (not a speed test).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomelab.batch.manifest import load_manifest
from outcomelab.contracts import load_contract
from outcomelab.disclosure import load_policy
from outcomelab.errors import OutcomelabError, ReadError
from outcomelab.planning.design import load_design
from outcomelab.reports.parameters import parse_value
from outcomelab.safe_yaml import MAX_DEPTH, MAX_NODES, compose_text, load_text

LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
SELF = "a: &a [1, *a]\n"
DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


def _manifest(tmp_path: Path, bomb: str) -> Path:
    path = tmp_path / "manifest.yaml"
    path.write_text(
        "defaults:\n  params:\n"
        + _indent(bomb, 4)
        + "evaluations:\n  - name: one\n    data: data\n",
        encoding="utf-8",
    )
    return path


def _file(tmp_path: Path, bomb: str) -> Path:
    path = tmp_path / "file.yaml"
    path.write_text(bomb, encoding="utf-8")
    return path


READERS: dict[str, Callable[[Path, str], object]] = {
    "manifest defaults.params": lambda d, b: load_manifest(_manifest(d, b)),
    "contract": lambda d, b: load_contract(_file(d, b)),
    "disclosure policy": lambda d, b: load_policy(_file(d, b)),
    "evaluation plan": lambda d, b: load_design(_file(d, b)),
    "--param value": lambda d, b: parse_value(b),
}


@pytest.mark.parametrize("bomb", [LAUGHS, SELF, DEEP], ids=["laughs", "self", "deep"])
@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_every_reader_refuses(
    tmp_path: Path, hostile, reader: Callable[[Path, str], object], bomb: str
) -> None:
    with hostile.deadline(30), pytest.raises(OutcomelabError) as caught:
        reader(tmp_path, bomb)
    assert "alias" in str(caught.value) or "nested" in str(caught.value)


@pytest.mark.parametrize("bomb", [LAUGHS, SELF, DEEP], ids=["laughs", "self", "deep"])
def test_cli_refuses_with_one_line(cli, hostile, tmp_path: Path, bomb: str) -> None:
    manifest = _manifest(tmp_path, bomb)
    params = _file(tmp_path, bomb)
    with hostile.deadline(300):
        for args in (
            ["batch", str(manifest), "--out", str(tmp_path / "out")],
            ["evaluate", "--out", str(tmp_path / "o"), "--data", str(tmp_path),
             "--params-file", str(params)],
            ["evaluate", "--out", str(tmp_path / "o"), "--data", str(tmp_path),
             "--param", f"alpha={bomb}"],
        ):  # fmt: skip
            code, out, err = cli(*args)
            assert code in (1, 2), (args[0], out, err)
            assert len([line for line in err.splitlines() if line.strip()]) == 1, err
            assert "Internal error" not in err


def test_the_limits_leave_real_files_alone() -> None:
    contract = Path(__file__).resolve().parents[2] / "examples" / "contracts"
    for path in contract.glob("*.yaml"):
        load_text(path.read_text(encoding="utf-8"), source=str(path))
    wide = {"items": [{"id": i, "values": list(range(20))} for i in range(2000)]}
    assert load_text(yaml.safe_dump(wide)) == wide  # 2 000 x 20 values: fine
    nested: object = 1
    for _ in range(MAX_DEPTH - 2):
        nested = [nested]
    assert load_text(yaml.safe_dump(nested)) == nested
    shared = "base: &b {alpha: 0.05, seed: 1}\none: *b\ntwo: *b\n"
    assert load_text(shared)["two"] == {"alpha": 0.05, "seed": 1}  # ordinary aliases still work


@given(st.integers(2, 12), st.integers(2, 12))
@settings(max_examples=60, deadline=None)
def test_the_bound_is_on_expanded_size_not_on_the_text(hostile, width: int, levels: int) -> None:
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    text = "\n".join(lines) + "\n"
    # the mapping, and per level its key and a list standing for 1 + w + ... + w^(level+1) values
    expanded = 1 + sum(2 + sum(width**k for k in range(1, level + 2)) for level in range(levels))
    with hostile.deadline(30):
        if expanded > 2 * MAX_NODES:
            with pytest.raises(ReadError, match="alias"):
                compose_text(text)
        elif expanded < MAX_NODES // 2:
            assert compose_text(text) is not None
