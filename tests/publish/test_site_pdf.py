"""``outcomelab publish --pdf``: each published evaluation page printed to a PDF beside it.

The PDF is printed from a print copy of the *published* page (never the evaluation's report.pdf,
which holds exact counts and withheld estimates), and its text is checked before it is written:
no identifier, no number the published page does not show. The page and the catalogue link to it
only when it exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from outcomelab.errors import DisclosureError, ReportError
from outcomelab.printing import find_chromium
from outcomelab.publish import build_site
from outcomelab.publish.paper import check_printed_text, visible_text
from outcomelab.vocabulary.texts import t

#: a synthetic personnummer with a valid check digit (Skatteverket's test number)
TEST_PNR = "19121212-1212"
PSEUDONYM = "3f" * 32


def _has_chromium() -> bool:
    try:
        find_chromium()
    except ReportError:
        return False
    return True


chromium = pytest.mark.skipif(
    not _has_chromium(), reason="needs Chromium to print (.ci/run installs it with apt-get)"
)


# --- the check of the printed text (no browser) -------------------------------------------


def test_the_printed_text_may_hold_only_what_the_page_shows() -> None:
    page = "Deltagare 255 Effekt 8,0 (3,1 – 13,1) År 2005"
    ok = ["Deltagare 255 Effekt 8,0 (3,1 –\r\n13,1) År 200\r\n5", "S i d a 2 a v 2"]
    assert check_printed_text(ok, page, path="x.pdf") == []
    leaked = check_printed_text(["Deltagare 253 Effekt 8,0"], page, path="x.pdf")
    assert [(f.kind, f.excerpt) for f in leaked] == [("unpublished number", "253")]


def test_an_identifier_in_the_printed_text_is_found_even_cut_by_a_line_break() -> None:
    page = f"Namn {TEST_PNR} {PSEUDONYM}"  # a page that (wrongly) showed them: still refused
    kinds = {f.kind for f in check_printed_text([f"Namn {TEST_PNR}"], page, path="x.pdf")}
    assert kinds == {"identity number"}
    cut = [f"Namn {PSEUDONYM[:30]}\r\n{PSEUDONYM[30:]}"]
    assert {f.kind for f in check_printed_text(cut, page, path="x.pdf")} == {"pseudonym"}
    # the submission's content hash is published on purpose
    assert check_printed_text(cut, page, path="x.pdf", allow=[PSEUDONYM]) == []


def test_a_header_read_back_glyph_by_glyph_is_not_a_leak() -> None:
    header = "Projekt 2019"
    pages = ["P r o j e k t 2 0 1 9\r\nDeltagare 255"]
    assert check_printed_text(pages, "Deltagare 255", path="x.pdf", header=header) == []


# --- publishing with --pdf (Chromium) -------------------------------------------------------


def _exact_counts(evaluations: Path) -> set[str]:
    """Counts the evaluations hold that rounding to 5 changes (never published)."""
    counts = set()
    for file in evaluations.rglob("results.json"):
        flow = json.loads(file.read_text())["sample_flow"]
        counts |= {str(v) for k, v in flow.items() if isinstance(v, int) and v % 5 and v >= 10}
    return counts


def _pdf_pages(pdf: Path) -> tuple[list[str], list[Any]]:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(pdf))
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    images = [
        np.asarray(document[i].render(scale=0.5).to_pil().convert("L"))
        for i in range(len(document))
    ]
    return texts, images


@pytest.mark.browser
@chromium
def test_publish_pdf_prints_each_published_page_and_links_it(
    evaluations: Path, tmp_path: Path, cli: Any
) -> None:
    site = tmp_path / "site"
    code, out, err = cli("publish", str(evaluations), "--site", str(site), "--pdf")
    assert code == 0, err
    assert "Printed 6 PDF(s)" in out  # 3 published evaluations x 2 languages (INT-D withheld)
    secrets = _exact_counts(evaluations)
    assert {"253", "246", "242"} <= secrets  # submitted/valid/eligible of INT-A: 255/245/240 shown
    for lang in ("sv", "en"):
        index = (site / lang / "index.html").read_text(encoding="utf-8")
        pages = sorted((site / lang / "evaluations").glob("*.html"))
        assert len(pages) == 3 and "Liten pilot" not in index
        for page in pages:
            html = page.read_text(encoding="utf-8")
            pdf = page.with_suffix(".pdf")
            # the page's link and the catalogue's both resolve to the PDF beside the page
            link = re.search(
                r'<a href="([^"]+\.pdf)" download type="application/pdf">([^<]+)</a>', html
            )
            assert link is not None and link.group(2) == t("site_pdf", lang), page
            assert (page.parent / link.group(1)).resolve() == pdf.resolve() and pdf.is_file()
            assert f'href="evaluations/{pdf.name}"' in index

            texts, images = _pdf_pages(pdf)
            flat = "".join("".join(texts).split())
            name = re.search(r"<h1>([^<]+)</h1>", html)
            assert name is not None
            headline = re.search(r'<p class="headline[^"]*"[^>]*>([^<]+)</p>', html)
            assert headline is not None
            for shown in (name.group(1), headline.group(1)):
                assert "".join(visible_text(shown).split()) in flat, (pdf, shown)
            numbers = set(re.findall(r"\d+", "\n".join(texts)))
            assert not numbers & secrets, (pdf, numbers & secrets)
            # the printed page is the published one, not the evaluation's report
            assert t("site_who", lang).replace(" ", "") in flat
            assert "Liten pilot" not in flat
            for image in images:
                assert (image < 128).mean() > 0.002, pdf  # text drawn on every page
            # the page number footer on the first page ("Sida 1 av 2" / "Page 1 of 2")
            footer = t("pdf_page_of", lang, page=1, pages=len(texts))
            assert footer.replace(" ", "") in "".join(texts[0].split())


def test_without_pdf_there_is_no_pdf_and_no_link(evaluations: Path, tmp_path: Path) -> None:
    info = build_site(evaluations, tmp_path / "site")
    assert info.pdfs == () and not list(info.root.rglob("*.pdf"))
    for lang in ("sv", "en"):
        for page in (info.root / lang).rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            assert ".pdf" not in html and t("site_pdf", lang) not in html, page


@pytest.mark.browser
@chromium
def test_a_pdf_that_would_show_more_than_the_page_refuses_the_publication(
    evaluations: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the print copy ever to hold more than the published page (an exact count, a
    personnummer), the check refuses: nothing is published and the previous site stays."""
    import outcomelab.publish.site as site_module

    site = tmp_path / "site"
    build_site(evaluations, site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    real = site_module.print_page

    def leaky(copy: str, published: str, pdf: Path, **kwargs: Any) -> Path:
        return real(
            copy.replace("</main>", f"<p>253 {TEST_PNR}</p></main>"), published, pdf, **kwargs
        )

    monkeypatch.setattr(site_module, "print_page", leaky)
    with pytest.raises(DisclosureError, match=r"The PDF of .* nothing was published"):
        build_site(evaluations, site, pdf=True)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert not list(site.rglob("*.pdf"))


def test_publish_pdf_without_a_browser_says_how_to_install_one(
    evaluations: Path, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTCOMELAB_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-browser-here"))
    code, _, err = cli("publish", str(evaluations), "--site", str(tmp_path / "site"), "--pdf")
    assert code != 0 and "apt-get install chromium" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()
