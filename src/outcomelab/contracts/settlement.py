"""Settle an outcome contract: payments per metric under a rate card or a counterfactual rule,
with every cap applied in a fixed order and each step shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from outcomelab._checks import check_choice
from outcomelab.contracts.evaluation import load_evaluation
from outcomelab.contracts.loading import load_contract
from outcomelab.contracts.model import Contract, OutcomeMetric
from outcomelab.contracts.verified import load_verified
from outcomelab.errors import InputError
from outcomelab.numerics import json_safe
from outcomelab.results import EffectResult
from outcomelab.vocabulary import check_direction, lab_catalogue
from outcomelab.vocabulary.texts import t

__all__ = ["CAP_ORDER", "PAYMENT_COLUMNS", "Settlement", "settle", "settle_files"]

#: the caps, in the order they are applied
CAP_ORDER: tuple[str, ...] = ("metric", "per_participant", "total", "investor_return")

#: the words of a payment rule, a cap or a steps-table column: ``vocabulary/words/contract.toml``
_KEYS = {
    "rate_card": "ct_rule_rate_card",
    "counterfactual": "ct_rule_counterfactual",
    "metric": "ct_capname_metric",
    "per_participant": "ct_capname_per_participant",
    "total": "ct_capname_total",
    "investor_return": "ct_capname_investor_return",
    "none": "ct_capname_none",
}


def _label(key: str, lang: str) -> str:
    return t(_KEYS.get(key, f"ct_col_{key}"), lang)


@dataclass(frozen=True)
class Settlement:
    """The settled outcome payments of a contract.

    Attributes
    ----------
    steps
        One row per metric: ``metric_id, outcome, rule, basis`` (and ``basis_sv``), ``quantity,
        price_per_unit_sek, gross_sek``, the reduction of each cap
        (``<cap>_cap_reduction_sek``), ``caps_applied``, ``net_sek``, ``payer, recipient``.
    caps
        One row per cap: ``cap, limit_sek, amount_before_sek, binding, reduction_sek``.
    payments
        The payment schedule: ``period_start, period_end, metric_id, payer, recipient,
        amount_sek, type``.
    total_sek
        Sum of the net payments.
    """

    contract: Contract = field(repr=False)
    steps: pd.DataFrame = field(repr=False)
    caps: pd.DataFrame = field(repr=False)
    payments: pd.DataFrame = field(repr=False)
    total_sek: float
    payment_type: str
    evaluation_id: str = ""
    effects: Mapping[str, EffectResult] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name in ("steps", "caps", "payments"):
            object.__setattr__(self, name, getattr(self, name).copy())
        object.__setattr__(self, "effects", MappingProxyType(dict(self.effects)))

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes in English (the settlement file and the command line)."""
        return tuple(self.notes_in("en"))

    @property
    def investor_cap_sek(self) -> float | None:
        """Most the investor can receive (principal x (1 + max return)), if there is an investor."""
        inv = self.contract.investment
        return None if inv is None else inv.repayment_cap_sek

    def steps_table(self, lang: Literal["sv", "en"] = "sv") -> pd.DataFrame:
        """The calculation step by step (metric, rule, quantity, price, gross, cap, net), labelled
        in ``lang``, with a total row."""
        check_choice("lang", lang, ("sv", "en"))
        steps = self.steps
        caps = [
            ", ".join(_label(c, lang) for c in str(v).split(",") if c) or _label("none", lang)
            for v in steps["caps_applied"]
        ]
        out = pd.DataFrame(
            {
                _label("metric_id", lang): steps["metric_id"],
                _label("rule", lang): [_label(r, lang) for r in steps["rule"]],
                _label("basis", lang): steps["basis_sv" if lang == "sv" else "basis"],
                _label("quantity", lang): steps["quantity"],
                _label("price_per_unit_sek", lang): steps["price_per_unit_sek"],
                _label("gross_sek", lang): steps["gross_sek"],
                _label("caps_applied", lang): caps,
                _label("net_sek", lang): steps["net_sek"],
            }
        )
        total: dict[str, object] = {c: "" for c in out.columns}
        total[_label("metric_id", lang)] = t("ct_total_row", lang)
        total[_label("gross_sek", lang)] = float(steps["gross_sek"].sum())
        total[_label("net_sek", lang)] = float(steps["net_sek"].sum())
        return pd.concat([out, pd.DataFrame([total])], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: contract summary, steps, caps, payments, totals and notes."""

        c = self.contract
        return json_safe(
            {
                "contract": {
                    "id": c.id,
                    "name": c.name,
                    "participants": c.participants,
                    "currency": c.currency,
                    "total_cap_sek": c.total_cap_sek,
                    "per_participant_cap_sek": c.per_participant_cap_sek,
                    "investor_cap_sek": self.investor_cap_sek,
                    "assumptions": list(c.assumptions),
                    "sources": list(c.sources),
                    "file": c.file,
                },
                "evaluation_id": self.evaluation_id,
                "payment_type": self.payment_type,
                "total_sek": float(self.total_sek),
                "steps": self.steps,
                "caps": self.caps,
                "payments": self.payments,
                "notes": list(self.notes),
            }
        )

    def notes_in(self, lang: Literal["sv", "en"]) -> list[str]:
        """The notes in ``lang``: the caps that bind and the contract's own assumptions."""
        binding = [str(r["cap"]) for r in self.caps.to_dict(orient="records") if r["binding"]]
        notes = []
        if binding:
            caps = ", ".join(_label(c, lang) for c in binding)
            notes.append(t("ct_note_binding", lang, caps=caps))
        if self.contract.assumptions:
            notes.append(
                t("ct_note_assumptions", lang, assumptions=" ".join(self.contract.assumptions))
            )
        return notes

    def summary(self) -> str:
        """Plain-text summary of the settlement."""
        lines = [
            f"{self.contract.name}: outcome payments {self.total_sek:,.0f} SEK",
            self.steps_table("en").to_string(index=False),
        ]
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _direction(metric: OutcomeMetric, directions: Mapping[str, str]) -> int:
    """+1 when a higher value of the metric's outcome is better, -1 when worse.

    The given directions win over the outcome catalogue's; a direction outside the vocabulary
    (``higher_is_better``, ``higher_is_worse``) is an error, never a default.
    """
    catalogue = lab_catalogue()
    if metric.outcome in directions:
        d = directions[metric.outcome]
    elif metric.outcome in catalogue:
        d = catalogue[metric.outcome].direction
    else:
        raise InputError(
            f"Metric {metric.id!r}: the direction of outcome {metric.outcome!r} is unknown (not in "
            "the evaluation or the outcome catalogue); pass directions={outcome: "
            "'higher_is_better' or 'higher_is_worse'}."
        )
    where = f"The direction of outcome {metric.outcome!r} (metric {metric.id!r})"
    return 1 if check_direction(d, where) == "higher_is_better" else -1


def _counterfactual(
    metric: OutcomeMetric, effect: EffectResult, sign: int, participants: int
) -> tuple[float, str, str]:
    """Quantity due under the counterfactual rule and its basis in English and Swedish."""
    level = metric.significance_level
    improvement = sign * effect.estimate
    pct = f"{100 * level:g} %"
    if not improvement > 0:
        return (
            0.0,
            f"no improvement: effect {effect.estimate:.4g} is not in the better direction; "
            "nothing is due",
            f"ingen förbättring: effekten {effect.estimate:.4g} går åt fel håll; inget betalas",
        )
    if not effect.p_value < level:
        return (
            0.0,
            f"not significant at {pct} (p = {effect.p_value:.3g}); nothing is due under the "
            "counterfactual rule",
            f"inte signifikant på {pct}-nivån (p = {effect.p_value:.3g}); inget betalas",
        )
    z = float(special.ndtri(1 - level / 2))  # = scipy.stats.norm.ppf, without its import
    per_person = improvement
    en = f"improvement {improvement:.4g} per participant (p = {effect.p_value:.3g} < {level:g})"
    sv = f"förbättring {improvement:.4g} per deltagare (p = {effect.p_value:.3g} < {level:g})"
    if metric.use_lower_bound:
        per_person = max(improvement - z * effect.std_error, 0.0)
        conf = f"{100 * (1 - level):g} %"
        en = (
            f"lower {conf} bound of the improvement {improvement:.4g} - "
            f"{z:.3f} x {effect.std_error:.4g} = {per_person:.4g} per participant "
            f"(p = {effect.p_value:.3g})"
        )
        sv = (
            f"nedre {conf}-gräns för förbättringen {improvement:.4g} - "
            f"{z:.3f} x {effect.std_error:.4g} = {per_person:.4g} per deltagare "
            f"(p = {effect.p_value:.3g})"
        )
    return (
        per_person * participants,
        en + f" x {participants} participants",
        sv + f" x {participants} deltagare",
    )


#: the columns of :attr:`Settlement.payments`, one row per metric and scheduled date
PAYMENT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "period_end",
    "metric_id",
    "payer",
    "recipient",
    "amount_sek",
    "type",
)


