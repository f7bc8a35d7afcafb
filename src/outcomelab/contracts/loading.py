"""Read an outcome contract from YAML into a :class:`~outcomelab.contracts.model.Contract`.

Every error names the file, the line and the field, e.g. ``contract.yaml line 14:
outcome_metrics[1].price_per_unit_sek must be a number >= 0, got 'tio'.``
"""

from __future__ import annotations

import re
from pathlib import Path

from outcomelab.contracts.model import (
    COUNTERFACTUAL_METHODS,
    PARTY_ROLES,
    PAYMENT_RULES,
    VALIDATION_METHODS,
    Contract,
    Investment,
    OutcomeMetric,
    Party,
    PaymentDate,
)
from outcomelab.contracts.yaml_nodes import Node, compose_file
from outcomelab.errors import ReadError

__all__ = ["CONTRACT_FIELDS", "METRIC_FIELDS", "load_contract", "parse_contract"]

CONTRACT_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "description",
    "currency",
    "participants",
    "parties",
    "investment",
    "caps",
    "significance_level",
    "outcome_metrics",
    "payment_schedule",
    "assumptions",
    "sources",
)
METRIC_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "outcome",
    "definition",
    "target_population",
    "target",
    "validation_method",
    "data_source",
    "payment_rule",
    "price_per_unit_sek",
    "cap_sek",
    "payer",
    "recipient",
    "significance_level",
    "use_lower_bound",
    "participants",
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _method_key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


_METHODS = {_method_key(m): m for m in VALIDATION_METHODS}


def _opt_text(fields: dict[str, Node], key: str, default: str = "") -> str:
    node = fields.get(key)
    return default if node is None or node.is_null else node.string()


def _opt_number(fields: dict[str, Node], key: str, **bounds: float | bool) -> float | None:
    node = fields.get(key)
    return None if node is None or node.is_null else node.number(**bounds)  # type: ignore[arg-type]


def _date(node: Node) -> str:
    value = node.string()
    if not _DATE.match(value):
        raise node.error(f"must be a date written YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}.")
    return value


def _parties(node: Node) -> tuple[Party, ...]:
    parties = []
    seen: set[str] = set()
    for item in node.sequence(min_items=1):
        f = item.mapping(("id", "name", "role"), required=("id", "role"))
        pid = f["id"].string()
        if pid in seen:
            raise f["id"].error(f"repeats the party id {pid!r}; party ids must be unique.")
        seen.add(pid)
        parties.append(Party(pid, _opt_text(f, "name", pid), f["role"].string(choices=PARTY_ROLES)))
    return tuple(parties)


def _party_ref(node: Node, parties: tuple[Party, ...], roles: tuple[str, ...] | None = None) -> str:
    pid = node.string()
    match = [p for p in parties if p.id == pid]
    if not match:
        known = ", ".join(p.id for p in parties)
        raise node.error(f"names the party {pid!r}, which is not under parties ({known}).")
    if roles is not None and match[0].role not in roles:
        raise node.error(
            f"names {pid!r}, whose role is {match[0].role!r}; it must be a party with the role "
            f"{' or '.join(roles)}."
        )
    return pid


def _validation_method(node: Node) -> str:
    value = node.string()
    method = _METHODS.get(_method_key(value))
    if method is None:
        raise node.error(
            "must be one of the INDIGO validation methods "
            f"({'; '.join(VALIDATION_METHODS)}), got {value!r}."
        )
    return method


def _metric(
    item: Node,
    parties: tuple[Party, ...],
    default_level: float,
    default_recipient: str | None,
) -> OutcomeMetric:
    f = item.mapping(
        METRIC_FIELDS,
        required=("id", "outcome", "validation_method", "payment_rule", "price_per_unit_sek"),
    )
    rule = f["payment_rule"].string(choices=PAYMENT_RULES)
    method = _validation_method(f["validation_method"])
    if rule == "counterfactual" and method not in COUNTERFACTUAL_METHODS:
        raise f["payment_rule"].error(
            f"is 'counterfactual', which needs a comparison group, but validation_method is "
            f"{method!r}; use a validation method among {', '.join(COUNTERFACTUAL_METHODS)} or "
            "the payment rule 'rate_card'."
        )
    payers = [p.id for p in parties if p.role == "outcome_payer"]
    if "payer" in f:
        payer = _party_ref(f["payer"], parties, ("outcome_payer",))
    elif len(payers) == 1:
        payer = payers[0]
    else:
        raise item.error(
            "lacks the field payer; name the outcome payer (needed when the contract has "
            f"{len(payers)} parties with the role outcome_payer)."
        )
    if "recipient" in f:
        recipient = _party_ref(f["recipient"], parties)
    elif default_recipient is not None:
        recipient = default_recipient
    else:
        raise item.error(
            "lacks the field recipient; name the party outcome payments go to (there is no "
            "investor or service provider to default to)."
        )
    metric_participants = _opt_number(f, "participants", minimum=1, integer=True)
    level = _opt_number(
        f,
        "significance_level",
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
        exclusive_maximum=True,
    )
    lower = f["use_lower_bound"].boolean() if "use_lower_bound" in f else False
    mid = f["id"].string()
    return OutcomeMetric(
        id=mid,
        name=_opt_text(f, "name", mid),
        outcome=f["outcome"].string(),
        definition=_opt_text(f, "definition"),
        target_population=_opt_text(f, "target_population"),
        target=_opt_text(f, "target"),
        validation_method=method,
        data_source=_opt_text(f, "data_source"),
        payment_rule=rule,
        price_per_unit_sek=f["price_per_unit_sek"].number(minimum=0),
        cap_sek=_opt_number(f, "cap_sek", minimum=0),
        payer=payer,
        recipient=recipient,
        significance_level=default_level if level is None else level,
        use_lower_bound=lower,
        participants=None if metric_participants is None else int(metric_participants),
        line=item.line,
    )


