"""Export a contract and its settlement in the field names of the INDIGO impact-bond data standard.

Field names, nesting (``{"value": ...}`` wrappers) and code values follow the project schema of the
INDIGO data standard by the Government Outcomes Lab (University of Oxford) and Open Data Services:
``schema/project.json`` in https://github.com/INDIGO-Initiative/indigo-data-standard (sections
``outcome_metrics``, ``outcome_pricings``, ``outcome_payments``, ``results`` and
``overall_project_finance``). Only the parts outcomelab knows are written; INDIGO's other sections
(organisations, documents, transactions, ...) are left to the data's publisher.
"""

from __future__ import annotations

from typing import Any

from outcomelab.contracts.model import Contract
from outcomelab.contracts.settlement import Settlement

__all__ = ["INDIGO_SOURCE", "to_indigo"]

INDIGO_SOURCE = (
    "INDIGO impact bond data standard, project schema (schema/project.json), "
    "https://github.com/INDIGO-Initiative/indigo-data-standard"
)


def _v(value: Any) -> dict[str, Any]:
    return {"value": value}


def _metric_records(contract: Contract) -> list[dict[str, Any]]:
    out = []
    for m in contract.metrics:
        record: dict[str, Any] = {
            "id": m.id,
            "definition": _v(m.definition or m.name),
            "target_population": _v(m.target_population or None),
            "targeted_number_of_service_users_or_beneficiaries_total": _v(
                m.participants or contract.participants
            ),
            "unit_type_of_targeted_service_users_or_beneficiaries": _v("Individual"),
            "outcome_metric_target": _v(m.target or None),
            "outcome_validation_method": _v(m.validation_method),
            "data_source_for_outcome_validation": _v(m.data_source or None),
            "notes": f"outcomelab payment rule: {m.payment_rule}; outcome code: {m.outcome}",
        }
        out.append(record)
    return out


def _pricing_records(contract: Contract) -> list[dict[str, Any]]:
    out = []
    for m in contract.metrics:
        rule = (
            "price per verified outcome (rate card)"
            if m.payment_rule == "rate_card"
            else "price per unit of improvement over the comparison group x participants, paid "
            f"only if significant at {m.significance_level:g}"
            + (" (on the lower confidence bound)" if m.use_lower_bound else "")
        )
        out.append(
            {
                "outcome_metric_id": _v(m.id),
                "currency": _v(contract.currency),
                "price_per_unit": {"amount": _v(m.price_per_unit_sek)},
                # INDIGO types this amount as text
                "maximum_price_if_all_targets_achieved": {
                    "amount": _v(None if m.cap_sek is None else f"{m.cap_sek:g}")
                },
                "price_description": _v(rule),
            }
        )
    return out


def _payment_records(settlement: Settlement) -> list[dict[str, Any]]:
    out = []
    for r in settlement.payments.to_dict(orient="records"):
        out.append(
            {
                "outcome_metric_id": _v(r["metric_id"]),
                "period": {
                    "start_date": _v(r["period_start"]),
                    "end_date": _v(r["period_end"]),
                },
                "payer_organisation_id": _v(r["payer"]),
                "recipient_organisation_id": _v(r["recipient"]),
                "type": _v("Actual" if r["type"] == "actual" else "Planned"),
                "money": {
                    "currency": _v(settlement.contract.currency),
                    "amount": _v(float(r["amount_sek"])),
                },
            }
        )
    return out


def _result_records(settlement: Settlement) -> list[dict[str, Any]]:
    contract = settlement.contract
    end = contract.payment_schedule[-1].period_end if contract.payment_schedule else None
    out = []
    for m, step in zip(contract.metrics, settlement.steps.to_dict(orient="records"), strict=True):
        record: dict[str, Any] = {
            "outcome_metric_id": _v(m.id),
            "result_level": _v("Outcome level"),
            "result_type": _v("Final" if settlement.payment_type == "actual" else "Interim"),
            "period": {"start_date": _v(None), "end_date": _v(end)},
            "outcomes_achieved": _v(str(step["basis"])),
            "number_engaged_in_impact_bond": _v(m.participants or contract.participants),
            "other_description_of_result": _v(
                f"Outcome payment due {float(step['net_sek']):.0f} {contract.currency} "
                f"(gross {float(step['gross_sek']):.0f}; caps applied: "
                f"{step['caps_applied'] or 'none'})"
            ),
        }
        if m.payment_rule == "rate_card":
            record["number_with_positive_social_outcomes"] = _v(float(step["quantity"]))
        out.append(record)
    return out


def to_indigo(settlement: Settlement) -> dict[str, Any]:
    """The contract and its settlement as an INDIGO project document (JSON-safe dict).

    Parameters
    ----------
    settlement
        From :func:`~outcomelab.contracts.settle`.

    Returns
    -------
    dict
        Keys ``name``, ``overall_project_finance``, ``outcome_metrics``, ``outcome_pricings``,
        ``outcome_payments``, ``results`` with INDIGO's field names.

    References
    ----------
    Government Outcomes Lab and Open Data Services. INDIGO impact bond data standard,
    ``schema/project.json``.
    """
    c = settlement.contract
    finance: dict[str, Any] = {
        "maximum_potential_outcome_payment_v2": {
            "currency": _v(c.currency),
            "amount": _v(c.total_cap_sek),
        },
        "total_outcome_payments_made": {
            "currency": _v(c.currency),
            "amount": _v(settlement.total_sek if settlement.payment_type == "actual" else None),
        },
    }
    if c.investment is not None:
        finance["total_investment_commitment"] = {
            "currency": _v(c.currency),
            "amount": {"exact": _v(c.investment.principal_sek)},
        }
        # INDIGO types these as text
        finance["maximum_potential_return"] = _v(f"{100 * c.investment.max_return:g}%")
        finance["maximum_potential_loss"] = _v("100%")
    return {
        "name": _v(c.name),
        "overall_project_finance": finance,
        "outcome_metrics": _metric_records(c),
        "outcome_pricings": _pricing_records(c),
        "outcome_payments": _payment_records(settlement),
        "results": _result_records(settlement),
        "_source": INDIGO_SOURCE,
    }
