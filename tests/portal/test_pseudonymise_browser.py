"""Pseudonymisation at the source: the page computes the command line's pseudonyms with
WebCrypto, and neither a clear number nor the key ever leaves the browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from outcomelab.identity import luhn_check_digit, write_key

from .browser_support import CHROMIUM, axe_violations, browser_page, live_portal
from .conftest import PASSWORD, PortalWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


def _numbers() -> list[str]:
    """Synthetic numbers in every written form: 10 and 12 digits, '-', '+', coordination."""
    out = []
    for i, (yymmdd, serial) in enumerate(
        [("811218", "987"), ("000229", "123"), ("120461", "456"), ("450101", "234"),
         ("991231", "876"), ("050505", "001"), ("170707", "555"), ("300815", "321")]
    ):  # fmt: skip
        nine = yymmdd + serial
        ten = nine + str(luhn_check_digit(nine))
        if i % 4 == 0:
            out.append(f"{ten[:6]}-{ten[6:]}")
        elif i % 4 == 1:
            out.append(("19" if int(ten[:2]) > 30 else "20") + ten)
        elif i % 4 == 2:
            out.append(ten)
        else:
            out.append(f"{ten[:6]}+{ten[6:]}" if ten.startswith("17") else f"{ten[:6]}-{ten[6:]}")
    return out


def test_browser_pseudonyms_equal_the_cli_and_nothing_is_sent(
    world: PortalWorld, tmp_path: Path
) -> None:
    numbers = _numbers()
    source = tmp_path / "deltagare.csv"
    pd.DataFrame(
        {"personnummer": numbers, "grupp": ["participant", "comparison"] * 4,
         "kommentar": ["a; b", 'sa "hej"', "", "x", "y", "z", "å", "ö"]}
    ).to_csv(source, sep=";", index=False)  # fmt: skip
    key_file = write_key(tmp_path / "lab.key")
    key_hex = key_file.read_text().strip()
    cli_out = tmp_path / "cli.csv"
    subprocess.run(
        [str(Path(sys.executable).parent / "outcomelab"), "pseudonymise", str(source), "--column",
         "personnummer", "--key-file", str(key_file), "--out", str(cli_out),
         "--reference-date", "2026-06-01"],
        check=True, capture_output=True,
    )  # fmt: skip
    expected = pd.read_csv(cli_out, dtype=str, keep_default_na=False)

    bodies: list[bytes] = []
    with live_portal(world.config, run_jobs=False) as base, browser_page(base, tmp_path) as page:
        page.on("request", lambda r: bodies.append((r.post_data_buffer or b"") + r.url.encode()))
        page.goto(f"{base}/sv/login")
        page.fill("#username", "sub_a")
        page.fill("#password", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(f"{base}/sv/")
        page.goto(f"{base}/sv/pseudonymise")
        requests_before = len(bodies)
        page.set_input_files("#pseudo-file", str(source))
        expect(page.locator("#pseudo-column option")).to_have_count(3)
        page.set_input_files("#pseudo-key", str(key_file))
        page.select_option("#pseudo-column", "personnummer")
        page.fill("#pseudo-reference-date", "2026-06-01")
        page.click("#pseudo-run")
        page.wait_for_selector("#pseudo-download:not([hidden])")
        assert "Ingenting skickades" in page.inner_text("#pseudo-result")
        with page.expect_download() as info:
            page.click("#pseudo-download")
        made = pd.read_csv(info.value.path(), sep=";", dtype=str, keep_default_na=False)
        assert len(bodies) == requests_before  # the page made no request while working
        violations = axe_violations(page)
        # an invalid number is refused, with its row and never its digits
        bad = tmp_path / "bad.csv"
        bad.write_text("personnummer;grupp\n811218-9875;participant\n", encoding="utf-8")
        page.set_input_files("#pseudo-file", str(bad))
        expect(page.locator("#pseudo-column option")).to_have_count(2)
        page.click("#pseudo-run")
        page.wait_for_selector("#pseudo-result.error")
        message = page.inner_text("#pseudo-result")
        assert "rad 2" in message and "kontrollsiffra" in message and "9875" not in message
    assert list(made.columns) == ["person_id", "grupp", "kommentar"]
    assert made["person_id"].tolist() == expected["person_id"].tolist()
    assert made["kommentar"].tolist() == expected["kommentar"].tolist()
    sent = b"".join(bodies)
    assert key_hex.encode() not in sent
    for number in numbers:
        assert number.encode() not in sent and number.replace("-", "").encode() not in sent
    assert violations == [], violations