def _apply_cap(
    amounts: np.ndarray, mask: np.ndarray, limit: float | None
) -> tuple[np.ndarray, float, float]:
    """Scale ``amounts[mask]`` down pro rata so their sum is at most ``limit``."""
    before = float(amounts[mask].sum())
    if limit is None or before <= limit or before == 0:
        return amounts, before, 0.0
    scaled = amounts.copy()
    scaled[mask] = amounts[mask] * (limit / before)
    return scaled, before, before - limit


def settle(
    contract: Contract,
    effects: Mapping[str, EffectResult] | None = None,
    verified: Mapping[str, float] | None = None,
    *,
    directions: Mapping[str, str] | None = None,
    payment_type: Literal["planned", "actual"] = "planned",
    evaluation_id: str = "",
) -> Settlement:
    """Compute the outcome payments a contract owes, step by step.

    Parameters
    ----------
    contract
        From :func:`~outcomelab.contracts.load_contract`.
    effects
        The evaluation's effects, ``{outcome_code: EffectResult}`` (needed by counterfactual
        metrics; see :func:`~outcomelab.contracts.load_evaluation`).
    verified
        Verified outcome counts per metric id (needed by rate-card metrics).
    directions
        ``{outcome: "higher_is_better" | "higher_is_worse"}``; defaults to the outcome
        catalogue's. Any other word is an error.
    payment_type
        ``"planned"`` (amounts due) or ``"actual"`` (amounts paid), as INDIGO records them.
    evaluation_id
        The evaluation the effects come from (cited in the result).

    Returns
    -------
    Settlement

    Raises
    ------
    InputError
        A metric's effect or verified count is missing, a count is negative, or a direction is
        not ``higher_is_better`` or ``higher_is_worse``.

    Notes
    -----
    Per metric :math:`m` with price :math:`p_m`:

    * rate card: :math:`q_m` = the verified count; gross :math:`g_m = q_m p_m`.
    * counterfactual: with direction :math:`s` (+1 when higher is better), improvement
      :math:`\\Delta = s\\hat\\beta`; paid only if :math:`\\Delta > 0` and the two-sided p-value is
      below the agreed level :math:`\\alpha`; :math:`q_m = \\Delta \\cdot n` (or, with
      ``use_lower_bound``, :math:`\\max(\\Delta - z_{1-\\alpha/2} SE, 0) \\cdot n`), where
      :math:`n` is the number of participants.

    Caps, in this order: the metric's own cap :math:`\\min(g_m, C_m)`; then, on the sum over
    metrics, the per-participant cap (:math:`n \\times` cap per participant), the total cap and the
    investor return cap (what goes to the investor is at most principal :math:`\\times` (1 + max
    return)). A binding contract-level cap scales the affected metrics down pro rata. Net payments
    are split over the payment schedule by its shares.

    References
    ----------
    Government Outcomes Lab, INDIGO impact bond data standard (outcome metrics, pricings, payments).
    """
    check_choice("payment_type", payment_type, ("planned", "actual"))
    effects = dict(effects or {})
    verified = dict(verified or {})
    given_directions = dict(directions or {})
    for outcome, direction in given_directions.items():
        check_direction(direction, f"The direction of outcome {outcome!r}")
    _check_verified_ids(contract, verified)
    metrics = contract.metrics
    quantity, bases, bases_sv = _quantities(contract, effects, verified, given_directions)
    price = np.array([m.price_per_unit_sek for m in metrics])
    gross = quantity * price
    amounts, reductions, cap_rows = _apply_caps(contract, gross)
    steps = pd.DataFrame(
        {
            "metric_id": [m.id for m in metrics],
            "outcome": [m.outcome for m in metrics],
            "rule": [m.payment_rule for m in metrics],
            "validation_method": [m.validation_method for m in metrics],
            "basis": bases,
            "basis_sv": bases_sv,
            "quantity": quantity,
            "price_per_unit_sek": price,
            "gross_sek": gross,
            **{f"{cap}_cap_reduction_sek": reductions[cap] for cap in CAP_ORDER},
            "caps_applied": [
                ",".join(cap for cap in CAP_ORDER if reductions[cap][i] > 0)
                for i in range(len(metrics))
            ],
            "net_sek": amounts,
            "payer": [m.payer for m in metrics],
            "recipient": [m.recipient for m in metrics],
        }
    )
    return Settlement(
        contract=contract,
        steps=steps,
        caps=pd.DataFrame(cap_rows),
        payments=_payments(contract, amounts, payment_type),
        total_sek=float(amounts.sum()),
        payment_type=payment_type,
        evaluation_id=evaluation_id,
        effects=effects,
    )


