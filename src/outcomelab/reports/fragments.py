"""HTML fragments of the report pages: headings, paragraphs, lists and tables, always escaped.

Every text a report cell shows goes through :func:`html.escape` here, names from a submission or a
contract file included, so that no value can become markup or script.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["bullets", "escape", "heading", "paragraph", "table_html"]


def escape(text: object) -> str:
    """``text`` as HTML text (``<``, ``>``, ``&`` and quotes escaped)."""
    return html.escape(str(text))


def heading(text: str, level: int = 2) -> str:
    """An ``<hN>`` holding ``text``."""
    return f"<h{level}>{escape(text)}</h{level}>"


def paragraph(text: str, cls: str = "", *, strong: bool = False) -> str:
    """A ``<p>`` holding ``text`` (bold with ``strong``)."""
    attr = f' class="{escape(cls)}"' if cls else ""
    inner = f"<strong>{escape(text)}</strong>" if strong else escape(text)
    return f"<p{attr}>{inner}</p>"


def bullets(items: Iterable[object]) -> str:
    """A ``<ul>`` with one ``<li>`` per item."""
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def table_html(
    header: Sequence[object], rows: Sequence[Sequence[object]], *, text: bool = False
) -> str:
    """A small table with the report's table class (``text``: left-aligned cells).

    Examples
    --------
    >>> table_html(["a"], [["<b>"]]).endswith("<td>&lt;b&gt;</td></tr></tbody></table>")
    True
    """
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    cls = "ol-table ol-text" if text else "ol-table"
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
