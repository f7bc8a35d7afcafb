"""Small HTML blocks every page is made of, built by :func:`~outcomelab.webpage.fragment`.

A heading, a paragraph, a list, a definition list and the joining of blocks: each escapes the
text it is given (a :class:`~markupsafe.Markup` block made here is inserted as it is), so a name
from a submission or a contract file cannot become markup however it is spelt.
"""

from __future__ import annotations

from collections.abc import Iterable

from outcomelab.webpage.templating import Markup, fragment

__all__ = ["bullets", "definitions", "heading", "join", "paragraph"]


def heading(text: object, level: int = 2) -> Markup:
    """An ``<hN>`` holding ``text``.

    Parameters
    ----------
    text
        The heading's text (escaped).
    level
        1 to 6.

    Returns
    -------
    markupsafe.Markup

    Raises
    ------
    ValueError
        ``level`` is not 1 to 6.

    Examples
    --------
    >>> str(heading("Resultat & slutsats", 2))
    '<h2>Resultat &amp; slutsats</h2>'
    """
    if level not in range(1, 7):
        raise ValueError(f"a heading level is 1 to 6, got {level!r}")
    return fragment("<h{{ level }}>{{ text }}</h{{ level }}>", level=level, text=text)


def paragraph(text: object, cls: str = "", *, strong: bool = False) -> Markup:
    """A ``<p>`` holding ``text`` (in ``<strong>`` with ``strong``; ``cls`` its class).

    Examples
    --------
    >>> str(paragraph("<b>", "ol-note"))
    '<p class="ol-note">&lt;b&gt;</p>'
    """
    return fragment(
        '<p{% if cls %} class="{{ cls }}"{% endif %}>'
        "{% if strong %}<strong>{{ text }}</strong>{% else %}{{ text }}{% endif %}</p>",
        text=text,
        cls=cls,
        strong=strong,
    )


def bullets(items: Iterable[object]) -> Markup:
    """A ``<ul>`` with one ``<li>`` per item.

    Examples
    --------
    >>> str(bullets(["a", "<b>"]))
    '<ul><li>a</li><li>&lt;b&gt;</li></ul>'
    """
    return fragment(
        "<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>", items=list(items)
    )


def definitions(pairs: Iterable[tuple[object, object]], cls: str = "") -> Markup:
    """A ``<dl>`` with one ``<dt>`` term and ``<dd>`` explanation per pair.

    Examples
    --------
    >>> str(definitions([("ATT", "the effect on the treated")], "ol-glossary"))
    '<dl class="ol-glossary"><dt>ATT</dt><dd>the effect on the treated</dd></dl>'
    """
    return fragment(
        '<dl{% if cls %} class="{{ cls }}"{% endif %}>'
        "{% for term, text in pairs %}<dt>{{ term }}</dt><dd>{{ text }}</dd>{% endfor %}</dl>",
        pairs=list(pairs),
        cls=cls,
    )


def join(*blocks: str) -> Markup:
    """Blocks one after another; a block that is not :class:`Markup` is escaped as text.

    Examples
    --------
    >>> str(join(heading("A"), "<b>", paragraph("c")))
    '<h2>A</h2>&lt;b&gt;<p>c</p>'
    """
    return Markup("").join(blocks)
