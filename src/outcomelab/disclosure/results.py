"""Disclosure control for an evaluation's ``results.json`` before it is published.

The published copy is **built from an allow-list**, field by field, from what the rules below have
passed; nothing is copied from the unpublished results and then deleted. A field that is not on
the list (run settings, local paths, seeds of simulations, totals that scale with the exact number
of participants, figures drawn from unpublished numbers) never reaches the published copy, also
when a later version of the report template adds it.

Rules (from the policy):

* an evaluation whose analysed cohort (``sample_flow.analysed``) is below ``min_cohort`` is not
  published at all (:class:`~outcomelab.errors.DisclosureError`);
* an outcome or robustness estimate based on fewer than ``min_cohort`` treated persons (a subgroup)
  or on fewer than ``min_cell`` comparison persons is withheld: its numbers become ``null``, its
  verdict ``withheld``, and the reason is logged;
* person counts are rounded to ``rounding_base``; drop-out reasons with fewer than ``min_cell``
  persons are merged into one line per stage, and that line is hidden if it is still small, so a
  small group cannot be recovered by subtraction either (the stage totals are rounded);
* event-study rows are published only with the number of treated persons behind each, when it
  reaches ``min_cohort`` (a row of one start cohort is a subgroup);
* the socio-economic value is published only when every effect it values is published, and then
  for the **rounded** number of participants: returns scale with the number of participants, so
  totals computed for the exact number would reveal it (and with it the persons rounding hides);
  flows by year and break-even effects are left out;
* free text that an estimator wrote about a failure is replaced by a fixed sentence;
* the texts in each language (``texts.sv``, ``texts.en``) follow the same rules: the reasons of
  merged drop-out lines become the merged line's sentence in that language;
* every change is logged and the log travels with the published file (``disclosure`` key).

Aggregate units (``unit_of_analysis.unit`` other than ``person``: municipalities, schools, states)
follow the persons behind each number, not the number of units: the cohort minimum applies to the
persons the analysed treated units cover (``unit_of_analysis.persons_analysed``), an estimate is
withheld when its treated units cover fewer than ``min_cohort`` persons (``persons_treated``),
and the published statistic of every unit must stand for at least ``min_cell`` persons
(``unit_of_analysis.min_unit_persons``). Counts of units are not counts of persons and are
published as they are (unit counts are neither rounded nor merged). A panel of 50 states can
therefore be published, a panel of municipalities whose treated units cover 40 persons cannot.
The synthetic designs' block (``synthetic``) is published with the donor units and weights, the
yearly treated-versus-synthetic series, synthetic control's result and the HonestDiD sensitivity
(public aggregates), without the placebo draws, the per-unit placebo table and free-text notes,
and not at all when its outcome's estimate is withheld.
"""

from __future__ import annotations

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