def _check_verified_ids(contract: Contract, verified: Mapping[str, float]) -> None:
    """Raise InputError for verified counts of metrics that are not rate-card metrics."""
    rate_card = [m.id for m in contract.metrics if m.payment_rule == "rate_card"]
    unknown = sorted(set(verified) - set(rate_card))
    if unknown:
        raise InputError(
            f"Verified counts were given for {unknown}, which are not rate-card metrics of "
            f"{contract.file} (its rate-card metrics: {', '.join(rate_card) or 'none'}); check "
            "the metric ids."
        )


def _verified_count(contract: Contract, m: OutcomeMetric, verified: Mapping[str, float]) -> float:
    """The verified count of rate-card metric ``m`` (InputError when missing or negative)."""
    if m.id not in verified:
        raise InputError(
            f"Metric {m.id!r} ({contract.file} line {m.line}) is paid by rate card and "
            "needs its verified count of outcomes; pass it (CLI: --verified FILE with "
            "columns metric_id,count)."
        )
    count = float(verified[m.id])
    if not count >= 0:
        raise InputError(f"The verified count of metric {m.id!r} must be >= 0; got {count}.")
    return count


def _quantities(
    contract: Contract,
    effects: Mapping[str, EffectResult],
    verified: Mapping[str, float],
    directions: Mapping[str, str],
) -> tuple[np.ndarray, list[str], list[str]]:
    """The quantity paid for per metric and its basis in English and Swedish."""
    metrics = contract.metrics
    quantity = np.zeros(len(metrics))
    bases: list[str] = []
    bases_sv: list[str] = []
    for i, m in enumerate(metrics):
        if m.payment_rule == "rate_card":
            count = _verified_count(contract, m, verified)
            quantity[i] = count
            bases.append(f"{count:g} verified outcomes")
            bases_sv.append(f"{count:g} verifierade utfall")
            continue
        if m.outcome not in effects:
            raise InputError(
                f"Metric {m.id!r} ({contract.file} line {m.line}) is paid on the effect on "
                f"{m.outcome!r}, which the evaluation does not report (it has "
                f"{', '.join(effects) or 'no outcomes'}); check the metric's outcome code."
            )
        n = m.participants or contract.participants
        q, basis, basis_sv = _counterfactual(m, effects[m.outcome], _direction(m, directions), n)
        quantity[i] = q
        bases.append(basis)
        bases_sv.append(basis_sv)
    return quantity, bases, bases_sv


