"""The CSS of a printed page: paper size, running header, page numbers, no split figures."""

from __future__ import annotations

import re

__all__ = ["css_string", "page_rules"]


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string, the rule or the style element.

    Examples
    --------
    >>> print(css_string('Unga "vuxna" </style>'))
    "Unga \\22 vuxna\\22  \\3c /style\\3e "
    """

    def escape(match: re.Match[str]) -> str:
        return f"\\{ord(match.group(0)):x} "

    return '"' + re.sub(r'[\\"<>\n\r\f]', escape, text) + '"'


def _counter_content(template: str) -> str:
    """``"Sida {page} av {pages}"`` as CSS ``content``: strings and page counters."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def page_rules(header: str, page_label: str, *, size: str = "A4") -> str:
    """CSS rules (without ``<style>``) for printing a report or a catalogue page.

    Parameters
    ----------
    header
        The running header on every page, e.g. the intervention's name.
    page_label
        The footer with ``{page}`` and ``{pages}`` placeholders, e.g. ``"Sida {page} av {pages}"``.
    size
        The paper size (a CSS ``@page`` size).

    Returns
    -------
    str
        ``@page`` rules with margin boxes and ``@media print`` rules that keep figures, table rows
        and headline boxes whole and headings with the text that follows them.
    """
    return f"""
@page {{
  size: {size};
  margin: 20mm 16mm 18mm 16mm;
  @top-left {{ content: {css_string(header)}; font-size: 8pt; color: #333;
               font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }}
  @bottom-right {{ content: {_counter_content(page_label)}; font-size: 8pt; color: #333;
                   font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }}
}}
@media print {{
  html, body {{ background: #fff !important; color: #000; }}
  h1, h2, h3, h4 {{ break-after: avoid; page-break-after: avoid; }}
  figure, img, svg, tr, .ol-headline, .ol-keep {{ break-inside: avoid; page-break-inside: avoid; }}
  img {{ max-width: 100% !important; height: auto; }}
  thead {{ display: table-header-group; }}
  a {{ color: #000; text-decoration: none; }}
  nav, .no-print, .skip-link {{ display: none !important; }}
}}
"""
