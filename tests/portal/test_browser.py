"""The portal in Debian's chromium: the whole path of a submission, axe on every page, and
pseudonymisation in the browser that sends nothing and equals the command line's."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from .browser_support import CHROMIUM, axe_violations, browser_page, live_portal
from .conftest import PASSWORD, PortalWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


class Walk:
    """A page that checks every page it lands on with axe."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base, self.violations, self.seen = page, base, [], set()

    def check(self) -> None:
        key = re.sub(r"/[0-9a-f]{16,64}|/[A-Za-z0-9_-]{16,22}(?=/|$)", "/ID", self.page.url)
        if key not in self.seen:
            self.seen.add(key)
            self.violations += axe_violations(self.page)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def login(self, user: str, lang: str = "sv") -> None:
        self.go(f"/{lang}/login")
        self.page.fill("#username", user)
        self.page.fill("#password", PASSWORD)
        self.page.click("form.stack button[type=submit]")
        self.page.wait_for_url(re.compile(rf"/{lang}/$"))
        self.check()

    def logout(self) -> None:
        self.page.click("nav.menu form button")
        self.page.wait_for_url(re.compile(r"/login"))

    def wait_for_job(self, timeout: float = 900) -> None:
        """Stay on the job page (its script follows the job and reloads at the end)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.page.locator("#job").get_attribute("data-finished")
            if status == "yes":
                break
            self.page.wait_for_timeout(1000)
        self.check()


def _broken_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    participants = pd.read_csv(target / "participants.csv", dtype=str, keep_default_na=False)
    participants.loc[3, "sex"] = "okänt"  # file row 5
    participants.to_csv(target / "participants.csv", index=False)
    return target


def test_whole_path_in_the_browser(world: PortalWorld, tmp_path: Path) -> None:
    from outcomelab.example import example_dir

    fixed = example_dir()  # Norrköping's bundled example, large enough for the standard report
    broken = _broken_copy(fixed, tmp_path / "broken")
    names = ["interventions.csv", "participants.csv", "outcomes.csv", "costs.csv"]
    config = replace(world.config, max_upload_bytes=256 * 1024**2)  # the example is 27 MB
    with live_portal(config, run_jobs=True) as base, browser_page(base, tmp_path) as page:
        walk = Walk(page, base)
        walk.login("sub_a")
        # the template
        walk.go("/sv/submit")
        with page.expect_download() as info:
            page.click("#template-link")
        template = tmp_path / "template.xlsx"
        info.value.save_as(template)
        assert openpyxl.load_workbook(template).sheetnames[:2] == ["interventions", "participants"]
        # a file with an error: the failure with its spreadsheet row, in Swedish
        page.set_input_files("#files", [str(broken / n) for n in names])
        page.click("form.stack button[type=submit]")
        page.wait_for_selector("#verdict")
        walk.check()
        assert "följer inte standarden" in page.inner_text("#verdict")
        failures = page.inner_text("#failures")
        assert re.search(r"participants\s+5\s+sex\s+okänt", failures), failures
        with page.expect_download() as info:
            page.click("#error-report")
        report = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
        assert any(r["row"] == "5" and r["column"] == "sex" for r in report)
        # the corrected files, submitted, and the receipt
        walk.go("/sv/submit")
        page.set_input_files("#files", [str(fixed / n) for n in names])
        page.click("form.stack button[type=submit]")
        page.wait_for_selector("#submit-button")
        walk.check()
        page.click("#submit-button")
        page.wait_for_selector("#submission-id")
        walk.check()
        submission_id = page.inner_text("#submission-id")
        assert re.fullmatch(r"[0-9a-f]{64}", submission_id)
        walk.go("/sv/submissions")
        walk.go("/sv/pseudonymise")
        walk.logout()

        # the evaluator starts the standard evaluation and reads the report
        walk.login("eval_all")
        walk.go(f"/sv/submissions/{submission_id}")
        page.click("#evaluate-link")
        page.wait_for_selector("#start-evaluation")
        walk.check()
        page.select_option("#report_lang", "sv")
        page.click("#start-evaluation")
        page.wait_for_selector("#job")
        walk.check()
        walk.wait_for_job()
        assert page.locator("#job-status").inner_text() == "klar", page.content()[-3000:]
        headline = page.inner_text("#headline")
        assert headline
        job_url = page.url
        page.click("#report-link")
        page.wait_for_load_state()
        assert "Norrköping" in page.content()
        walk.go("/sv/jobs")
        walk.logout()

        # the centre marks it and builds the published catalogue
        walk.login("pub")
        walk.go("/sv/publishing")
        job_id = job_url.rsplit("/", 1)[1]
        page.click(f"#mark-{job_id}")
        page.wait_for_selector("#build-site")
        walk.check()
        page.click("#build-site")
        page.wait_for_selector("#job")
        walk.wait_for_job(timeout=300)
        page.click("#site-link")
        page.wait_for_load_state()
        assert "Norrköping" in page.content()
        walk.check()
        walk.go("/sv/publishing")  # back from the published site to the portal
        walk.logout()

        # the administrator's pages and the audit log of all of it
        walk.login("adm", lang="en")
        walk.go("/en/admin/users")
        walk.go("/en/admin/tokens")
        walk.go("/en/admin/audit")
        log = page.inner_text("#audit")
        for action in ("upload", "submit", "evaluate", "view_report", "mark_publication"):
            assert action in log
        walk.go("/en/login")  # and an anonymous page in English
    assert walk.violations == [], "\n".join(walk.violations)
