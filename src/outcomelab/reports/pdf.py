"""A report's PDF: the finished HTML page printed by Chromium with page numbers and a header.

Committee papers are circulated as PDF. :func:`print_report` adds the print rules of
:func:`outcomelab.printing.page_rules` (A4, the intervention's name at the top of every page,
"Sida 3 av 12" at the bottom, figures and table rows never split) to a copy of ``report.html``
beside it, prints that copy and removes it; the report itself is left as it was.
"""

from __future__ import annotations

from pathlib import Path

from outcomelab.printing import page_rules, print_pdf
from outcomelab.vocabulary.texts import t
from outcomelab.webpage import with_style

__all__ = ["print_report"]


def print_report(
    html: str | Path, pdf: str | Path, *, header: str, lang: str, timeout: float = 300
) -> Path:
    """Print the report page ``html`` to ``pdf``.

    Parameters
    ----------
    html
        The report's HTML page (figures inlined).
    pdf
        Where to write the PDF.
    header
        The running header of every page (the intervention's name).
    lang
        Language of the page numbers ("Sida 1 av 9" / "Page 1 of 9").
    timeout
        Seconds Chromium may take.

    Returns
    -------
    pathlib.Path
        ``pdf``.

    Raises
    ------
    ReportError
        No Chromium, or it could not print (the message says what to do).
    """
    source = Path(html)
    page = source.read_text(encoding="utf-8")
    rules = page_rules(header, t("pdf_page_of", lang, page="{page}", pages="{pages}"))
    printable = with_style(page, rules)
    # beside the page, so that anything it names relative to itself is found
    copy = source.with_name(f".{source.stem}.print.html")
    copy.write_text(printable, encoding="utf-8")
    try:
        return print_pdf(copy, pdf, timeout=timeout)
    finally:
        copy.unlink(missing_ok=True)
