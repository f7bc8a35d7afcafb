"""Disclosure control for an evaluation's ``results.json`` before it is published.

Rules (from the policy):

* an evaluation whose analysed cohort (``sample_flow.analysed``) is below ``min_cohort`` is not
  published at all (:class:`~outcomelab.errors.DisclosureError`);
* an outcome or robustness estimate based on fewer than ``min_cohort`` treated persons (a subgroup)
  is withheld: its numbers become ``null`` and the reason is logged;
* person counts are rounded to ``rounding_base``; drop-out reasons with fewer than ``min_cell``
  persons are merged into one line per stage, and that line is hidden if it is still small, so a
  small group cannot be recovered by subtraction either (the stage totals are rounded);
* every change is logged and the log travels with the published file (``disclosure`` key).

Aggregate units (``unit_of_analysis.unit`` other than ``person``: municipalities, schools, states)
follow the persons behind each number, not the number of units: the cohort minimum applies to the
persons the analysed treated units cover (``unit_of_analysis.persons_analysed``), an estimate is
withheld when its treated units cover fewer than ``min_cohort`` persons
(``persons_treated``), and the published statistic of every unit must stand for at least
``min_cell`` persons (``unit_of_analysis.min_unit_persons``). Counts of units are not counts of
persons and are published as they are. A panel of 50 states can therefore be published, a
panel of municipalities whose treated units cover 40 persons cannot.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outcomelab.disclosure.policy import DisclosurePolicy
from outcomelab.disclosure.suppression import Suppression, round_count
from outcomelab.errors import DisclosureError
from outcomelab.vocabulary.texts import t

__all__ = ["PublishedResults", "publishable_results"]

_FLOW_COUNTS = (
    "submitted",
    "valid",
    "eligible",
    "analysed",
    "comparison_pool",
    "comparison_analysed",
)
_ESTIMATE_FIELDS = ("estimate", "std_error", "conf_low", "conf_high", "p_value", "p_value_holm")


@dataclass(frozen=True)
class PublishedResults:
    """Results ready to publish and the log of every change disclosure control made."""

    results: dict[str, Any]
    log: tuple[Suppression, ...]


def _round_counts(entry: dict[str, Any], keys: tuple[str, ...], base: int) -> None:
    for key in keys:
        if isinstance(entry.get(key), int | float) and entry[key] is not None:
            entry[key] = round_count(entry[key], base)


def _withhold_small_estimates(
    entries: list[dict[str, Any]], section: str, policy: DisclosurePolicy, log: list[Suppression]
) -> None:
    for entry in entries:
        n_treated = entry.get("n_treated")
        label = str(entry.get("code") or entry.get("label") or entry.get("outcome") or "?")
        if isinstance(n_treated, int | float) and n_treated < policy.min_cohort:
            for key in _ESTIMATE_FIELDS:
                if key in entry:
                    entry[key] = None
            if "verdict" in entry:
                entry["verdict"] = "withheld"
            for key in ("n_treated", "n_control", "comparison_mean"):
                if key in entry:
                    entry[key] = None
            log.append(
                Suppression(
                    section,
                    label,
                    "estimate",
                    "cohort",
                    f"based on fewer than {policy.min_cohort} treated persons",
                )
            )
        else:
            _round_counts(entry, ("n_treated", "n_control"), policy.rounding_base)


def _protect_flow(
    flow: dict[str, Any], language: str, policy: DisclosurePolicy, log: list[Suppression]
) -> None:
    _round_counts(flow, _FLOW_COUNTS, policy.rounding_base)
    kept: list[dict[str, Any]] = []
    small: dict[str, int] = {}
    for item in flow.get("dropped", []):
        if item["count"] < policy.min_cell:
            small[item["stage"]] = small.get(item["stage"], 0) + int(item["count"])
            if item["count"] > 0:
                log.append(
                    Suppression(
                        "sample_flow",
                        item["stage"],
                        str(item["reason"]),
                        "primary",
                        f"merged: fewer than {policy.min_cell} persons",
                    )
                )
        else:
            kept.append({**item, "count": round_count(item["count"], policy.rounding_base)})
    merged = t("disclosure_other_reasons", language, n=policy.min_cell)
    for stage, count in small.items():
        if count == 0:
            continue
        hidden = count < policy.min_cell
        kept.append(
            {
                "stage": stage,
                "reason": merged,
                "count": None if hidden else round_count(count, policy.rounding_base),
            }
        )
        if hidden:
            log.append(
                Suppression(
                    "sample_flow",
                    stage,
                    "other reasons",
                    "secondary",
                    f"merged drop-outs still fewer than {policy.min_cell} persons",
                )
            )
    flow["dropped"] = kept


def _aggregate_unit(published: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``unit_of_analysis`` block of an aggregate-unit evaluation (None for persons)."""
    unit = published.get("unit_of_analysis")
    if not isinstance(unit, Mapping) or unit.get("unit") in (None, "", "person"):
        return None
    return dict(unit)