def _apply_caps(
    contract: Contract, gross: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray], list[dict[str, Any]]]:
    """Apply the caps in :data:`CAP_ORDER`: net amounts, reductions per cap, one row per cap."""
    metrics = contract.metrics
    amounts = gross.copy()
    reductions = {cap: np.zeros(len(metrics)) for cap in CAP_ORDER}
    # 1. each metric's own cap
    for i, m in enumerate(metrics):
        if m.cap_sek is not None and amounts[i] > m.cap_sek:
            reductions["metric"][i] = amounts[i] - m.cap_sek
            amounts[i] = m.cap_sek
    own_caps = [m.cap_sek for m in metrics if m.cap_sek is not None]
    cap_rows: list[dict[str, Any]] = [
        {
            "cap": "metric",
            "limit_sek": float(sum(own_caps)) if own_caps else None,
            "amount_before_sek": float(gross.sum()),
            "binding": bool(reductions["metric"].sum() > 0),
            "reduction_sek": float(reductions["metric"].sum()),
        }
    ]
    # 2. caps on the sum over metrics, scaled down pro rata
    everything = np.ones(len(metrics), dtype=bool)
    per_participant = (
        None
        if contract.per_participant_cap_sek is None
        else contract.per_participant_cap_sek * contract.participants
    )
    investment = contract.investment
    caps: list[tuple[str, np.ndarray, float | None]] = [
        ("per_participant", everything, per_participant),
        ("total", everything, contract.total_cap_sek),
    ]
    if investment is not None:
        to_investor = np.array([m.recipient == investment.investor for m in metrics])
        caps.append(("investor_return", to_investor, investment.repayment_cap_sek))
    for cap, mask, limit in caps:
        new, before, cut = _apply_cap(amounts, mask, limit)
        reductions[cap] = amounts - new
        amounts = new
        cap_rows.append(
            {
                "cap": cap,
                "limit_sek": limit,
                "amount_before_sek": before,
                "binding": bool(cut > 0),
                "reduction_sek": cut,
            }
        )
    return amounts, reductions, cap_rows


