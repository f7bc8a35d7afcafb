"""The parts of an outcome contract, as frozen dataclasses (built by :func:`load_contract`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "PARTY_ROLES",
    "PAYMENT_RULES",
    "VALIDATION_METHODS",
    "Contract",
    "Investment",
    "OutcomeMetric",
    "Party",
    "PaymentDate",
    "PaymentRule",
]

PaymentRule = Literal["rate_card", "counterfactual"]
PAYMENT_RULES: tuple[str, ...] = ("rate_card", "counterfactual")
PARTY_ROLES: tuple[str, ...] = (
    "outcome_payer",
    "investor",
    "service_provider",
    "intermediary",
    "evaluator",
)
#: the INDIGO data standard's outcome validation methods, spelled as in its schema
#: (project.json, outcome_metrics/items/outcome_validation_method)
VALIDATION_METHODS: tuple[str, ...] = (
    "Randomised Control Trial",
    "Quasi-experimental study",
    "Historical comparison",
    "Pre-Post analysis",
    "Simple ex-post verification",
    "Not available",
)
#: validation methods with a comparison group, which a counterfactual payment needs
COUNTERFACTUAL_METHODS: tuple[str, ...] = VALIDATION_METHODS[:3]


@dataclass(frozen=True)
class Party:
    """A party to the contract: who pays for outcomes, invests, delivers or evaluates."""

    id: str
    name: str
    role: str


@dataclass(frozen=True)
class OutcomeMetric:
    """One outcome the contract pays for, and how.

    Attributes
    ----------
    id
        Identifier within the contract (INDIGO's ``outcome_metric_id``).
    outcome
        The outcome code in the evaluation's ``results.json`` (counterfactual rule) or the label of
        the verified count (rate card).
    payment_rule
        ``"rate_card"``: verified count x price. ``"counterfactual"``: improvement over the
        comparison group x participants x price, only if significant at ``significance_level``.
    price_per_unit_sek
        Price of one unit of outcome (one verified outcome, or one unit of improvement).
    cap_sek
        Most this metric can pay in total (``None``: no cap of its own).
    use_lower_bound
        Counterfactual rule: pay on the lower confidence bound of the improvement instead of the
        point estimate.
    """

    id: str
    name: str
    outcome: str
    definition: str
    target_population: str
    target: str
    validation_method: str
    data_source: str
    payment_rule: str
    price_per_unit_sek: float
    cap_sek: float | None
    payer: str
    recipient: str
    significance_level: float
    use_lower_bound: bool
    participants: int | None
    line: int


@dataclass(frozen=True)
class Investment:
    """Up-front investment whose repayment depends on outcome payments."""

    investor: str
    principal_sek: float
    max_return: float

    @property
    def repayment_cap_sek(self) -> float:
        """Most the investor can receive: principal x (1 + max return)."""
        return self.principal_sek * (1.0 + self.max_return)


@dataclass(frozen=True)
class PaymentDate:
    """When a share of the settled outcome payments is paid."""

    period_start: str | None
    period_end: str
    share: float


@dataclass(frozen=True)
class Contract:
    """An outcome contract: parties, metrics, prices, caps and payment schedule."""

    id: str
    name: str
    description: str
    currency: str
    participants: int
    parties: tuple[Party, ...]
    metrics: tuple[OutcomeMetric, ...]
    investment: Investment | None
    total_cap_sek: float | None
    per_participant_cap_sek: float | None
    payment_schedule: tuple[PaymentDate, ...]
    assumptions: tuple[str, ...]
    sources: tuple[str, ...]
    file: str

    def party(self, party_id: str) -> Party:
        """The party with ``party_id`` (KeyError if none)."""
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)