def _schedule(node: Node | None) -> tuple[PaymentDate, ...]:
    if node is None or node.is_null:
        return ()
    dates = []
    for item in node.sequence(min_items=1):
        f = item.mapping(("period_start", "period_end", "share"), required=("period_end", "share"))
        start = (
            None
            if "period_start" not in f or f["period_start"].is_null
            else _date(f["period_start"])
        )
        dates.append(
            PaymentDate(start, _date(f["period_end"]), f["share"].number(minimum=0, maximum=1))
        )
    total = sum(d.share for d in dates)
    if abs(total - 1.0) > 1e-9:
        raise node.error(
            f"shares must add up to 1 (all of the settled payments); they add up to {total:g}."
        )
    return tuple(dates)


def parse_contract(text: str, file: str = "contract.yaml") -> Contract:
    """Parse contract YAML ``text``; ``file`` is the name used in error messages.

    Parameters
    ----------
    text
        The YAML document.
    file
        Name of the file the text came from (shown in errors).

    Returns
    -------
    Contract

    Raises
    ------
    ContractError
        Naming the file, the line and the field for every kind of mistake: invalid YAML, unknown or
        missing fields, wrong types, values out of range, references to parties that do not exist,
        payment shares that do not add up to 1, a counterfactual payment without a comparison group.
    """
    root = compose_file(text, file)
    f = root.mapping(
        CONTRACT_FIELDS, required=("id", "name", "participants", "parties", "outcome_metrics")
    )
    currency = _opt_text(f, "currency", "SEK")
    if currency != "SEK":
        raise f["currency"].error(f"must be 'SEK' (amounts are in kronor), got {currency!r}.")
    participants = int(f["participants"].number(minimum=1, integer=True))
    parties = _parties(f["parties"])
    investment = None
    if "investment" in f and not f["investment"].is_null:
        inv = f["investment"].mapping(
            ("investor", "principal_sek", "max_return"),
            required=("investor", "principal_sek", "max_return"),
        )
        investment = Investment(
            investor=_party_ref(inv["investor"], parties, ("investor",)),
            principal_sek=inv["principal_sek"].number(minimum=0),
            max_return=inv["max_return"].number(minimum=0),
        )
    total_cap = per_participant_cap = None
    if "caps" in f and not f["caps"].is_null:
        caps = f["caps"].mapping(("total_sek", "per_participant_sek"))
        total_cap = _opt_number(caps, "total_sek", minimum=0)
        per_participant_cap = _opt_number(caps, "per_participant_sek", minimum=0)
    level = _opt_number(
        f,
        "significance_level",
        minimum=0,
        maximum=1,
        exclusive_minimum=True,
        exclusive_maximum=True,
    )
    providers = [p.id for p in parties if p.role == "service_provider"]
    default_recipient = (
        investment.investor if investment is not None else (providers[0] if providers else None)
    )
    metrics = []
    seen: set[str] = set()
    for item in f["outcome_metrics"].sequence(min_items=1):
        metric = _metric(item, parties, 0.05 if level is None else level, default_recipient)
        if metric.id in seen:
            raise item.error(f"repeats the metric id {metric.id!r}; metric ids must be unique.")
        seen.add(metric.id)
        metrics.append(metric)
    return Contract(
        id=f["id"].string(),
        name=f["name"].string(),
        description=_opt_text(f, "description"),
        currency=currency,
        participants=participants,
        parties=parties,
        metrics=tuple(metrics),
        investment=investment,
        total_cap_sek=total_cap,
        per_participant_cap_sek=per_participant_cap,
        payment_schedule=_schedule(f.get("payment_schedule")),
        assumptions=f["assumptions"].strings() if "assumptions" in f else (),
        sources=f["sources"].strings() if "sources" in f else (),
        file=file,
    )


def load_contract(path: str | Path) -> Contract:
    """Read and check an outcome contract YAML file.

    Parameters
    ----------
    path
        The contract file.

    Returns
    -------
    Contract

    Raises
    ------
    ReadError
        If the file cannot be read.
    ContractError
        If the contract is invalid; the message names the file, the line and the field.

    Examples
    --------
    >>> from outcomelab.contracts import load_contract
    >>> c = load_contract("examples/contracts/norrkoping_sib.yaml")  # doctest: +SKIP
    >>> c.investment.repayment_cap_sek  # doctest: +SKIP
    12000000.0
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadError(f"The contract file {p} does not exist; check the path.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ReadError(f"The contract file {p} could not be read as UTF-8 text: {err}.") from None
    return parse_contract(text, str(path))
