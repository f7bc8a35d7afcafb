"""The one templating path for HTML: jinja2 with autoescape, strict about undefined names."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["Markup", "environment", "fragment", "table"]


def environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """A jinja2 environment that escapes every value it inserts.

    Parameters
    ----------
    loader
        Where named templates come from (e.g. a ``FileSystemLoader`` of a package's
        ``templates/`` folder); ``None`` for string templates only.

    Returns
    -------
    jinja2.Environment
        ``autoescape=True`` for every template whatever its file name, ``StrictUndefined`` (a
        misspelt name is an error, not an empty string).
    """
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_STRINGS = environment()


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    return _STRINGS.from_string(source)


def fragment(source: str, /, **values: Any) -> Markup:
    """Render an HTML fragment from a template string; every value is escaped.

    Parameters
    ----------
    source
        A jinja2 template, e.g. ``"<p><strong>{{ name }}</strong>: {{ text }}</p>"``. Write
        markup only here, never into a value.
    **values
        The values; text is escaped, a :class:`Markup` (another fragment) is inserted as is.

    Returns
    -------
    markupsafe.Markup
        The HTML (a ``str``), safe to nest in another fragment without double escaping.

    Examples
    --------
    >>> str(fragment("<p>{{ name }}</p>", name="<img src=x onerror=alert(1)>"))
    '<p>&lt;img src=x onerror=alert(1)&gt;</p>'
    """
    return Markup(_compiled(source).render(**values))


_TABLE = """<table class="{{ cls }}">
{% if caption %}<caption>{{ caption }}</caption>{% endif %}
<thead><tr>{% for h in header %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>"""


def table(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    cls: str = "ol-table",
    caption: str | None = None,
) -> Markup:
    """An HTML table whose header and cells are escaped (``None`` is shown as an empty cell).

    Parameters
    ----------
    header
        Column headings.
    rows
        One sequence of cells per row.
    cls
        The table's class attribute.
    caption
        Optional caption.

    Returns
    -------
    markupsafe.Markup
    """
    body = [["" if cell is None else cell for cell in row] for row in rows]
    return fragment(_TABLE, header=list(header), rows=body, cls=cls, caption=caption)
