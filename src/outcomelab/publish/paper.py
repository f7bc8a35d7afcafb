"""The published evaluation page on paper: ``outcomelab publish --pdf``.

Committee papers are circulated as PDF. The site's PDF is printed at publish time from a print
copy of the *published* page (never the evaluation's own ``report.pdf``, which holds numbers
disclosure control does not publish: exact counts, withheld estimates). The print copy is the same
page rendered with the site's stylesheet and the print rules of
:func:`outcomelab.printing.page_rules` inlined, its figures as ``data:`` images and the report's
Content-Security-Policy (no script, nothing loaded from anywhere); it is written to a temporary
folder outside the published tree and printed by Chromium (:func:`outcomelab.printing.print_pdf`).

Before the PDF is put beside the page, its text is read back and checked as the published HTML
and JSON are (:func:`check_printed_text`): no pseudonym and no valid personnummer or
samordningsnummer (:func:`outcomelab.disclosure.scan_text`), and no number that the published
page does not show (so no exact count under the rounding, no withheld estimate: the page is
built from the disclosure-controlled results only). Anything found refuses the whole publication.
"""

from __future__ import annotations

import base64
import re
import tempfile
from collections.abc import Collection
from html import unescape
from pathlib import Path

from outcomelab.disclosure import scan_text
from outcomelab.disclosure.scan import Finding
from outcomelab.errors import DisclosureError, ReportError
from outcomelab.printing import page_rules, print_pdf
from outcomelab.vocabulary.texts import t
from outcomelab.webpage import Markup, with_csp

__all__ = [
    "check_printed_text",
    "inline_image",
    "pdf_text",
    "print_css",
    "print_page",
    "visible_text",
]

# a run of digits with its decimals ("24 000" is two runs on the page and in the PDF alike)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BROKEN = re.compile(r"(?<![\d.,])(\d+)[ \t]*\r?\n[ \t]*(\d+)(?![\d.,])")
_PSEUDONYM = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
_HIDDEN = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
#: print rules of the site's own (besides the report's page rules): no skip link, no links
#: that lead nowhere on paper
_SITE_PRINT = (
    ".skip, .no-print { display: none !important; } body { max-width: none; padding: 0; }"
    " table { font-size: 9pt; } th, td { padding: .2rem .35rem; }"
    # on paper a row header breaks between words, not inside one ("Förv-ärvs-arbe-te")
    " tbody th { overflow-wrap: break-word; hyphens: auto; }"
)


def print_css(site_css: str, header: str, lang: str) -> Markup:
    """The style of a print copy: the site's stylesheet and the page rules (A4, ``header`` at the
    top of every page, "Sida 2 av 5" at the bottom, figures and table rows never split).

    Raises
    ------
    ValueError
        The stylesheet holds a ``<`` (it could end the style element).
    """
    rules = page_rules(header, t("pdf_page_of", lang, page="{page}", pages="{pages}"))
    css = "\n".join((site_css, rules, _SITE_PRINT))
    if "<" in css:
        raise ValueError("the site's stylesheet may not hold '<' (it could end a style element)")
    return Markup(css)  # checked above: no markup; header quoted by css_string


