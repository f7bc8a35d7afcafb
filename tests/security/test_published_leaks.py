"""Nothing the disclosure rules hide can be read from a single published byte.

Attacks (issue 14): with 3 of 600 participants lacking outcomes the site rounded and hid the flow,
but ``economics.settings.participants`` published the exact 597, so the hidden 3 could be
recovered; a withheld outcome (too few treated) was nulled in ``outcomes[]`` but its estimate was
still published in ``economics.effects``, ``break_even`` and the copied results figure; a local
absolute path was published (``economics.settings.unit_values_origin``).

Rule under test: the published copy is built from an allow-list of what disclosure control has
passed. The test publishes a real evaluation (``data/unpublished_results.json``, see
``data/make_unpublished_results.py``) and scans every byte of the site for every exact count that
rounding changed, every estimate of a withheld outcome (at any precision it could be shown with),
every local path, and any file copied from the evaluation folder.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from outcomelab.disclosure import DisclosurePolicy, publishable_results
from outcomelab.economics import value
from outcomelab.publish import build_site

DATA = Path(__file__).resolve().parent / "data"
POLICY = DisclosurePolicy()
WITHHELD = "social_assistance_amount"
_TEXT = (".html", ".json", ".csv", ".js", ".css", ".md", ".txt")
# a number as the site may write it: sign, digits with group separators, decimal point or comma
_NUMBER = re.compile(
    r"[-\u2212]?\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?:[.,]\d+)?|[-\u2212]?\d+(?:[.,]\d+)?"
)


def _unpublished() -> dict[str, Any]:
    results: dict[str, Any] = json.loads((DATA / "unpublished_results.json").read_text())
    return results


def _with_small_outcome(results: dict[str, Any]) -> dict[str, Any]:
    """The same evaluation in which one secondary outcome rests on 20 treated persons."""
    changed = copy.deepcopy(results)
    for outcome in changed["outcomes"]:
        if outcome["code"] == WITHHELD:
            outcome["n_treated"] = 20
    return changed


def _publish(results: dict[str, Any], tmp_path: Path) -> tuple[Path, Path]:
    evaluation = tmp_path / "evaluations" / results["evaluation_id"]
    (evaluation / "figures").mkdir(parents=True)
    (evaluation / "results.json").write_text(json.dumps(results), encoding="utf-8")
    for name in results.get("figures") or []:
        (evaluation / name).write_bytes(b"\x89PNG\r\n\x1a\n" + name.encode() * 50)
    site = tmp_path / "site"
    build_site(tmp_path / "evaluations", site, policy=POLICY)
    return evaluation, site


def _published_text(site: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in _TEXT:
            yield path, path.read_text(encoding="utf-8")


def _numbers(text: str) -> Iterator[tuple[str, float]]:
    for token in _NUMBER.findall(text):
        plain = re.sub(r"[ \u00a0\u202f]", "", token).replace("\u2212", "-")
        if "," in plain and "." not in plain and not re.fullmatch(r"-?\d{1,3}(,\d{3})+", plain):
            plain = plain.replace(",", ".")  # Swedish decimal comma
        plain = plain.replace(",", "")
        try:
            yield token, float(plain)
        except ValueError:
            continue


def _shows(token: str, number: float, secret: float) -> bool:
    """Whether ``token`` could be ``secret`` as written with the token's number of decimals."""
    decimals = len(token.split(".")[-1]) if "." in token.replace(",", ".") else 0
    digits = len(re.sub(r"\D", "", token).lstrip("0"))
    if digits < 3:
        return False  # "0.1" or "12" says nothing about a particular number
    scale = 10.0**decimals
    return any(
        math.isclose(abs(number), round(abs(secret) * f * scale) / scale, abs_tol=0.5 / scale)
        for f in (1.0, 100.0)  # shares are also shown per 100 persons
    )


def _exact_counts(results: dict[str, Any]) -> set[int]:
    """Every person count that rounding changes, from every place the results hold one."""
    counts: set[int] = set()

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif (
            isinstance(node, int)
            and not isinstance(node, bool)
            and (
                key.startswith("n_")
                or key
                in {
                    "participants",
                    "count",
                    "submitted",
                    "valid",
                    "eligible",
                    "analysed",
                    "comparison_pool",
                    "comparison_analysed",
                }
            )
            and node % POLICY.rounding_base
        ):
            counts.add(node)

    walk(results)
    return counts


def test_the_fixture_has_what_the_attack_needs() -> None:
    results = _unpublished()
    assert results["sample_flow"]["analysed"] == 597
    assert results["economics"]["settings"]["participants"] == 597
    assert results["economics"]["settings"]["unit_values_origin"].startswith("/")
    assert {597, 3} <= _exact_counts(results)
    assert WITHHELD in {e["outcome"] for e in results["economics"]["effects"]}


