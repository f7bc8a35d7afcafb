"""Printing a page to PDF with Chromium: page numbers and header on every page, nothing cut."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from outcomelab.errors import ReportError
from outcomelab.printing import CHROMIUM_ENV, find_chromium, page_rules, print_pdf
from outcomelab.printing.page import css_string


def test_css_string_cannot_leave_the_string_or_the_style_element() -> None:
    text = css_string('a"b\\c</style><script>x</script>\n')
    inner = text[1:-1]
    assert '"' not in inner and "<" not in inner and ">" not in inner and "\n" not in inner
    assert text.startswith('"') and text.endswith('"')


def test_page_rules_put_the_name_in_the_header_and_page_counters_in_the_footer() -> None:
    css = page_rules("Unga vuxna – Norrköping", "Sida {page} av {pages}")
    assert '@top-left { content: "Unga vuxna – Norrköping"' in css
    assert '"Sida " counter(page) " av " counter(pages)' in css
    assert "break-inside: avoid" in css


def test_a_missing_browser_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHROMIUM_ENV, "/nonexistent/chromium")
    with pytest.raises(ReportError, match="not an executable file"):
        find_chromium()
    monkeypatch.delenv(CHROMIUM_ENV)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReportError, match="apt-get install chromium"):
        find_chromium()


def test_printing_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no such file"):
        print_pdf(tmp_path / "nope.html", tmp_path / "out.pdf")


def _has_chromium() -> bool:
    try:
        find_chromium()
    except ReportError:
        return False
    return True


@pytest.mark.browser
@pytest.mark.skipif(not _has_chromium(), reason="needs Chromium (.ci/run installs it with apt-get)")
def test_a_long_page_prints_with_header_and_page_numbers_and_whole_figures(tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    from PIL import Image

    # a figure of 600 px high placed where a page break would cut it in two
    image = tmp_path / "figure.png"
    Image.new("RGB", (800, 600), (40, 90, 160)).save(image)
    filler = "".join(f"<p>Stycke {i}.</p>" for i in range(34))
    html = tmp_path / "page.html"
    html.write_text(
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'><style>"
        + page_rules("Unga vuxna – Norrköping", "Sida {page} av {pages}")
        + f"</style></head><body><h1>Rapport</h1>{filler}<figure><img src='figure.png' alt='x'>"
        f"</figure>{filler}</body></html>",
        encoding="utf-8",
    )
    pdf = print_pdf(html, tmp_path / "page.pdf")
    document = pdfium.PdfDocument(str(pdf))
    n = len(document)
    assert n >= 2
    pages_with_figure = 0
    for i in range(n):
        page = document[i]
        # PDF text comes back glyph by glyph in the margin boxes: compare without white space
        text = "".join(page.get_textpage().get_text_range().split())
        assert "Ungavuxna–Norrköping" in text
        assert f"Sida{i + 1}av{n}" in text
        rendered = np.asarray(page.render(scale=1).to_pil().convert("RGB"))
        blue = int(np.all(rendered == (40, 90, 160), axis=-1).sum())
        if blue:
            pages_with_figure += 1
    assert pages_with_figure == 1  # the figure is on one page, never split across two
    assert not list(tmp_path.glob(".*printing"))  # no partial file left behind
    assert os.path.getsize(pdf) > 1000
    document.close()
