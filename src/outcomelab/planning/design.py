"""The design a municipality states before an intervention starts (what ``outcomelab plan`` reads).

A design is a small YAML (or dict) form; :func:`load_design` validates every field at once and
names each problem with the fix, so an officer filling in the form gets one list back.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal

from outcomelab.errors import ParameterError
from outcomelab.safe_yaml import load_file
from outcomelab.vocabulary import KINDS, Kind, lab_catalogue

__all__ = ["DESIGN_TEMPLATE", "PlannedDesign", "design_from_dict", "load_design"]

Unit = Literal["person", "aggregate"]
Source = Literal["register", "municipal_statistics", "own_records", "unknown"]
Design = Literal["did", "matching", "sdid"]

#: a commented form for ``outcomelab plan --template``
DESIGN_TEMPLATE = """\
# outcomelab plan: the design of an intervention, stated before it starts.
# Fill in what you expect; the numbers need not be exact. Lines starting with # are comments.
intervention_id: 0581-UNGA-2027        # your intervention's id (municipality code first)
unit: person                 # person: data per participant; aggregate: municipal statistics only
design: did                  # did (comparison before and after), matching, or sdid (aggregate)
participants_per_cohort: 40  # participants expected to start in each start cohort
cohorts: 3                   # number of start cohorts (e.g. one per year)
periods_before: 3            # years (periods) of outcome data before the first start
periods_after: 2             # years (periods) of outcome data after the last start
comparison_pool: 2000        # comparable persons (or municipalities) who do not take part
treated_units: 1             # aggregate only: municipalities (or districts) with the intervention
outcome: employment          # primary outcome code from the standard outcome list
outcome_kind: rate           # rate (a share, e.g. in work), count, days, amount_sek, continuous
base_rate: 0.35              # binary: expected share in the comparison group
# mean: 40.0                 # continuous: expected mean ...
# sd: 55.0                   # ... and standard deviation per person (or unit) and period
icc: 0.5                     # correlation of a person's outcome between two years (0-1)
hoped_effect: 0.08           # the effect you hope for (binary: 0.08 = 8 more in work per 100)
follow_up_months: 12         # when the primary outcome is read after the start
attrition: 0.1               # share of participants expected to be lost (moved, no consent)
alpha: 0.05                  # significance level
power: 0.8                   # wanted power
outcome_source: register     # register, municipal_statistics, own_records or unknown
start_dates_recorded: true   # is each participant's start date recorded?
comparison_group: true       # is there a group (or municipalities) without the intervention?
primary_outcome_fixed: true  # is the primary outcome decided before the start?
"""


@dataclass(frozen=True)
class PlannedDesign:
    """An intervention's planned evaluation design (validated, read-only).

    Attributes
    ----------
    intervention_id
        The intervention's id.
    unit
        ``"person"`` (person-level register data) or ``"aggregate"`` (municipal statistics; the
        sizes below are then in municipalities, except ``participants_per_cohort``).
    design
        ``"did"``, ``"matching"`` or ``"sdid"``.
    participants_per_cohort, cohorts
        Expected participants per start cohort and number of cohorts.
    periods_before, periods_after
        Periods of outcome data before the first start and after the last start.
    comparison_pool
        Expected comparison persons (``unit="person"``) or comparison municipalities.
    treated_units
        Treated municipalities (``unit="aggregate"``; 1 for person-level designs).
    outcome, outcome_kind
        Primary outcome code and its kind in the lab's vocabulary (``rate`` for a share; taken
        from the outcome catalogue when left out for a standard outcome).
    base_rate
        ``rate`` outcomes: the expected share in the comparison group.
    mean, sd
        Other kinds: expected mean and standard deviation per unit and period.
    icc
        Correlation of a unit's outcome between two periods.
    hoped_effect
        The effect the municipality hopes for, in the outcome's units (a share for binary).
    follow_up_months
        When the primary outcome is read after the start.
    attrition
        Expected share of participants lost before the analysis.
    alpha, power
        Significance level and wanted power.
    outcome_source, start_dates_recorded, comparison_group, primary_outcome_fixed
        Answers for the evaluability checklist.
    """

    intervention_id: str
    unit: Unit
    design: Design
    participants_per_cohort: int
    cohorts: int
    periods_before: int
    periods_after: int
    comparison_pool: int
    outcome: str
    outcome_kind: Kind
    icc: float
    hoped_effect: float
    treated_units: int = 1
    base_rate: float | None = None
    mean: float | None = None
    sd: float | None = None
    follow_up_months: int = 12
    attrition: float = 0.0
    alpha: float = 0.05
    power: float = 0.8
    outcome_source: Source = "unknown"
    start_dates_recorded: bool = False
    comparison_group: bool = True
    primary_outcome_fixed: bool = False

    @property
    def participants(self) -> int:
        """Expected participants analysed: per cohort x cohorts x (1 - attrition), rounded down."""
        return math.floor(self.participants_per_cohort * self.cohorts * (1.0 - self.attrition))

    @property
    def is_share(self) -> bool:
        """Whether the outcome is a 0/1 share (kind ``rate``)."""
        return self.outcome_kind == "rate"

    @property
    def outcome_sd(self) -> float:
        """Standard deviation of the outcome per unit and period (sqrt(p(1-p)) for a person-level
        binary outcome; the stated ``sd`` otherwise)."""
        if self.is_share and self.unit == "person":
            p = float(self.base_rate or 0.0)
            return math.sqrt(p * (1.0 - p))
        return float(self.sd or 0.0)

    @property
    def treated(self) -> int:
        """Treated units in the analysis: participants, or treated municipalities."""
        return self.participants if self.unit == "person" else self.treated_units

    def to_dict(self) -> dict[str, Any]:
        """The design as a plain dict (YAML/JSON-safe)."""
        return asdict(self)


def _problems(raw: dict[str, Any]) -> list[str]:
    """Every problem of a design with all fields present, in the order of the template."""
    return [
        *_choice_problems(raw),
        *_count_problems(raw),
        *_effect_problems(raw),
        *_aggregate_problems(raw),
        *(
            f"`{name}` must be true or false; got {raw.get(name)!r}"
            for name in ("start_dates_recorded", "comparison_group", "primary_outcome_fixed")
            if not isinstance(raw.get(name), bool)
        ),
    ]


def _whole(raw: dict[str, Any], name: str, low: int) -> str | None:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        return f"`{name}` must be a whole number of at least {low}; got {value!r}"
    return None


def _share(
    raw: dict[str, Any], name: str, low: float, high: float, *, closed: bool = False
) -> str | None:
    value = raw.get(name)
    ok = False
    if isinstance(value, int | float) and not isinstance(value, bool):
        ok = (low <= value <= high) if closed else (low < value < high)
    if ok:
        return None
    bounds = f"between {low} and {high}" + ("" if closed else " (exclusive)")
    return f"`{name}` must be a number {bounds}; got {value!r}"


def _is_positive_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


def _choice_problems(raw: dict[str, Any]) -> list[str]:
    """Words outside their lists, and the intervention and outcome named as text."""
    out = [
        f"`{name}` must be one of {', '.join(allowed)}; got {raw.get(name)!r}"
        for name, allowed in (
            ("unit", ("person", "aggregate")),
            ("design", ("did", "matching", "sdid")),
            ("outcome_kind", KINDS),
            ("outcome_source", ("register", "municipal_statistics", "own_records", "unknown")),
        )
        if raw.get(name) not in allowed
    ]
    if not isinstance(raw.get("intervention_id"), str) or not raw.get("intervention_id"):
        out.append("`intervention_id` must be the intervention's id as text")
    if not isinstance(raw.get("outcome"), str) or not raw.get("outcome"):
        out.append("`outcome` must be an outcome code, e.g. employment")
    return out


def _count_problems(raw: dict[str, Any]) -> list[str]:
    """Whole numbers and shares out of range."""
    found = [
        _whole(raw, "participants_per_cohort", 1),
        _whole(raw, "cohorts", 1),
        _whole(raw, "periods_before", 1),
        _whole(raw, "periods_after", 1),
        _whole(raw, "comparison_pool", 1 if raw.get("comparison_group", True) else 0),
        _whole(raw, "treated_units", 1),
        _whole(raw, "follow_up_months", 1),
        _share(raw, "icc", 0.0, 1.0, closed=False),
        _share(raw, "attrition", 0.0, 0.95, closed=True),
        _share(raw, "alpha", 0.0, 0.5),
        _share(raw, "power", 0.5, 1.0),
    ]
    return [p for p in found if p is not None]


def _effect_problems(raw: dict[str, Any]) -> list[str]:
    """The hoped effect, and the base rate or standard deviation it is measured against."""
    out: list[str] = []
    effect = raw.get("hoped_effect")
    if isinstance(effect, bool) or not isinstance(effect, int | float) or effect == 0:
        out.append(f"`hoped_effect` must be a non-zero number; got {effect!r}")
    if raw.get("outcome_kind") == "rate":
        base = _share(raw, "base_rate", 0.0, 1.0)
        out += [base] if base is not None else []
        if isinstance(effect, int | float) and abs(effect) >= 1:
            out.append(
                f"`hoped_effect` is a share for a rate outcome (0.08 = 8 more per 100); "
                f"got {effect!r}"
            )
    elif raw.get("outcome_kind") in KINDS and not _is_positive_number(raw.get("sd")):
        out.append(
            f"`sd` (standard deviation of the outcome) must be positive; got {raw.get('sd')!r}"
        )
    return out


def _aggregate_problems(raw: dict[str, Any]) -> list[str]:
    """What an aggregate (municipality-level) or synthetic-DiD design needs besides."""
    out: list[str] = []
    aggregate = raw.get("unit") == "aggregate"
    if aggregate and raw.get("outcome_kind") == "rate" and not _is_positive_number(raw.get("sd")):
        out.append(
            "`sd` must give the standard deviation of the indicator between municipalities "
            "for an aggregate design (a share's person-level spread does not apply); "
            f"got {raw.get('sd')!r}"
        )
    cohorts, treated = raw.get("cohorts"), raw.get("treated_units")
    if (
        aggregate
        and isinstance(cohorts, int)
        and isinstance(treated, int)
        and cohorts > treated >= 1
    ):
        out.append(
            f"`cohorts` ({cohorts}) cannot exceed `treated_units` ({treated}) for an aggregate "
            "design: every start cohort needs at least one municipality with the intervention"
        )
    if raw.get("design") == "sdid" and not aggregate:
        out.append("`design: sdid` needs `unit: aggregate` (synthetic DiD compares municipalities)")
    return out


def design_from_dict(raw: dict[str, Any]) -> PlannedDesign:
    """Validate a design given as a dict and return it.

    Raises
    ------
    ParameterError
        Listing every field that is missing, unknown or out of range, with the fix.
    """
    if not isinstance(raw, dict):
        raise ParameterError(
            "A design must be a mapping of fields (see `outcomelab plan --template`)."
        )
    known = {f.name: f for f in fields(PlannedDesign)}
    unknown = sorted(set(raw) - set(known))
    defaults = {f.name: f.default for f in fields(PlannedDesign) if f.default is not MISSING}
    filled = {**defaults, **raw}
    standard = lab_catalogue().get(str(filled.get("outcome")))
    if "outcome_kind" not in filled and standard is not None:
        filled["outcome_kind"] = standard.kind
    problems = [f"unknown field `{u}`" for u in unknown]
    missing = [n for n in known if n not in filled]
    problems += [f"`{m}` is missing" for m in missing]
    if not missing:
        problems += _problems(filled)
    if problems:
        raise ParameterError(
            f"The design has {len(problems)} problem(s): " + "; ".join(problems) + ". "
            "Correct them in the design file (`outcomelab plan --template` shows every field)."
        )
    values = {k: filled[k] for k in known}
    for name in ("icc", "attrition", "alpha", "power", "hoped_effect"):
        values[name] = float(values[name])
    return PlannedDesign(**values)


def load_design(path: str | Path) -> PlannedDesign:
    """Read and validate a design YAML file.

    Raises
    ------
    ReadError
        The file is missing or not YAML.
    ParameterError
        A field is missing, unknown or out of range (all problems in one message).
    """
    raw = load_file(path, what="Design file")
    return design_from_dict(raw)