def test_no_exact_count_and_no_local_path_is_published(tmp_path: Path) -> None:
    results = _unpublished()
    evaluation, site = _publish(results, tmp_path)
    secret = {c for c in _exact_counts(results) if c >= 10}
    assert 597 in secret
    paths = {str(v) for v in _leaves(results) if isinstance(v, str) and v.startswith("/")}
    assert paths
    for path, text in _published_text(site):
        found = [token for token, number in _numbers(text) if number in secret]
        assert found == [], (path, found)
        for local in paths | {str(tmp_path)}:
            assert local not in text, (path, local)
        assert not re.search(r"(?<![\w.])/(?:home|root|tmp|work|Users|srv)/", text), path
    published = json.loads(next((site / "data" / "results").glob("*.json")).read_text())
    for count in _exact_counts(published):
        pytest.fail(f"a published count is not rounded: {count}")
    _no_copied_files(evaluation, site)


def test_no_estimate_of_a_withheld_outcome_is_published(tmp_path: Path) -> None:
    results = _with_small_outcome(_unpublished())
    outcome = next(o for o in results["outcomes"] if o["code"] == WITHHELD)
    secrets = [
        outcome[k]
        for k in ("estimate", "std_error", "conf_low", "conf_high", "comparison_mean")
        if isinstance(outcome.get(k), float)
    ]
    assert len(secrets) >= 4
    evaluation, site = _publish(results, tmp_path)
    for path, text in _published_text(site):
        shown = [
            (token, secret)
            for token, number in _numbers(text)
            for secret in secrets
            if _shows(token, number, secret)
        ]
        assert shown == [], (path, shown[:5])
    published = json.loads(next((site / "data" / "results").glob("*.json")).read_text())
    withheld = next(o for o in published["outcomes"] if o["code"] == WITHHELD)
    assert withheld["verdict"] == "withheld" and withheld["estimate"] is None
    assert published["economics"] is None  # it values the withheld estimate
    _no_copied_files(evaluation, site)


def _leaves(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _leaves(v)
    elif isinstance(node, list):
        for v in node:
            yield from _leaves(v)
    else:
        yield node


def _no_copied_files(evaluation: Path, site: Path) -> None:
    """No file of the evaluation folder (figures drawn from unpublished numbers) is published."""
    digests = {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in evaluation.rglob("*") if p.is_file()
    }
    copied = [p for p in site.rglob("*") if p.is_file() and
              hashlib.sha256(p.read_bytes()).hexdigest() in digests]  # fmt: skip
    assert copied == []


def test_only_allowed_fields_are_published() -> None:
    """A field the report template adds tomorrow is not published until it is allowed."""
    results = _unpublished()
    results["economics"]["settings"]["new_secret"] = 597
    results["new_section"] = {"participants_exact": 597}
    results["outcomes"][0]["n_exact"] = 597
    results["intervention"]["contact"] = "someone@example.org"
    published = publishable_results(results, POLICY).results
    text = json.dumps(published)
    assert "597" not in text and "new_section" not in text and "contact" not in text
    assert "settings" not in published["economics"]


def test_published_economics_equals_a_valuation_for_the_rounded_count() -> None:
    """The published totals are those of the same valuation for the rounded participants."""
    from outcomelab.economics import load_unit_values

    effects = {"employment": (0.05, 0.02), "sick_leave_days": (-2.0, 0.5)}
    table = pd.DataFrame(
        {"outcome": list(effects), "estimate": [e for e, _ in effects.values()],
         "std_error": [s for _, s in effects.values()]}
    )  # fmt: skip
    costs = pd.DataFrame(
        {"year": [2019, 2020], "payer": ["municipality", "region"],
         "cost_sek": [3_000_000, 500_000], "price_year": [2024, 2024]}
    )  # fmt: skip
    common: dict[str, Any] = dict(horizon_years=5, draws=500, seed=3, start_year=2019)
    exact = value(table, load_unit_values(), costs, participants=597, **common)
    rounded = value(table, load_unit_values(), costs, participants=595, **common)
    unpublished = {
        "evaluation_id": "x",
        "sample_flow": {"analysed": 597},
        "outcomes": [
            {"code": c, "n_treated": 597, "n_control": 1200, "estimate": e}
            for c, (e, _) in effects.items()
        ],
        "economics": exact.to_dict(),
    }
    published = publishable_results(unpublished, POLICY).results["economics"]
    assert published["participants"] == 595
    expected = {p["payer"]: p for p in rounded.to_dict()["payers"]}
    for payer in published["payers"]:
        want = expected[payer["payer"]]
        for key in ("pv_costs_sek", "pv_returns_sek", "npv_sek", "bcr", "roi", "npv_low",
                    "npv_high", "npv_sd"):  # fmt: skip
            if want.get(key) is None:
                continue
            assert payer[key] == pytest.approx(want[key], rel=1e-9, abs=1e-6), (payer, key)
    assert published["npv_sek"] == pytest.approx(rounded.npv, rel=1e-9)


@pytest.fixture(autouse=True)
def _fresh_copy(tmp_path: Path) -> Iterator[None]:
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)
