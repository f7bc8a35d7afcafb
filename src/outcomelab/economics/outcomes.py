"""Direction of each outcome (is more better or worse?), from the outcome catalogue.

Unit values follow the ``unit_values`` schema: ``value_sek`` is what one unit *more* of the outcome
is worth to the payer, so the money side needs no direction. The direction is still needed to
check a table's signs (more sick-leave days should cost someone). The directions are the outcome
catalogue's (:func:`outcomelab.vocabulary.lab_catalogue`).
"""

from __future__ import annotations

from collections.abc import Mapping

from outcomelab.errors import ParameterError
from outcomelab.vocabulary import direction_sign, lab_catalogue

__all__ = ["ONE_OFF_OUTCOMES", "resolve_directions"]

#: outcomes reached once (a status), not a flow every year: valued for one year by default
ONE_OFF_OUTCOMES: tuple[str, ...] = ("upper_secondary_eligibility",)


def resolve_directions(
    outcomes: list[str], overrides: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Return ``{outcome: +1 or -1}`` from the catalogue, with ``overrides`` taking precedence.

    Raises
    ------
    ParameterError
        Naming every outcome whose direction is unknown, or a direction outside the vocabulary.
    """
    given: dict[str, str] = dict(lab_catalogue().directions()) | dict(overrides or {})
    unknown = [o for o in outcomes if o not in given]
    if unknown:
        raise ParameterError(
            f"The direction of {', '.join(repr(u) for u in unknown)} is not in the outcome "
            "catalogue; pass `directions={'<outcome>': 'higher_is_better' or 'higher_is_worse'}`."
        )
    return {o: direction_sign(given[o]) for o in outcomes}
