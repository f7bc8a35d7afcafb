"""The lab's words: the outcome catalogue and the closed vocabularies of kind and direction.

This package sits on the lowest floor (it imports only :mod:`outcomelab.errors` and
:mod:`outcomelab.resources`), so that every other package may ask it and none keeps a copy.

* :func:`lab_catalogue` / :func:`load_catalogue`: the outcome catalogue read from
  ``data_schemas/outcome_catalogue.csv``, checked on load, optionally merged with a submission's
  own outcomes under a local namespace.
* :data:`KINDS`, :data:`DIRECTIONS`: the one vocabulary for an outcome's kind and direction.
"""

from __future__ import annotations

from outcomelab.vocabulary.catalogue import (
    COLUMNS,
    NAMESPACE_SEPARATOR,
    Catalogue,
    OutcomeDefinition,
    build_catalogue,
    lab_catalogue,
    load_catalogue,
)
from outcomelab.vocabulary.kinds import (
    DIRECTIONS,
    KINDS,
    NON_NEGATIVE_KINDS,
    PERIODICITIES,
    Direction,
    Kind,
    Periodicity,
    check_direction,
    check_kind,
    direction_sign,
)

__all__ = [
    "COLUMNS",
    "DIRECTIONS",
    "KINDS",
    "NAMESPACE_SEPARATOR",
    "NON_NEGATIVE_KINDS",
    "PERIODICITIES",
    "Catalogue",
    "Direction",
    "Kind",
    "OutcomeDefinition",
    "Periodicity",
    "build_catalogue",
    "check_direction",
    "check_kind",
    "direction_sign",
    "lab_catalogue",
    "load_catalogue",
]