def _check_unit_persons(unit: Mapping[str, Any], evaluation: str, policy: DisclosurePolicy) -> None:
    persons = unit.get("persons_analysed")
    if not isinstance(persons, int | float) or persons < policy.min_cohort:
        raise DisclosureError(
            f"Evaluation {evaluation} analysed {unit.get('unit')} units that cover {persons} "
            f"persons; the publication policy requires at least {policy.min_cohort} persons "
            "behind the treated units. It stays unpublished."
        )
    smallest = unit.get("min_unit_persons")
    if not isinstance(smallest, int | float) or smallest < policy.min_cell:
        raise DisclosureError(
            f"Evaluation {evaluation} has a {unit.get('unit')} whose numbers stand for "
            f"{smallest} persons; every unit must cover at least {policy.min_cell} persons to be "
            "published. It stays unpublished; leave out or merge the smallest units."
        )


def _withhold_small_unit_estimates(
    entries: list[dict[str, Any]], section: str, policy: DisclosurePolicy, log: list[Suppression]
) -> None:
    for entry in entries:
        persons = entry.get("persons_treated")
        if isinstance(persons, int | float) and persons < policy.min_cohort:
            for key in (*_ESTIMATE_FIELDS, "comparison_mean"):
                if key in entry:
                    entry[key] = None
            if "verdict" in entry:
                entry["verdict"] = "withheld"
            label = str(entry.get("code") or entry.get("label") or entry.get("outcome") or "?")
            log.append(
                Suppression(
                    section,
                    label,
                    "estimate",
                    "cohort",
                    f"treated units cover fewer than {policy.min_cohort} persons",
                )
            )


def publishable_results(
    results: Mapping[str, Any], policy: DisclosurePolicy | None = None
) -> PublishedResults:
    """Apply the disclosure policy to one evaluation's results.

    Parameters
    ----------
    results
        A ``results.json`` payload (schema 1.0; see ``data_schemas/results/results.md``).
    policy
        Thresholds; the default policy when ``None``.

    Returns
    -------
    PublishedResults
        A deep copy with small estimates withheld, counts rounded and small drop-out groups
        merged or hidden, with a ``disclosure`` block (policy and log); and the log itself.

    Raises
    ------
    DisclosureError
        The analysed cohort is smaller than ``policy.min_cohort`` (for aggregate units: the
        persons the analysed treated units cover), or an aggregate unit covers fewer than
        ``policy.min_cell`` persons.
    """
    policy = policy or DisclosurePolicy()
    published = copy.deepcopy(dict(results))
    flow = published.get("sample_flow") or {}
    analysed = flow.get("analysed")
    evaluation = published.get("evaluation_id", "?")
    unit = _aggregate_unit(published)
    if unit is not None:
        _check_unit_persons(unit, str(evaluation), policy)
        log_units: list[Suppression] = []
        _withhold_small_unit_estimates(
            published.get("outcomes") or [], "outcomes", policy, log_units
        )
        _withhold_small_unit_estimates(
            published.get("robustness") or [], "robustness", policy, log_units
        )
        published["disclosure"] = {
            "policy": policy.to_dict(),
            "log": [s.__dict__ for s in log_units],
        }
        return PublishedResults(results=published, log=tuple(log_units))
    if not isinstance(analysed, int | float) or analysed < policy.min_cohort:
        raise DisclosureError(
            f"Evaluation {evaluation} analysed {analysed} participants; the publication policy "
            f"requires at least {policy.min_cohort}. It stays unpublished; evaluate a larger "
            "cohort or pool several years of participants."
        )
    log: list[Suppression] = []
    _protect_flow(flow, str(published.get("language", "en")), policy, log)
    _withhold_small_estimates(published.get("outcomes") or [], "outcomes", policy, log)
    _withhold_small_estimates(published.get("robustness") or [], "robustness", policy, log)
    published["disclosure"] = {
        "policy": policy.to_dict(),
        "log": [s.__dict__ for s in log],
    }
    return PublishedResults(results=published, log=tuple(log))
