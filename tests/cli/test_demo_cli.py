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


@pytest.mark.slow
@pytest.mark.notebook
def test_demo_command_runs_every_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = sys.argv
    sys.argv = ["outcomelab", "demo", "--out", str(tmp_path / "demo")]
    try:
        run()
    except SystemExit as stop:
        assert not stop.code
    finally:
        sys.argv = old
    out = capsys.readouterr().out
    assert f"[{len(DEMO_STEPS)}/{len(DEMO_STEPS)}]" in out and "Done in" in out
    _check_demo_output(tmp_path / "demo")
    demo = tmp_path / "demo"
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
