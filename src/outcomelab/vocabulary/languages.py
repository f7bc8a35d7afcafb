"""The languages the lab writes in: Swedish (the default) and English."""

from __future__ import annotations

from typing import Literal, cast

from outcomelab.errors import ParameterError

__all__ = ["LANGUAGES", "Lang", "check_lang"]

Lang = Literal["sv", "en"]
LANGUAGES: tuple[Lang, ...] = ("sv", "en")


def check_lang(value: object, where: str = "`lang`") -> Lang:
    """Return ``value`` as a :data:`Lang`, or raise ParameterError naming the two languages.

    Examples
    --------
    >>> check_lang("sv")
    'sv'
    """
    if value not in LANGUAGES:
        raise ParameterError(f"{where} must be 'sv' (Swedish) or 'en' (English); got {value!r}.")
    return cast(Lang, value)
