"""`outcomelab demo` and `outcomelab example`: the steps run, the output is where it says."""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from outcomelab.cli.demo import DEMO_STEPS, DemoContext, DemoStep, run_demo
from outcomelab.cli.main import run
from outcomelab.store import Store


def _check_demo_output(demo: Path) -> None:
    truth = json.loads((demo / "data" / "truth.json").read_text())
    listing = Store(demo / "store").list()
    # the bundled example: 600 participants and a pool of 6,000 comparison persons
    assert len(listing) == 1
    assert (listing.loc[0, "n_participants"], listing.loc[0, "n_comparison"]) == (600, 6000)
    panel = pd.read_parquet(demo / "panel.parquet")
    assert len(panel) == 6600 * 10
    assert panel[["unit", "period"]].equals(
        panel[["unit", "period"]].sort_values(["unit", "period"]).reset_index(drop=True)
    )
    starts = panel.loc[panel["cohort"] > 0].groupby("cohort")["person_id"].nunique()
    assert {str(k): int(v) for k, v in starts.items()} == truth["cohort_sizes"]


def test_demo_data_store_and_panel_steps(tmp_path: Path) -> None:
    """The three steps this module defines (later steps, e.g. the report, are tested apart)."""
    mine = [s for s in DEMO_STEPS if s.name in ("example", "store", "panel")]
    assert [s.name for s in mine] == ["example", "store", "panel"]
    lines: list[str] = []
    run_demo(tmp_path / "demo", steps=mine, echo=lines.append)
    assert lines[0].startswith("[1/3] Example submission") and lines[-1].startswith("Done in")
    assert "stored in" in lines[1]
    _check_demo_output(tmp_path / "demo")
    lines.clear()
    run_demo(tmp_path / "demo", steps=mine, echo=lines.append)  # a second run changes nothing
    assert "already stored" in lines[1]
    _check_demo_output(tmp_path / "demo")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`outcomelab demo` run once for this module: its folder and what it printed."""
    import contextlib
    import io

    demo = tmp_path_factory.mktemp("demo") / "demo"
    old, printed = sys.argv, io.StringIO()
    sys.argv = ["outcomelab", "demo", "--out", str(demo)]
    try:
        with contextlib.redirect_stdout(printed):
            run()
    except SystemExit as stop:
        assert not stop.code
    finally:
        sys.argv = old
    return demo, printed.getvalue()


@pytest.mark.slow
@pytest.mark.notebook
def test_demo_command_runs_every_step(demo_run: tuple[Path, str]) -> None:
    demo, out = demo_run
    assert f"[{len(DEMO_STEPS)}/{len(DEMO_STEPS)}]" in out and "Done in" in out
    _check_demo_output(demo)
    assert (demo / "report" / "report.html").is_file()
    assert "Report in Swedish:" in out and "report.en.html" in out
    # the main report is Swedish, the English one beside it, from the one estimation
    assert '<html lang="sv"' in (demo / "report" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in (demo / "report" / "report.en.html").read_text(encoding="utf-8")
    assert (demo / "site" / "en" / "index.html").is_file()
    # the site's Swedish page shows the Swedish summary, the English page the English one
    texts = json.loads((demo / "report" / "results.json").read_text(encoding="utf-8"))["texts"]
    pages = {lang: next((demo / "site" / lang / "evaluations").glob("*.html")) for lang in texts}
    for lang, other in (("sv", "en"), ("en", "sv")):
        page = html.unescape(pages[lang].read_text(encoding="utf-8"))
        assert texts[lang]["headline"] in page and texts[other]["headline"] not in page
        assert texts[lang]["design_reason"] in page
        assert texts[other]["design_reason"] not in page
    assert str(demo / "site" / "index.html") in out
    # with Chromium on the machine the demo's site has each evaluation page as a PDF too
    from outcomelab.printing import has_chromium

    has_browser = has_chromium()
    printed = sorted((demo / "site").glob("*/evaluations/*.pdf"))
    assert len(printed) == (2 if has_browser else 0)
    assert ("each page also as PDF (2)" in out) == has_browser
    if printed:
        assert all(p.read_bytes()[:5] == b"%PDF-" for p in printed)
        assert printed[0].name in pages["sv"].read_text(encoding="utf-8")


def test_steps_run_in_order_on_a_shared_context(tmp_path: Path) -> None:
    seen: list[str] = []

    def extra(ctx: DemoContext) -> str:
        seen.append(str(ctx.out))
        return "ok"

    step = DemoStep("extra-test", "Extra", extra)
    lines: list[str] = []
    ctx = run_demo(tmp_path, steps=[step], echo=lines.append)
    assert seen == [str(tmp_path.resolve())] and ctx.out == tmp_path.resolve()
    assert lines[0].startswith("[1/1] Extra: ok")
    assert [s.name for s in DEMO_STEPS] == ["example", "store", "panel", "evaluate", "publish"]


def test_example_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = sys.argv
    sys.argv = ["outcomelab", "example", "--out", str(tmp_path), "--participants", "60",
                "--pool", "80", "--seed", "3"]  # fmt: skip
    try:
        run()
    except SystemExit as stop:
        assert not stop.code
    finally:
        sys.argv = old
    assert "outcomes.csv" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "participants.csv")) == 140
    sys.argv = ["outcomelab", "example", "--out", str(tmp_path), "--participants", "5"]
    try:
        with pytest.raises(SystemExit) as stop:
            run()
    finally:
        sys.argv = old
    assert stop.value.code == 1
    assert "at least 60" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.browser
def test_demo_report_and_catalogue_pass_axe_and_make_the_screenshots(
    demo_run: tuple[Path, str], tmp_path: Path
) -> None:
    """The demo's Swedish report, its PDF and the Swedish catalogue: zero axe violations; with
    ``OUTCOMELAB_SCREENSHOTS=docs/screenshots`` their pictures for the README."""
    import os

    from outcomelab.errors import ReportError
    from outcomelab.printing import find_chromium

    pdfium = pytest.importorskip("pypdfium2")
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    playwright = pytest.importorskip("playwright.sync_api")
    try:
        chromium = find_chromium()
    except ReportError:
        pytest.skip("needs Chromium (.ci/run installs it with apt-get)")
    from outcomelab.reports.pdf import print_report

    demo, _ = demo_run
    folder = os.environ.get("OUTCOMELAB_SCREENSHOTS")
    shots = Path(folder) if folder else tmp_path
    report = demo / "report" / "report.html"
    evaluation = next((demo / "site" / "sv" / "evaluations").glob("*.html"))
    pages = {
        "report-sv.png": (report, 1000, 1600),
        "report-en.png": (demo / "report" / "report.en.html", 1000, 1600),
        "catalogue-sv.png": (demo / "site" / "sv" / "index.html", 1280, 1000),
        "evaluation-sv.png": (evaluation, 1000, 1600),
    }
    violations: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        context.route("http*://**", lambda route: route.abort())  # nothing from a network
        page = context.new_page()
        for name, (path, width, height) in pages.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(path.as_uri())
            violations += [
                f"{path.name}: {v['id']} {v['nodes'][0]['target']}"
                for v in axe_module.Axe().run(page).response["violations"]
            ]
            page.screenshot(path=str(shots / name))
        browser.close()
    assert violations == []
    results = json.loads((demo / "report" / "results.json").read_text(encoding="utf-8"))
    name = results["intervention"]["name"]
    pdf = print_report(report, tmp_path / "report.pdf", header=name, lang="sv")
    document = pdfium.PdfDocument(str(pdf))
    assert len(document) >= 3
    for i in range(2):
        document[i].render(scale=1).to_pil().save(shots / f"report-sv-pdf-page-{i + 1}.png")
    document.close()
    assert all((shots / n).stat().st_size > 10_000 for n in pages)
