"""Every option of :func:`outcomelab.matching.match` checked up front, in one place.

Each check names the argument and says what is allowed, so that a wrong value never surfaces later
as a NumPy or pandas error (``match(caliper={"age": "5"})`` used to fail inside NumPy).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from outcomelab._checks import check_choice, check_no_missing, check_numeric, require_columns
from outcomelab.errors import ParameterError

__all__ = ["MatchOptions", "check_match_options", "check_option_columns", "column_list"]

METHODS = ("nearest", "optimal", "mahalanobis", "exact", "cem", "subclass")
SCALES = ("logit_sd", "ps_sd", "raw")
ORDERS = ("largest", "smallest", "random", "data")
DISCARDS = ("none", "treated", "control", "both")
ESTIMANDS = ("ATT", "ATC", "ATE")
#: the key of a caliper mapping that means the score (MatchIt's unnamed caliper entry)
SCORE_KEY = "distance"


@dataclass(frozen=True)
class MatchOptions:
    """The checked options of one ``match()`` call (see :func:`match` for their meaning)."""

    method: str
    distance: str
    ratio: int
    replace: bool
    score_caliper: float | None
    covariate_calipers: tuple[tuple[str, float], ...]
    caliper_scale: str
    exact: tuple[str, ...]
    mahvars: tuple[str, ...]
    order: str | None
    discard: str
    estimand: str
    subclass: int
    seed: int | None

    @property
    def uses_score(self) -> bool:
        """Whether a propensity score (fitted or given) is part of the matching."""
        return self.distance != "mahalanobis"


def column_list(argument: str, value: str | Sequence[str] | None) -> tuple[str, ...]:
    """A column argument as a tuple of names: a bare string is one column, never its letters."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ParameterError(
            f"`{argument}` must be a column name or a list of column names; got {value!r}."
        )
    return tuple(value)


