"""Direction of each outcome (is more better or worse?) from the standard outcome catalogue.

Unit values follow the ``unit_values`` schema: ``value_sek`` is what one unit *more* of the outcome
is worth to the payer, so the money side needs no direction. The direction is still needed to
check a table's signs (more sick-leave days should cost someone) and, in outcome contracts, to tell
an improvement from a deterioration. It is read from ``data_schemas/outcome_catalogue.csv``
(column ``direction``: ``higher_is_better`` or ``higher_is_worse``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import pandas as pd

from outcomelab.errors import ParameterError
from outcomelab.resources import schemas_dir

__all__ = [
    "DIRECTIONS",
    "ONE_OFF_OUTCOMES",
    "catalogue_directions",
    "direction_sign",
    "resolve_directions",
]

DIRECTIONS: tuple[str, ...] = ("higher_is_better", "higher_is_worse")
#: outcomes reached once (a status), not a flow every year: valued for one year by default
ONE_OFF_OUTCOMES: tuple[str, ...] = ("upper_secondary_eligibility",)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[tuple[str, str], ...]:
    path = schemas_dir() / "outcome_catalogue.csv"
    if not path.is_file():
        return ()
    table = pd.read_csv(path, usecols=["code", "direction"], dtype=str)
    return tuple(zip(table["code"], table["direction"], strict=True))


def catalogue_directions() -> dict[str, str]:
    """``{outcome_code: "higher_is_better" | "higher_is_worse"}`` from the outcome catalogue."""
    return dict(_catalogue())


def direction_sign(direction: str) -> int:
    """``+1`` when higher is better, ``-1`` when higher is worse."""
    if direction == "higher_is_better":
        return 1
    if direction == "higher_is_worse":
        return -1
    raise ParameterError(
        f"An outcome direction must be 'higher_is_better' or 'higher_is_worse'; got {direction!r}."
    )


def resolve_directions(
    outcomes: list[str], overrides: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Return ``{outcome: +1 or -1}`` from the catalogue, with ``overrides`` taking precedence.

    Raises
    ------
    ParameterError
        Naming every outcome whose direction is unknown.
    """
    given = catalogue_directions() | dict(overrides or {})
    unknown = [o for o in outcomes if o not in given]
    if unknown:
        raise ParameterError(
            f"The direction of {', '.join(repr(u) for u in unknown)} is not in the outcome "
            "catalogue; pass `directions={'<outcome>': 'higher_is_better' or 'higher_is_worse'}`."
        )
    return {o: direction_sign(given[o]) for o in outcomes}