def inline_image(path: Path) -> str:
    """A PNG figure as a ``data:`` URI (the print copy loads nothing from disk)."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def visible_text(html: str) -> str:
    """The text a reader sees of a page (no tags, scripts or styles; entities decoded)."""
    return unescape(_TAG.sub(" ", _HIDDEN.sub(" ", html)))


def pdf_text(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``.

    Raises
    ------
    ReportError
        The PDF cannot be read.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as err:
        raise ReportError(f"The printed PDF {pdf.name} cannot be read back: {err}.") from err
    try:
        pages = []
        for page in document:
            text = page.get_textpage()
            pages.append(text.get_text_range())
            text.close()
            page.close()
        return pages
    finally:
        document.close()


def check_printed_text(
    pages: list[str],
    page_text: str,
    *,
    path: str,
    header: str = "",
    allow: Collection[str] = (),
) -> list[Finding]:
    r"""What a printed page must not hold: identifiers, and numbers the published page lacks.

    Parameters
    ----------
    pages
        The PDF's text, page by page.
    page_text
        The visible text of the published page it was printed from.
    path
        The PDF's name in the findings.
    header
        The running header printed on every page (its text may come back glyph by glyph).
    allow
        64-hex strings known not to identify anyone (the submission's content hash).

    Returns
    -------
    list of Finding
        Kinds ``"pseudonym"``, ``"identity number"`` (as :func:`outcomelab.disclosure.scan_text`
        finds them; a pseudonym also when a line break cut it) and ``"unpublished number"``
        (a number neither on the published page nor a page number).

    Examples
    --------
    >>> check_printed_text(["Deltagare 255 Sida 1 av 1"], "Deltagare 255", path="x.pdf")
    []
    >>> [f.kind for f in check_printed_text(["Deltagare 253"], "Deltagare 255", path="x.pdf")]
    ['unpublished number']
    >>> check_printed_text(["År 200\r\n5"], "År 2005", path="x.pdf")
    []
    """
    text = "\n".join(pages)
    found = scan_text(text, path=path, allow=allow)
    allowed = set(allow)
    joined = re.sub(r"\s+", "", text)  # a pseudonym a line break cut in two
    if not any(f.kind == "pseudonym" for f in found):
        found += [
            Finding(path, "pseudonym", m.group(0)[:12] + "...")
            for m in _PSEUDONYM.finditer(joined)
            if m.group(0) not in allowed
        ]
    shown = set(_NUMBER.findall(page_text)) | {str(n) for n in range(1, len(pages) + 1)}
    shown |= set(_NUMBER.findall(header)) | set(re.findall(r"\d", header))
    # a number a narrow cell broke over two lines ("200" / "5") is the page's "2005"
    for m in _BROKEN.finditer(text):
        if m.group(1) + m.group(2) in shown:
            shown |= {m.group(1), m.group(2)}
    found += [
        Finding(path, "unpublished number", number)
        for number in dict.fromkeys(_NUMBER.findall(text))
        if number not in shown
    ]
    return found


def print_page(
    copy: str,
    published: str,
    pdf: Path,
    *,
    header: str = "",
    allow: Collection[str] = (),
    timeout: float = 300,
) -> Path:
    """Print the print copy ``copy`` of the published page ``published`` to ``pdf``.

    Parameters
    ----------
    copy
        The print copy (self-contained: inline style, ``data:`` images).
    published
        The published page's HTML (what the PDF's text is checked against).
    pdf
        Where the PDF goes (beside the published page); written only when the check passes.
    header
        The running header the print copy's style puts on every page.
    allow
        64-hex strings known not to identify anyone.
    timeout
        Seconds Chromium may take.

    Returns
    -------
    pathlib.Path
        ``pdf``.

    Raises
    ------
    ReportError
        No Chromium, or it could not print.
    DisclosureError
        The printed text holds an identifier or a number the published page does not show;
        nothing is published then.
    """
    with tempfile.TemporaryDirectory(prefix="outcomelab-print-") as folder:
        source = Path(folder) / "page.html"
        source.write_text(with_csp(copy, "report"), encoding="utf-8")
        printed = print_pdf(source, Path(folder) / "page.pdf", timeout=timeout)
        findings = check_printed_text(
            pdf_text(printed), visible_text(published), path=pdf.name, header=header, allow=allow
        )
        if findings:
            first = findings[0]
            raise DisclosureError(
                f"The PDF of {pdf.parent.name}/{pdf.name} would hold {len(findings)} thing(s) "
                f"the published page does not, first a {first.kind} ({first.excerpt}); nothing "
                "was published. Publish without --pdf and report this to the lab."
            )
        pdf.write_bytes(printed.read_bytes())
    return pdf