def _positive_number(argument: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError(f"`{argument}` must be a positive number; got {value!r}.")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ParameterError(f"`{argument}` must be a positive number; got {value!r}.")
    return number


def _calipers(
    caliper: float | Mapping[str, float] | None,
) -> tuple[float | None, tuple[tuple[str, float], ...]]:
    if caliper is None:
        return None, ()
    if not isinstance(caliper, Mapping):
        return _positive_number("caliper", caliper), ()
    if not caliper:
        raise ParameterError("`caliper` is an empty mapping; give a number or {'age': 5, ...}.")
    score = None
    covariates = []
    for key, width in caliper.items():
        if not isinstance(key, str):
            raise ParameterError(
                f"`caliper` keys must be column names (or {SCORE_KEY!r} for the score); got "
                f"{key!r}."
            )
        value = _positive_number(f"caliper[{key!r}]", width)
        if key == SCORE_KEY:
            score = value
        else:
            covariates.append((key, value))
    return score, tuple(covariates)


def _whole_number(argument: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ParameterError(
            f"`{argument}` must be a whole number of at least {minimum}; got {value!r}."
        )
    return int(value)


def check_match_options(**options: Any) -> MatchOptions:
    """Check every option of ``match()`` (types, allowed values, combinations).

    Raises
    ------
    ParameterError
        Naming the argument, the value given and what is allowed.
    """
    method = options["method"]
    check_choice("method", method, METHODS)
    check_choice("caliper_scale", options["caliper_scale"], SCALES)
    check_choice("discard", options["discard"], DISCARDS)
    check_choice("estimand", options["estimand"], ESTIMANDS)
    if options["order"] is not None:
        check_choice("order", options["order"], ORDERS)
    distance = options["distance"]
    if not isinstance(distance, str):
        raise ParameterError(
            "`distance` must be 'logit', 'probit', 'mahalanobis' or the name of a score column; "
            f"got {distance!r}."
        )
    if method == "mahalanobis":
        distance = "mahalanobis"
    ratio = _whole_number("ratio", options["ratio"], 1)
    subclass = _whole_number("subclass", options["subclass"], 2)
    replace = options["replace"]
    if not isinstance(replace, bool | np.bool_):
        raise ParameterError(f"`replace` must be True or False; got {replace!r}.")
    seed = options["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise ParameterError(f"`seed` must be a whole number or None; got {seed!r}.")
    score_caliper, covariate_calipers = _calipers(options["caliper"])
    mahvars = column_list("mahvars", options["mahvars"])
    opts = MatchOptions(
        method=method,
        distance=distance,
        ratio=ratio,
        replace=bool(replace),
        score_caliper=score_caliper,
        covariate_calipers=covariate_calipers,
        caliper_scale=options["caliper_scale"],
        exact=column_list("exact", options["exact"]),
        mahvars=mahvars,
        order=options["order"],
        discard=options["discard"],
        estimand=options["estimand"],
        subclass=subclass,
        seed=None if seed is None else int(seed),
    )
    _check_combinations(opts)
    return opts


def _check_combinations(o: MatchOptions) -> None:
    _check_pair_rules(o)
    _check_optimal_rules(o)
    _check_subclass_rules(o)
    _check_score_rules(o)


def _check_pair_rules(o: MatchOptions) -> None:
    nearest_like = o.method in ("nearest", "optimal", "mahalanobis")
    if o.estimand == "ATE" and nearest_like:
        raise ParameterError(
            f"estimand='ATE' is not available for method={o.method!r} (as in MatchIt, pair "
            "matching targets the treated or the comparison group); use method='subclass', "
            "'exact' or 'cem', or weighting(estimand='ATE')."
        )
    if o.score_caliper is not None and not o.uses_score:
        raise ParameterError(
            "A score caliper needs a score; Mahalanobis matching here has none. Use "
            "distance='logit' with mahvars=[...] (Mahalanobis within a propensity caliper), or "
            "calipers on covariates only: caliper={'age': 5}."
        )
    if o.mahvars and not (o.method == "nearest" and o.distance != "mahalanobis"):
        raise ParameterError(
            "`mahvars` (Mahalanobis matching within a propensity-score caliper) needs "
            "method='nearest' with a score distance ('logit', 'probit' or a score column)."
        )


def _check_optimal_rules(o: MatchOptions) -> None:
    if o.method == "optimal":
        if o.replace:
            raise ParameterError(
                "Optimal matching is without replacement; use method='nearest' with replace=True."
            )
        if o.score_caliper is not None or o.covariate_calipers:
            raise ParameterError(
                "Optimal pair matching here takes no caliper (every focal unit is matched); use "
                "method='nearest' with a caliper, or discard= to drop units off support."
            )
        if o.order is not None:
            raise ParameterError("`order` has no meaning for optimal matching; leave it out.")


def _check_subclass_rules(o: MatchOptions) -> None:
    if o.method in ("exact", "cem", "subclass"):
        if o.score_caliper is not None or o.covariate_calipers:
            raise ParameterError(f"method={o.method!r} takes no caliper; leave `caliper` out.")
        if o.mahvars:
            raise ParameterError(f"method={o.method!r} takes no `mahvars`.")
    if o.method == "subclass" and o.distance not in ("logit", "probit") and not o.uses_score:
        raise ParameterError("method='subclass' subclassifies on a propensity score.")


def _check_score_rules(o: MatchOptions) -> None:
    if not o.uses_score and o.order in ("largest", "smallest"):
        raise ParameterError(
            f"order={o.order!r} sorts units by their score, and Mahalanobis matching has none; "
            "use order='data' or 'random'."
        )
    if not o.uses_score and o.discard != "none":
        raise ParameterError(
            f"discard={o.discard!r} trims on the propensity score, and Mahalanobis matching has "
            "none; use discard='none' or distance='logit'."
        )


def check_option_columns(data: pd.DataFrame, options: MatchOptions) -> None:
    """Check that the columns named by the options exist, are complete and, for calipers and a
    score column, numeric."""
    calipered = [name for name, _ in options.covariate_calipers]
    score = None if options.distance in ("logit", "probit", "mahalanobis") else options.distance
    require_columns(
        data, exact=list(options.exact), mahvars=list(options.mahvars), caliper=calipered,
        distance=score,
    )  # fmt: skip
    for argument, columns in (("exact", options.exact), ("mahvars", options.mahvars)):
        if columns:
            check_no_missing(data, argument, list(columns))
    if calipered:
        check_numeric(data, "caliper", calipered)
        check_no_missing(data, "caliper", calipered)
    if score is not None:
        check_numeric(data, "distance", score)
        check_no_missing(data, "distance", score)