# -- the allow-list: which fields of each part are published as they are -------------------------
_TOP = ("schema_version", "evaluation_id", "language", "outcomelab_version")
_INTERVENTION = (
    "id",
    "name",
    "target_group",
    "funding_form",
    "start_date",
    "end_date",
    "description",
)
_ORGANISATION = ("name", "type", "code")
_DESIGN = (
    "requested",
    "chosen",
    "estimator",
    "reason",
    "control_group",
    "follow_up_months",
    "alpha",
    "seed",
    "covariates",
    "cohorts",
    "pre_periods",
)
_EVIDENCE = ("sms_level", "sms_reasons", "wwc_verdict", "wwc_reasons", "max_abs_smd")
_BASELINE = ("covariate", "smd", "kind", "verdict")
_OUTCOME_LABELS = ("code", "name", "primary", "kind", "unit", "direction", "estimand", "method")
_OUTCOME_NUMBERS = (*_ESTIMATE_FIELDS, "significant", "verdict", "comparison_mean")
_ROBUSTNESS_LABELS = ("outcome", "label", "method", "control_group", "covariates")
_PRETREND = ("statistic", "df", "p_value")
_BALANCE = ("max_abs_smd", "wwc_verdict")
_EVENT_ROW = ("rel_time", "estimate", "conf_low", "conf_high")
_HEADLINE = ("text", "verdict", "outcome")
_TEXTS = (
    "headline",
    "design_reason",
    "sms_reasons",
    "wwc_reasons",
    "outcome_names",
    "outcome_units",
)
_PARAMETERS = (
    "alpha",
    "seed",
    "design",
    "control_group",
    "follow_up_months",
    "primary_outcome",
    "secondary_outcomes",
    "discount_rate",
    "horizon_years",
    "lang",
    "intervention_id",
)
_ECONOMICS_SETTINGS = ("discount_rate", "horizon_years", "price_year")
_ECONOMICS_PLAIN = ("unit_values_version", "uses_illustrative", "notes")
_UNIT_VALUE = (
    "outcome_code",
    "payer",
    "agency",
    "source",
    "unit",
    "value_sek",
    "price_year",
    "value_sek_in_price_year",
    "illustrative",
    "notes",
)
_EFFECT = ("outcome", "direction", "valued", "estimate", "std_error")
# the synthetic designs of aggregate units (issue 11): the headline numbers, which units make up
# the synthetic comparison and their weights, the yearly treated-versus-synthetic series, synthetic
# control's estimate and permutation result, and the HonestDiD sensitivity. Left out: the 200
# placebo estimates and the per-unit placebo table (bulky; the report summarises them) and notes
# (free text from failures).
_SYNTHETIC = (
    "outcome",
    "design",
    "method",
    *_ESTIMATE_FIELDS,
    "n_treated",
    "n_control",
    "donors_used",
    "maryland_level",
)
_DONOR = ("unit_id", "name", "weight", "weight_sc")
_TRAJECTORY = (
    "cohort",
    "period",
    "post",
    "treated",
    "synthetic",
    "gap",
    "observed",
    "counterfactual",
)
_SYNTHETIC_CONTROL = ("estimate", "p_value", "exact_pre_fit", "rank", "units_ranked")
_HONEST = (
    "method",
    "alpha",
    "num_pre",
    "num_post",
    "l_vec",
    "estimate",
    "std_error",
    "original",
    "breakdown",
    "holds_on_whole_grid",
)
_HONEST_ROW = ("m", "lb", "ub")


@dataclass(frozen=True)
class PublishedResults:
    """Results ready to publish and the log of every change disclosure control made."""

    results: dict[str, Any]
    log: tuple[Suppression, ...]


