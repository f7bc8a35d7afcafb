"""What the report needs to know about each outcome: name, kind, direction; Holm p-values, verdicts.

The standard outcome codes are listed in :data:`OUTCOMES`; an unknown code gets a generic entry
(kind guessed from the data, higher is better) and the report says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["OUTCOMES", "OutcomeInfo", "holm", "outcome_info", "verdict"]

Kind = Literal["binary", "count", "amount"]
Direction = Literal["higher_is_better", "lower_is_better"]
Verdict = Literal["positive", "negative", "inconclusive"]


@dataclass(frozen=True)
class OutcomeInfo:
    """Reader-facing facts about one outcome code."""

    code: str
    kind: Kind
    direction: Direction
    name_sv: str
    name_en: str
    #: binary: the state in a sentence ("in work"); otherwise what is counted ("sick-leave days")
    state_sv: str
    state_en: str
    unit_sv: str
    unit_en: str

    def name(self, lang: str) -> str:
        """Outcome name in ``lang``."""
        return self.name_sv if lang == "sv" else self.name_en

    def state(self, lang: str) -> str:
        """Phrase for a sentence in ``lang``."""
        return self.state_sv if lang == "sv" else self.state_en

    def unit(self, lang: str) -> str:
        """Unit of the effect in ``lang``."""
        return self.unit_sv if lang == "sv" else self.unit_en


def _binary(code: str, d: Direction, name: tuple[str, str], state: tuple[str, str]) -> OutcomeInfo:
    return OutcomeInfo(code, "binary", d, *name, *state, "andel", "share")


#: the standard outcome codes
OUTCOMES: dict[str, OutcomeInfo] = {
    o.code: o
    for o in (
        _binary(
            "employment",
            "higher_is_better",
            ("Sysselsättning", "Employment"),
            ("i arbete", "in work"),
        ),
        _binary(
            "social_assistance_receipt",
            "lower_is_better",
            ("Försörjningsstöd (mottagare)", "Receipt of social assistance"),
            ("mottagare av försörjningsstöd", "receiving social assistance"),
        ),
        OutcomeInfo(
            "social_assistance_amount",
            "amount",
            "lower_is_better",
            "Försörjningsstöd (kronor per år)",
            "Social assistance (SEK per year)",
            "i försörjningsstöd",
            "in social assistance",
            "kr",
            "SEK",
        ),
        OutcomeInfo(
            "sick_leave_days",
            "count",
            "lower_is_better",
            "Sjukskrivningsdagar per år",
            "Sick-leave days per year",
            "sjukskrivningsdagar",
            "sick-leave days",
            "dagar",
            "days",
        ),
        _binary(
            "upper_secondary_eligibility",
            "higher_is_better",
            ("Behörighet till gymnasiet", "Eligibility for upper secondary school"),
            ("behöriga till gymnasiet", "eligible for upper secondary school"),
        ),
        OutcomeInfo(
            "out_of_home_care_days",
            "count",
            "lower_is_better",
            "Dygn i placering utanför hemmet",
            "Days in out-of-home care",
            "dygn i placering",
            "days in out-of-home care",
            "dygn",
            "days",
        ),
        _binary(
            "reoffending",
            "lower_is_better",
            ("Återfall i brott", "Reoffending"),
            ("lagförda för nytt brott", "convicted of a new offence"),
        ),
        OutcomeInfo(
            "psychiatric_inpatient_days",
            "count",
            "lower_is_better",
            "Dagar i psykiatrisk slutenvård",
            "Psychiatric inpatient days",
            "dagar i psykiatrisk slutenvård",
            "psychiatric inpatient days",
            "dagar",
            "days",
        ),
    )
}


def outcome_info(code: str, values: Sequence[float] | np.ndarray | None = None) -> OutcomeInfo:
    """Facts about ``code``; for an unknown code guess the kind from ``values`` (0/1 -> binary).

    Parameters
    ----------
    code
        Outcome code.
    values
        Observed values, used only for codes outside the standard list.

    Returns
    -------
    OutcomeInfo
    """
    if code in OUTCOMES:
        return OUTCOMES[code]
    binary = False
    if values is not None:
        arr = np.asarray(values, dtype=float)
        arr = arr[~np.isnan(arr)]
        binary = bool(arr.size) and bool(np.isin(arr, (0.0, 1.0)).all())
    label = code.replace("_", " ")
    if binary:
        return _binary(code, "higher_is_better", (label, label), (label, label))
    return OutcomeInfo(code, "count", "higher_is_better", label, label, label, label, "", "")


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (missing values stay missing and are not counted).

    Parameters
    ----------
    p_values
        Unadjusted p-values of one family of tests.

    Returns
    -------
    list
        Adjusted p-values in the input order, capped at 1.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6(2), 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    present = [
        (i, float(p)) for i, p in enumerate(p_values) if p is not None and not math.isnan(float(p))
    ]
    m = len(present)
    ordered = sorted(present, key=lambda ip: ip[1])
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (i, p) in enumerate(ordered):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = round(running, 15)
    return out


def verdict(
    estimate: float | None, p_value: float | None, alpha: float, direction: Direction
) -> Verdict:
    """``positive``/``negative`` for a significant effect in the good/bad direction, else
    ``inconclusive``."""
    if estimate is None or p_value is None or math.isnan(estimate) or math.isnan(p_value):
        return "inconclusive"
    if p_value >= alpha or estimate == 0:
        return "inconclusive"
    good = estimate > 0 if direction == "higher_is_better" else estimate < 0
    return "positive" if good else "negative"
