"""Invisible characters that change how the text around them reads.

A name is written into the report's and the site's sentences and tables. A right-to-left override
(U+202E) left open in a municipality's name reverses everything after it on the line: "från 1,5
till 5,0 fler" is shown as "relf 0,5 llit 5,1 nårf". Control characters (an ANSI escape) rewrite
the terminal that prints the name. So a text cell may hold a direction control only when it
closes what it opens within the cell (the override then ends with the name), and no control
character but tab and line ends.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["has_hidden_effect", "visible"]

#: embeddings and overrides (closed by U+202C) and isolates (closed by U+2069)
_OPENS_EMBEDDING = "\u202a\u202b\u202d\u202e"
_OPENS_ISOLATE = "\u2066\u2067\u2068"
_CLOSE_EMBEDDING, _CLOSE_ISOLATE = "\u202c", "\u2069"
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _leaks(text: str) -> bool:
    """Whether a direction control in ``text`` is left open or closes what it did not open."""
    stack: list[str] = []
    for char in _DIRECTION.findall(text):
        if char in _OPENS_EMBEDDING or char in _OPENS_ISOLATE:
            stack.append(char)
        elif char == _CLOSE_EMBEDDING:
            if not stack or stack[-1] in _OPENS_ISOLATE:
                return True
            stack.pop()
        else:  # an isolate's end also ends the embeddings opened inside the isolate
            while stack and stack[-1] in _OPENS_EMBEDDING:
                stack.pop()
            if not stack:
                return True
            stack.pop()
    return bool(stack)


def has_hidden_effect(values: pd.Series) -> np.ndarray:
    """For each text: holds a control character or a direction control it leaves open.

    Examples
    --------
    >>> has_hidden_effect(pd.Series(["Norrköping", "Kommun \\u202e5 kr\\u202c", "Kommun \\u202e",
    ...                               "\\x1b[2JOK"])).tolist()
    [False, False, True, True]
    """
    text = values.astype(str)
    control = text.str.contains(_CONTROL).to_numpy(dtype=bool)
    direction = text.str.contains(_DIRECTION).to_numpy(dtype=bool)
    out = control.copy()
    for i in np.flatnonzero(direction & ~control):
        out[i] = _leaks(text.iloc[i])
    return out


def visible(text: str) -> str:
    """``text`` with every invisible control written as its code (``\\u202e``), for messages.

    Examples
    --------
    >>> visible("Kommun \\u202e")
    'Kommun \\\\u202e'
    """
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