def _pick(source: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The allowed keys of a mapping (those present); anything else is left behind."""
    if not isinstance(source, Mapping):
        return {}
    return {key: source[key] for key in keys if key in source}


def _count(value: Any, policy: DisclosurePolicy) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return round_count(value, policy.rounding_base)


def _small(entry: Mapping[str, Any], policy: DisclosurePolicy, units: bool) -> str | None:
    """Why an estimate must be withheld, or None (``units``: counts are of aggregate units)."""
    if units:
        persons = entry.get("persons_treated")
        if isinstance(persons, int | float) and persons < policy.min_cohort:
            return f"treated units cover fewer than {policy.min_cohort} persons"
        return None
    treated, control = entry.get("n_treated"), entry.get("n_control")
    if isinstance(treated, int | float) and treated < policy.min_cohort:
        return f"based on fewer than {policy.min_cohort} treated persons"
    if isinstance(control, int | float) and 0 < control < policy.min_cell:
        return f"compared with fewer than {policy.min_cell} persons"
    return None


def _estimates(
    entries: Any,
    section: str,
    labels: tuple[str, ...],
    numbers: tuple[str, ...],
    lang: str,
    policy: DisclosurePolicy,
    log: list[Suppression],
    units: bool,
) -> tuple[list[dict[str, Any]], set[str]]:
    """Published outcome or robustness entries, and the codes whose estimates were withheld."""
    published: list[dict[str, Any]] = []
    withheld: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping):
            continue
        out = _pick(entry, labels)
        name = str(entry.get("code") or entry.get("outcome") or "?")
        label = str(entry.get("code") or entry.get("label") or name)
        reason = _small(entry, policy, units)
        if reason is not None:
            out.update({key: None for key in numbers if key in entry})
            out.update({key: None for key in ("n_treated", "n_control") if key in entry})
            if "verdict" in entry:
                out["verdict"] = "withheld"
            if "significant" in entry:
                out["significant"] = False
            withheld.add(name)
            log.append(Suppression(section, label, "estimate", "cohort", reason))
        else:
            out.update(_pick(entry, numbers))
            for key in ("n_treated", "n_control"):
                if key in entry:
                    out[key] = entry[key] if units else _count(entry[key], policy)
        if "error" in entry:
            failed = entry["error"] is not None
            out["error"] = t("disclosure_not_estimable", lang) if failed else None
        published.append(out)
    return published, withheld


def _flow(
    flow: Mapping[str, Any],
    lang: str,
    policy: DisclosurePolicy,
    log: list[Suppression],
    units: bool,
) -> tuple[dict[str, Any], list[int | None]]:
    """The published sample flow, and for each published drop-out line the position of the line
    it shows in ``flow["dropped"]`` (``None`` for a merged line)."""
    dropped = list(flow.get("dropped") or [])
    if units:  # counts of municipalities or states, not of persons
        return {
            **_pick(flow, _FLOW_COUNTS),
            "dropped": [_pick(d, ("stage", "reason", "count")) for d in dropped],
        }, list(range(len(dropped)))
    published = {key: _count(flow[key], policy) for key in _FLOW_COUNTS if key in flow}
    kept: list[dict[str, Any]] = []
    sources: list[int | None] = []
    small: dict[str, int] = {}
    for position, item in enumerate(dropped):
        count = int(item["count"])
        if count < policy.min_cell:
            small[item["stage"]] = small.get(item["stage"], 0) + count
            if count > 0:
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
            kept.append(
                {
                    "stage": item["stage"],
                    "reason": item["reason"],
                    "count": round_count(count, policy.rounding_base),
                }
            )
            sources.append(position)
    merged = t("disclosure_other_reasons", lang, n=policy.min_cell)
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
        sources.append(None)
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
    published["dropped"] = kept
    return published, sources


def _texts(
    results: Mapping[str, Any],
    sources: list[int | None],
    robustness: int,
    policy: DisclosurePolicy,
) -> dict[str, Any] | None:
    """The published texts in each language: the allowed fields, the drop-out reasons of the
    published lines (a merged line's sentence in that language) and the robustness labels."""
    given = results.get("texts")
    if not isinstance(given, Mapping):
        return None
    published: dict[str, Any] = {}
    for lang in ("sv", "en"):
        words = given.get(lang)
        if not isinstance(words, Mapping):
            return None
        reasons = list(words.get("dropped_reasons") or [])
        labels = list(words.get("robustness_labels") or [])
        if len(labels) != robustness or any(i is not None and i >= len(reasons) for i in sources):
            return None  # texts that do not fit the numbers are not published
        merged = t("disclosure_other_reasons", lang, n=policy.min_cell)
        published[lang] = {
            **_pick(words, _TEXTS),
            "dropped_reasons": [merged if i is None else reasons[i] for i in sources],
            "robustness_labels": labels,
        }
    return published


def _diagnostics(
    diagnostics: Any, policy: DisclosurePolicy, log: list[Suppression]
) -> dict[str, Any]:
    if not isinstance(diagnostics, Mapping):
        return {}
    published: dict[str, Any] = {}
    if "pretrend" in diagnostics:
        pretrend = diagnostics["pretrend"]
        published["pretrend"] = None if pretrend is None else _pick(pretrend, _PRETREND)
    if "balance" in diagnostics:
        balance = diagnostics["balance"]
        published["balance"] = None if balance is None else _pick(balance, _BALANCE)
    rows = diagnostics.get("event_study")
    if isinstance(rows, list):
        kept = []
        for row in rows:
            treated = row.get("n_treated") if isinstance(row, Mapping) else None
            if isinstance(treated, int | float) and treated >= policy.min_cohort:
                kept.append({**_pick(row, _EVENT_ROW), "n_treated": _count(treated, policy)})
        if len(kept) < len(rows):
            log.append(
                Suppression(
                    "diagnostics",
                    "event_study",
                    "rows",
                    "cohort",
                    f"{len(rows) - len(kept)} event-time estimate(s) without at least "
                    f"{policy.min_cohort} treated persons behind them",
                )
            )
        if kept:
            published["event_study"] = kept
    return published


def _economics(
    economics: Any,
    withheld: set[str],
    published_outcomes: set[str],
    analysed: Any,
    policy: DisclosurePolicy,
    log: list[Suppression],
) -> dict[str, Any] | None:
    """The socio-economic value for the rounded number of participants, or None.

    The number of participants the valuation used is ``settings.participants``; without it, the
    analysed count (the report values the effect on the analysed participants).
    """
    if not isinstance(economics, Mapping):
        return None
    effects = [e for e in economics.get("effects") or [] if isinstance(e, Mapping)]
    valued = {str(e.get("outcome")) for e in effects if e.get("valued")}
    blocked = sorted(valued & withheld)
    settings = economics.get("settings") if isinstance(economics.get("settings"), Mapping) else {}
    exact = settings.get("participants") if isinstance(settings, Mapping) else None
    if exact is None:
        exact = analysed
    if blocked or not isinstance(exact, int | float) or exact <= 0:
        detail = (
            f"values the withheld estimate(s) of {', '.join(blocked)}"
            if blocked
            else "the number of participants behind it is not recorded"
        )
        log.append(Suppression("economics", "all", "value", "cohort", detail))
        return None
    rounded = round_count(exact, policy.rounding_base)
    scale = rounded / float(exact)
    published: dict[str, Any] = {
        **_pick(settings, _ECONOMICS_SETTINGS),
        **_pick(economics, ("discount_rate", "horizon_years")),
        **_pick(economics, _ECONOMICS_PLAIN),
        "participants": rounded,
        "effects": [
            _pick(e, _EFFECT)
            for e in effects
            if str(e.get("outcome")) in published_outcomes and str(e.get("outcome")) not in withheld
        ],
        "unit_values_used": [
            _pick(u, _UNIT_VALUE) for u in economics.get("unit_values_used") or []
        ],
        "payers": [
            _payer_for(p, scale) for p in economics.get("payers") or [] if isinstance(p, Mapping)
        ],
    }
    total = next((p for p in published["payers"] if p.get("payer") == "total"), None)
    if total is not None:
        published.update(_pick(total, ("npv_sek", "bcr", "roi", "payback_year")))
    log.append(
        Suppression(
            "economics",
            "all",
            "totals",
            "rounding",
            f"computed for the rounded number of participants (to {policy.rounding_base}); "
            "flows by year and break-even effects are not published",
        )
    )
    return published


def _scaled(value: Any, scale: float) -> float | None:
    return None if not isinstance(value, int | float) else float(value) * scale


def _payer_for(payer: Mapping[str, Any], scale: float) -> dict[str, Any]:
    """One payer's value for ``scale`` times the participants (returns scale, costs do not).

    The net present value is ``returns - costs``; returns are proportional to the number of
    participants and costs are not, so every quantile of the simulated value moves as
    ``(npv + costs) * scale - costs`` and its spread as ``sd * scale``.
    """
    costs = payer.get("pv_costs_sek")
    returns = _scaled(payer.get("pv_returns_sek"), scale)
    out: dict[str, Any] = {"payer": payer.get("payer"), "payback_year": payer.get("payback_year")}
    if isinstance(costs, int | float):
        out["pv_costs_sek"] = float(costs)  # costs do not depend on the number of participants
    if not isinstance(costs, int | float) or returns is None:
        return out
    out["pv_returns_sek"] = returns
    out["npv_sek"] = returns - costs
    out["bcr"] = returns / costs if costs else None
    out["roi"] = (returns - costs) / costs if costs else None
    for key in ("npv_low", "npv_high", "npv_low_analytic", "npv_high_analytic"):
        value = payer.get(key)
        if isinstance(value, int | float):
            out[key] = (float(value) + costs) * scale - costs
    if isinstance(payer.get("npv_sd"), int | float):
        out["npv_sd"] = float(payer["npv_sd"]) * scale
    return out


def _rows(rows: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return (
        [_pick(r, keys) for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
    )


def _synthetic(block: Any, withheld: set[str], log: list[Suppression]) -> dict[str, Any] | None:
    """The synthetic design's block (aggregate units), or None when its outcome is withheld.

    Municipal (regional, state) statistics and the donor weights built from them are public
    aggregates, not personal data; the persons behind every unit were checked before
    (``min_unit_persons``), and the treated units' series goes when the headline estimate is
    withheld (it would reveal it).
    """
    if not isinstance(block, Mapping):
        return None
    if str(block.get("outcome")) in withheld:
        log.append(
            Suppression(
                "synthetic",
                str(block.get("outcome")),
                "all",
                "cohort",
                "the synthetic design's outcome estimate is withheld",
            )
        )
        return None
    out = _pick(block, _SYNTHETIC)
    if "donors" in block:
        out["donors"] = _rows(block["donors"], _DONOR)
    out["trajectory"] = _rows(block.get("trajectory"), _TRAJECTORY)
    control = block.get("synthetic_control")
    if isinstance(control, Mapping):
        out["synthetic_control"] = _pick(control, _SYNTHETIC_CONTROL)
    honest = block.get("honest_did")
    if isinstance(honest, Mapping):
        out["honest_did"] = {
            **_pick(honest, _HONEST),
            "table": _rows(honest.get("table"), _HONEST_ROW),
        }
    return out


def _aggregate_unit(results: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``unit_of_analysis`` block of an aggregate-unit evaluation (None for persons)."""
    unit = results.get("unit_of_analysis")
    if not isinstance(unit, Mapping) or unit.get("unit") in (None, "", "person"):
        return None
    return unit


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


def _sections(
    results: Mapping[str, Any], policy: DisclosurePolicy, log: list[Suppression]
) -> dict[str, Any]:
    lang = str(results.get("language")) if results.get("language") in ("sv", "en") else "en"
    published: dict[str, Any] = _pick(results, _TOP)
    intervention = results.get("intervention") or {}
    published["intervention"] = {
        **_pick(intervention, _INTERVENTION),
        "organisation": _pick(intervention.get("organisation"), _ORGANISATION),
    }
    submission = results.get("submission") or {}
    published["submission"] = _pick(submission, ("id", "version_hash"))
    published["design"] = _pick(results.get("design"), _DESIGN)
    evidence = _pick(results.get("evidence"), _EVIDENCE)
    baseline = (results.get("evidence") or {}).get("baseline")
    if isinstance(baseline, list):
        evidence["baseline"] = [_pick(b, _BASELINE) for b in baseline]
    published["evidence"] = evidence
    unit = _aggregate_unit(results)
    units = unit is not None
    if unit is not None:
        published["unit_of_analysis"] = {
            **_pick(unit, ("unit", "weight")),
            "persons_analysed": _count(unit.get("persons_analysed"), policy),
        }
    flow = results.get("sample_flow") or {}
    published["sample_flow"], sources = _flow(flow, lang, policy, log, units)
    outcomes, withheld = _estimates(
        results.get("outcomes"),
        "outcomes",
        _OUTCOME_LABELS,
        _OUTCOME_NUMBERS,
        lang,
        policy,
        log,
        units,
    )
    published["outcomes"] = outcomes
    published["robustness"], _ = _estimates(
        results.get("robustness"),
        "robustness",
        _ROBUSTNESS_LABELS,
        _ESTIMATE_FIELDS,
        lang,
        policy,
        log,
        units,
    )
    published["diagnostics"] = _diagnostics(results.get("diagnostics"), policy, log)
    codes = {str(o.get("code")) for o in outcomes}
    published["economics"] = _economics(
        results.get("economics"), withheld, codes, flow.get("analysed"), policy, log
    )
    if units and "synthetic" in results:
        published["synthetic"] = _synthetic(results.get("synthetic"), withheld, log)
    published["headline"] = _pick(results.get("headline"), _HEADLINE)
    texts = _texts(results, sources, len(published["robustness"]), policy)
    if texts is not None:
        published["texts"] = texts
    published["parameters"] = _pick(results.get("parameters"), _PARAMETERS)
    return published


def publishable_results(
    results: Mapping[str, Any], policy: DisclosurePolicy | None = None
) -> PublishedResults:
    """Build the published copy of one evaluation's results from the allow-list.

    Parameters
    ----------
    results
        A ``results.json`` payload (schema 1.0; see ``data_schemas/results/results.md``).
    policy
        Thresholds; the default policy when ``None``.

    Returns
    -------
    PublishedResults
        A new dict holding only the allowed fields, with small estimates withheld, counts
        rounded, small drop-out groups merged or hidden and the socio-economic value computed for
        the rounded number of participants, plus a ``disclosure`` block (policy and log); and the
        log itself. Nothing of ``results`` is shared with it.

    Raises
    ------
    DisclosureError
        The analysed cohort is smaller than ``policy.min_cohort`` (for aggregate units: the
        persons the analysed treated units cover), or an aggregate unit covers fewer than
        ``policy.min_cell`` persons.
    """
    policy = policy or DisclosurePolicy()
    flow = results.get("sample_flow") or {}
    analysed = flow.get("analysed") if isinstance(flow, Mapping) else None
    evaluation = results.get("evaluation_id", "?")
    unit = _aggregate_unit(results)
    if unit is not None:
        _check_unit_persons(unit, str(evaluation), policy)
    elif not isinstance(analysed, int | float) or analysed < policy.min_cohort:
        raise DisclosureError(
            f"Evaluation {evaluation} analysed {analysed} participants; the publication policy "
            f"requires at least {policy.min_cohort}. It stays unpublished; evaluate a larger "
            "cohort or pool several years of participants."
        )
    log: list[Suppression] = []
    published = _sections(results, policy, log)
    published["disclosure"] = {
        "policy": policy.to_dict(),
        "log": [dict(s.__dict__) for s in log],
    }
    return PublishedResults(results=published, log=tuple(log))