def _payments(contract: Contract, amounts: np.ndarray, payment_type: str) -> pd.DataFrame:
    """One payment per metric and scheduled date (one undated payment without a schedule)."""
    schedule = contract.payment_schedule
    rows: list[tuple[str | None, str | None, str, str, str, float, str]] = []
    for i, m in enumerate(contract.metrics):
        if not schedule:
            rows.append((None, None, m.id, m.payer, m.recipient, float(amounts[i]), payment_type))
        for date in schedule:
            rows.append(
                (
                    date.period_start,
                    date.period_end,
                    m.id,
                    m.payer,
                    m.recipient,
                    float(amounts[i] * date.share),
                    payment_type,
                )
            )
    return pd.DataFrame(rows, columns=list(PAYMENT_COLUMNS))


def settle_files(
    contract: str | Path,
    evaluation: str | Path | None = None,
    verified: str | Path | None = None,
    *,
    payment_type: Literal["planned", "actual"] = "planned",
) -> Settlement:
    """Read a contract, the evaluation's ``results.json`` and the verified counts, and settle.

    The one way the command line and the contract report template settle from files.

    Parameters
    ----------
    contract
        The contract YAML file.
    evaluation
        The evaluation's output folder (or its ``results.json``); ``None`` when every metric is
        paid by rate card.
    verified
        CSV ``metric_id,count`` of verified outcomes; ``None`` when no metric is paid by rate card.
    payment_type
        ``"planned"`` or ``"actual"``.

    Returns
    -------
    Settlement
    """
    loaded = load_contract(contract)
    results = load_evaluation(evaluation) if evaluation else None
    return settle(
        loaded,
        results.effects if results else {},
        load_verified(verified) if verified else {},
        directions=results.directions if results else None,
        payment_type=payment_type,
        evaluation_id=results.evaluation_id if results else "",
    )
