"""The closed vocabularies of the outcome catalogue: outcome kinds, directions and periodicities.

These tuples are the one definition of the words; ``data_schemas/outcome_catalogue.schema.json``
and ``data_schemas/results/results.schema.json`` list the same words (a test keeps them equal).

Kinds
-----
``rate``
    0/1 per person and period (in work, receiving assistance); effects are shares and are shown
    per 100 participants (percentage points).
``count``
    A non-negative count of events (visits, offences).
``days``
    A non-negative number of days (sick days, days in care).
``amount_sek``
    A non-negative amount in Swedish kronor.
``time_to_event``
    A non-negative duration until an event (days, months).
``continuous``
    Any real value, possibly negative (log rates, test scores, z-scores).
"""

from __future__ import annotations

from typing import Literal, cast

from outcomelab.errors import ParameterError

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "NON_NEGATIVE_KINDS",
    "PERIODICITIES",
    "Direction",
    "Kind",
    "Periodicity",
    "check_direction",
    "check_kind",
    "direction_sign",
]

Kind = Literal["rate", "count", "days", "amount_sek", "time_to_event", "continuous"]
Direction = Literal["higher_is_better", "higher_is_worse"]
Periodicity = Literal["year", "month"]

KINDS: tuple[Kind, ...] = ("rate", "count", "days", "amount_sek", "time_to_event", "continuous")
DIRECTIONS: tuple[Direction, ...] = ("higher_is_better", "higher_is_worse")
PERIODICITIES: tuple[Periodicity, ...] = ("year", "month")
#: kinds whose values cannot be negative (``rate`` is 0 or 1)
NON_NEGATIVE_KINDS: tuple[Kind, ...] = ("rate", "count", "days", "amount_sek", "time_to_event")


def _closest(value: str, allowed: tuple[str, ...]) -> str:
    import difflib

    near = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if value == "lower_is_better":  # the old report vocabulary
        return " (did you mean 'higher_is_worse'?)"
    return f" (did you mean {near[0]!r}?)" if near else ""


def check_kind(value: object, where: str = "`kind`") -> Kind:
    """Return ``value`` as a :data:`Kind`, or raise ParameterError naming the allowed words.

    Examples
    --------
    >>> check_kind("rate")
    'rate'
    """
    if value not in KINDS:
        raise ParameterError(
            f"{where} must be one of {', '.join(KINDS)}; got {value!r}"
            f"{_closest(str(value), KINDS)}."
        )
    return cast(Kind, value)


def check_direction(value: object, where: str = "`direction`") -> Direction:
    """Return ``value`` as a :data:`Direction`, or raise ParameterError (never a silent default).

    Examples
    --------
    >>> check_direction("higher_is_worse")
    'higher_is_worse'
    """
    if value not in DIRECTIONS:
        raise ParameterError(
            f"{where} must be 'higher_is_better' or 'higher_is_worse'; got {value!r}"
            f"{_closest(str(value), DIRECTIONS)}."
        )
    return cast(Direction, value)


def direction_sign(direction: str) -> int:
    """``+1`` when higher is better, ``-1`` when higher is worse (anything else is an error).

    Examples
    --------
    >>> direction_sign("higher_is_worse")
    -1
    """
    return 1 if check_direction(direction) == "higher_is_better" else -1
