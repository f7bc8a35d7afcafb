"""A stylesheet added to a finished page's ``<head>``."""

from __future__ import annotations

import re

from outcomelab.webpage.templating import Markup, fragment

__all__ = ["with_style"]

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def with_style(html: str, css: str) -> str:
    """Return ``html`` with a ``<style>`` element holding ``css`` at the end of its head.

    Parameters
    ----------
    html
        A complete page.
    css
        Style rules. A style element's text is not HTML (no entity is decoded in it), so it cannot
        be escaped: text put into a rule must be quoted with
        :func:`outcomelab.printing.css_string`, which writes ``<`` as ``\\3c``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        The page has no ``</head>``, or ``css`` holds a ``<`` (it could end the style element).

    Examples
    --------
    >>> with_style("<html><head></head><body></body></html>", "p { color: red }")
    '<html><head><style>p { color: red }</style>\\n</head><body></body></html>'
    """
    if "<" in css:
        raise ValueError("style rules may not hold '<' (it could end the <style> element)")
    end = _HEAD_END.search(html)
    if end is None:
        raise ValueError("the page has no </head> to hold its style")
    style = fragment("<style>{{ css }}</style>", css=Markup(css))  # checked above: no markup
    # str.join, not +: str + Markup would escape the page
    return "".join((html[: end.start()], str(style), "\n", html[end.start() :]))
