"""In Chromium: hostile names never run, and the pages' policies block a script that got in anyway.

Attack (issue 14): a contract YAML whose names carry markup ran an ``onerror`` handler in
``outcome_contract.html``. Checked here in Debian's chromium through Playwright, for the contract
report, a whole standard evaluation (submission -> notebook kernel -> report -> published site),
the evaluation report exporter and the published site: (1) hostile names from the inputs run
nothing and read as the text they are; (2) a script and an event handler injected into a
finished page (as if escaping had failed) are blocked by the page's Content-Security-Policy;
(3) our own pages raise no policy violation and load nothing from a network.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

from outcomelab.publish import build_site
from outcomelab.reports.html import export_html
from outcomelab.vocabulary.texts import t
from outcomelab.webpage import POLICIES, policy_of

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contracts" / "norrkoping_sib.yaml"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

HOSTILE = [
    '<img src=x onerror="window.pwned=(window.pwned||0)+1">',
    "<script>window.pwned=(window.pwned||0)+1</script>",
    '"><svg onload="window.pwned=(window.pwned||0)+1">',
]
INJECTED = (
    "<script>window.pwned=(window.pwned||0)+1</script>"
    '<img src="data:," onerror="window.pwned=(window.pwned||0)+1">'
    '<a id="js" href="javascript:window.pwned=(window.pwned||0)+1">x</a>'
)


class Browser:
    """A chromium page that records policy violations, dialogs and network requests."""

    def __init__(self, context: Any, allow: str | None = None) -> None:
        self.page = context.new_page()
        self.console: list[str] = []
        self.network: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(route: Any) -> None:
            if allow is not None and route.request.url.startswith(allow):
                route.continue_()  # the local portal under test, nothing else
            else:
                self.network.append(route.request.url)
                route.abort()

        context.route("http*://**", route)

    def open(self, path: Path | str) -> Any:
        self.console.clear()
        response = self.page.goto(path if isinstance(path, str) else path.as_uri())
        self.page.wait_for_timeout(200)
        return response

    def pwned(self) -> Any:
        return self.page.evaluate("window.pwned")

    def violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@contextmanager
def _chromium(allow: str | None = None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield Browser(chromium.new_context(), allow)
        finally:
            chromium.close()


@pytest.fixture()
def browser() -> Iterator[Browser]:
    with _chromium() as b:
        yield b


def _inject(page: Path) -> Path:
    tampered = page.with_name("tampered-" + page.name)
    text = page.read_text(encoding="utf-8")
    tampered.write_text(re.sub(r"(<body[^>]*>)", r"\1" + INJECTED, text, count=1), encoding="utf-8")
    return tampered


def test_site_with_hostile_names(tmp_path: Path, results_maker, browser: Browser) -> None:
    make_results, write_evaluation = results_maker
    for i, name in enumerate(HOSTILE):
        write_evaluation(
            tmp_path / "evals",
            make_results(
                f"INT-{i}",
                name=name,
                organisation=HOSTILE[(i + 1) % len(HOSTILE)],
                code="0581",
                target_group="unemployed",
                estimate=0.05,
            ),
        )
    info = build_site(tmp_path / "evals", tmp_path / "site")
    pages = sorted(info.root.rglob("*.html"))
    for page in pages:
        browser.open(page)
        assert browser.pwned() is None, page
        assert browser.violations() == [], (page, browser.violations())
    # our own script still runs under the policy: the search filters the table
    browser.open(info.root / "en" / "index.html")
    browser.page.fill("#q", "no such place")
    assert browser.page.locator("#catalogue tbody tr:visible").count() == 0
    # a script that got into a page anyway is blocked
    for page in (info.root / "en" / "index.html", pages[-1]):
        browser.open(_inject(page))
        browser.page.click("#js")
        assert browser.pwned() is None, page
        assert browser.violations(), "the policy reports what it blocked"
    assert browser.network == [] and browser.dialogs == []


def test_report_page_runs_nothing_and_loads_nothing(tmp_path: Path, browser: Browser) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>ok</p>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Report"), cell]
    nbformat.write(nb, tmp_path / "r.ipynb")
    page = export_html(tmp_path / "r.ipynb", tmp_path / "report.html", title=HOSTILE[0])
    browser.open(page)
    assert browser.page.locator("text=ok").count() == 1
    assert browser.pwned() is None and browser.violations() == []
    browser.open(_inject(page))
    browser.page.click("#js")
    assert browser.pwned() is None and browser.violations()
    assert browser.network == []


@pytest.mark.notebook
def test_contract_report_with_hostile_names(
    tmp_path: Path, cli, browser: Browser, contract_evaluation: Callable[..., Path]
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = []
    for n, line in enumerate(text.splitlines()):
        key = line.strip().split(":", 1)[0].lstrip("- ")
        if key in ("name", "target") and not line.rstrip().endswith((">-", "|")):
            indent = line[: len(line) - len(line.lstrip())]
            dash = "- " if line.strip().startswith("- ") else ""
            payload = json.dumps(HOSTILE[n % len(HOSTILE)])
            line = f"{indent}{dash}{key}: {payload}"
        lines.append(line)
    contract = tmp_path / "contract.yaml"
    contract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    evaluation = contract_evaluation(tmp_path / "eval")
    verified = evaluation / "verified.csv"
    out = tmp_path / "out"
    code, _, err = cli(
        "contract", "settle", str(contract), "--evaluation", str(evaluation),
        "--verified", str(verified), "--out", str(out), "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    page = out / "outcome_contract.html"
    browser.open(page)
    assert browser.pwned() is None and browser.dialogs == []
    assert browser.network == []
    assert policy_of(page.read_text(encoding="utf-8")) == POLICIES["report"]


def _live_portal() -> Any:
    """``live_portal`` of ``tests/portal/browser_support.py`` (one copy of the live server)."""
    path = Path(__file__).resolve().parents[1] / "portal" / "browser_support.py"
    spec = importlib.util.spec_from_file_location("_portal_browser_support", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.live_portal


def test_portal_serves_our_site_and_report_under_both_policies(
    tmp_path: Path, results_maker
) -> None:
    """The portal adds its own policy headers to our pages: they still work, and still hold."""
    from outcomelab.portal import PortalConfig
    from outcomelab.portal.accounts import add_organisation, add_user
    from outcomelab.portal.jobs.queue import claim_next, enqueue, finish

    make_results, write_evaluation = results_maker
    config = PortalConfig(store=tmp_path / "store", workers=1)
    add_organisation(config.database, "0581", "Norrköpings kommun")
    add_user(config.database, "reader", roles=["evaluator"], password="correct horse battery")
    for i, name in enumerate(HOSTILE):
        write_evaluation(
            tmp_path / "evals",
            make_results(f"INT-{i}", name=name, organisation=HOSTILE[i - 1], code="0581",
                         target_group="unemployed", estimate=0.05),
        )  # fmt: skip
    site = build_site(tmp_path / "evals", config.site)
    job = enqueue(config.database, "evaluate", params={}, created_by="reader",
                  submission_id="s", organisation="0581")  # fmt: skip
    assert claim_next(config.database) is not None
    finish(config.database, job.id, result={"report": "report.html"})
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>ok</p>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Report"), cell]
    nbformat.write(nb, tmp_path / "r.ipynb")
    report = config.evaluations / job.id / "report.html"
    report.parent.mkdir(parents=True)
    export_html(tmp_path / "r.ipynb", report, title=HOSTILE[0])

    with _live_portal()(config, run_jobs=False) as base, _chromium(allow=base) as b:
        pages = sorted(site.root.rglob("*.html"))
        for page in pages:
            served = b.open(f"{base}/site/{page.relative_to(site.root).as_posix()}")
            assert served.ok and "content-security-policy" in served.headers, page
            assert b.pwned() is None, page
            assert b.violations() == [], (page, b.violations())
        b.open(f"{base}/site/en/index.html")
        b.page.fill("#q", "no such place")  # our script runs under both policies
        assert b.page.locator("#catalogue tbody tr:visible").count() == 0

        b.open(f"{base}/en/login")
        b.page.fill("#username", "reader")
        b.page.fill("#password", "correct horse battery")
        b.page.click("form.stack button[type=submit]")
        b.page.wait_for_url(re.compile(r"/en/$"))
        served = b.open(f"{base}/en/jobs/{job.id}/report")
        assert served.ok and "sandbox" in served.headers["content-security-policy"]
        assert b.page.locator("text=ok").count() == 1
        assert b.pwned() is None and b.violations() == []
        # a script that got into the stored report anyway is blocked by both policies
        report.write_text(_inject(report).read_text(encoding="utf-8"), encoding="utf-8")
        b.open(f"{base}/en/jobs/{job.id}/report")
        b.page.click("#js")
        assert b.pwned() is None and b.violations()
    assert b.network == [] and b.dialogs == []


#: names a submission may carry: markup, an event handler, quotes that end an attribute, a
#: right-to-left override (closed in the name, as validation requires) and very long text
SCRIPT = "<script>window.pwned=(window.pwned||0)+1;alert('script')</script>"
IMG = '<img src=x onerror="window.pwned=(window.pwned||0)+1;alert(1)">'
QUOTES = '"\'><svg onload="window.pwned=1"> "Ö\'" &amp; &lt;'
RTL = "Kommun \u202e5 000 000 kr\u202c slut"
LONG = "Lång" + "ö" * 196


def _hostile_submission(folder: Path) -> dict[str, object]:
    """The municipal example with hostile names everywhere a submitter writes one: the
    intervention, its organisation, every municipality, and a local outcome of its own."""
    from outcomelab.example.municipal import write_municipal_example

    write_municipal_example(folder)
    intervention = pd.read_csv(folder / "interventions.csv", dtype=str, keep_default_na=False)
    name = f"{IMG} {SCRIPT} {QUOTES} {RTL} " + "x" * 300
    intervention["name"] = name[:300]  # the longest name the standard allows
    intervention["organisation_name"] = f"{QUOTES} {SCRIPT}"
    intervention.to_csv(folder / "interventions.csv", index=False)
    units = pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False)
    kinds = [SCRIPT, QUOTES, RTL, LONG, IMG]
    units["name"] = [
        kinds[i % len(kinds)] + ("" if kinds[i % len(kinds)] is LONG else f" {i}")
        for i in range(len(units))
    ]
    treated = units["group"] == "participant"
    units.loc[treated, "name"] = f"{IMG} {RTL}"
    units.to_csv(folder / "units.csv", index=False)
    local = {
        "code": "local_score",
        "name_sv": f"{SCRIPT} {RTL}",
        "name_en": f"{IMG} {QUOTES}",
        "unit": QUOTES,
        "kind": "rate",
        "direction": "higher_is_better",
        "periodicity": "year",
        "followup_windows_months": "12",
        "definition_en": SCRIPT,
        "definition_sv": IMG,
        "phrase_sv": IMG,
        "phrase_en": SCRIPT,
    }
    pd.DataFrame([local]).to_csv(folder / "outcome_catalogue.csv", index=False)
    values = pd.read_csv(folder / "unit_outcomes.csv", dtype=str, keep_default_na=False)
    copy = values[values["outcome_code"] == "employment"].assign(outcome_code="local_score")
    pd.concat([values, copy]).to_csv(folder / "unit_outcomes.csv", index=False)
    return {
        "intervention": name[:300],
        "treated": f"{IMG} {RTL}",
        "units": set(units["name"]),
        "outcome_sv": local["name_sv"],
    }


#: in a page, anything that could run: scripts but the site's own files, event-handler
#: attributes, images from anywhere but the page, javascript: links
_RUNNABLE = """() => {
  const ours = s => s.src.startsWith('file:') || s.src.startsWith(location.origin + '/');
  const code = [...document.scripts].filter(s => s.type !== 'application/json');
  const scripts = code.filter(s => !s.src || !ours(s)).length;
  const handlers = [...document.querySelectorAll('*')].filter(
      e => [...e.attributes].some(a => a.name.startsWith('on'))).length;
  const images = [...document.images].filter(i => !i.src.startsWith('data:image/png')
      && !i.src.startsWith('file:')).length;
  const links = [...document.querySelectorAll('a[href^="javascript:"]')].length;
  return {scripts, handlers, images, links};
}"""


@pytest.mark.notebook
def test_standard_evaluation_with_hostile_names(tmp_path: Path, cli, browser: Browser) -> None:
    """Submission -> ``evaluate`` (the notebook kernel) -> report.html -> ``publish``: in every
    page nothing runs (no dialog, no policy violation: nothing even tried), and the names read
    as the text the submitter wrote (headline, tables, the municipalities' weights)."""
    names = _hostile_submission(tmp_path / "data")
    out = tmp_path / "evaluations" / "hostile"
    code, _, err = cli("evaluate", "--data", str(tmp_path / "data"), "--out", str(out))
    assert code == 0, err
    code, _, err = cli("publish", str(tmp_path / "evaluations"), "--site", str(tmp_path / "site"))
    assert code == 0, err
    site = sorted((tmp_path / "site").rglob("*.html"))
    assert len(site) >= 5  # the start page, two indexes, an evaluation and outcome pages
    for page in [out / "report.html", *site]:
        browser.open(page)
        assert browser.pwned() is None, page
        assert browser.violations() == [], (page, browser.violations())
        assert browser.page.evaluate(_RUNNABLE) == dict.fromkeys(
            ("scripts", "handlers", "images", "links"), 0
        ), page

    # the report (Swedish, the default) shows every name as written
    browser.open(out / "report.html")
    assert browser.page.locator("h1").inner_text() == t("title", "sv", name=names["intervention"])
    text = browser.page.inner_text("body")
    assert names["treated"] in text and names["outcome_sv"] in text
    unit_header = t("c_unit", "sv")
    shown = browser.page.eval_on_selector_all(
        f"table:has(th:text-is('{unit_header}')) tbody tr td:first-child",
        "cells => cells.map(c => c.textContent)",
    )
    assert shown and set(shown) <= names["units"]  # every donor named exactly as submitted
    # the published pages of the evaluation carry its name as text, in both languages
    for lang in ("sv", "en"):
        (page,) = (tmp_path / "site").glob(f"{lang}/evaluations/*.html")
        browser.open(page)
        assert browser.page.locator("h1").inner_text() == names["intervention"]
    assert browser.dialogs == [] and browser.network == []
