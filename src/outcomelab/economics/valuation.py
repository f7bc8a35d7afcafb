"""The socio-economic calculation: effects x unit values -> discounted flows per payer.

:func:`value` is the one entry point; it returns a
:class:`~outcomelab.economics.result.ValueResult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from outcomelab.economics.appraisal import AppraisalYears, ValueOptions, appraisal_years
from outcomelab.economics.discounting import discount_factors
from outcomelab.economics.effects_input import EffectInputs, read_effects
from outcomelab.economics.outcomes import resolve_directions
from outcomelab.economics.payers import Returns, break_even_table, payer_table
from outcomelab.economics.persistence import Persistence
from outcomelab.economics.prices import approximate_years, price_factor
from outcomelab.economics.result import PAYER_ORDER, ValueResult
from outcomelab.economics.unit_values import UnitValueTable, load_unit_values
from outcomelab.errors import InputError
from outcomelab.results import EffectResult

__all__ = ["COST_PAYERS", "value"]

#: payers allowed in the ``costs`` table (the ``costs`` standard schema)
COST_PAYERS: tuple[str, ...] = (
    "municipality",
    "region",
    "state",
    "individual",
    "investor",
    "other",
)
#: (kept, dropped): outcomes that value the same money; when both are given only the first is
#: valued (the amount paid measures the money itself; receipt would count it again)
_OVERLAPPING: tuple[tuple[str, str], ...] = (
    ("social_assistance_amount", "social_assistance_receipt"),
)


def _describe(description: object) -> str:
    """The cost row's description, or ``"cost"`` when it is empty or missing."""
    if isinstance(description, str) and description.strip():
        return description.strip()
    return "cost"


def _read_costs(costs: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["year", "payer", "cost_sek", "price_year"]
    if costs is None:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    if not isinstance(costs, pd.DataFrame):
        raise InputError(
            f"`costs` must be a DataFrame in the costs schema; got {type(costs).__name__}."
        )
    missing = [c for c in columns if c not in costs.columns]
    if missing:
        raise InputError(
            f"`costs` lacks the columns {missing}; it needs year, payer, cost_sek and price_year "
            "(one row per year and payer, as in the standard costs schema)."
        )
    out = costs.copy()
    for c in ("year", "cost_sek", "price_year"):
        out[c] = pd.to_numeric(out[c], errors="coerce")
    bad = out.index[out[["year", "cost_sek", "price_year"]].isna().any(axis=1)]
    if len(bad):
        raise InputError(
            f"`costs` rows {', '.join(str(i) for i in bad[:5])} have a missing or non-numeric "
            "year, cost_sek or price_year; fill them in."
        )
    negative = out.index[out["cost_sek"] < 0]
    if len(negative):
        raise InputError(
            f"`costs` rows {', '.join(str(i) for i in negative[:5])} have negative cost_sek; costs "
            "are >= 0 (record a saving as an effect, not as a negative cost)."
        )
    bad_payer = ~out["payer"].isin(COST_PAYERS)
    if bad_payer.any():
        values = sorted(out.loc[bad_payer, "payer"].astype(str).unique())
        raise InputError(f"`costs` payer must be one of {', '.join(COST_PAYERS)}; found {values}.")
    out["year"] = out["year"].astype(int)
    out["price_year"] = out["price_year"].astype(int)
    if "description" not in out.columns:
        out["description"] = ""
    return out


def value(
    effects: Mapping[str, EffectResult] | pd.DataFrame,
    unit_values: UnitValueTable | pd.DataFrame | str | Path | None = None,
    costs: pd.DataFrame | None = None,
    *,
    horizon_years: int,
    participants: int,
    start_year: int | None = None,
    effect_start_year: int | None = None,
    price_year: int | None = None,
    discount_rate: float = 0.035,
    discount_schedule: Literal["constant", "declining"] | Sequence[tuple[int, float]] = "constant",
    persistence: Persistence = "constant",
    decay_years: float | None = None,
    half_life: float | None = None,
    effect_years: Mapping[str, int] | None = None,
    deadweight: float = 0.0,
    optimism_bias: float = 0.0,
    covariance: pd.DataFrame | np.ndarray | None = None,
    draws: int = 10_000,
    seed: int | None = None,
    alpha: float = 0.05,
    directions: Mapping[str, str] | None = None,
    cpi: pd.DataFrame | None = None,
) -> ValueResult:
    """Socio-economic value of an intervention per payer: flows, NPV, ratios, payback, break-even.

    Parameters
    ----------
    effects
        The evaluation's effect per outcome: ``{outcome_code: EffectResult}`` or a table with
        ``outcome, estimate, std_error``. Each estimate is the effect **per participant per year**
        in the outcome's own unit (e.g. -0.08 for eight percentage points less social-assistance
        receipt, -12 for twelve fewer sick-leave days a year).
    unit_values
        Unit-value table (see :func:`~outcomelab.economics.load_unit_values`); ``None`` uses the
        bundled one.
    costs
        The intervention's costs: ``year, payer, cost_sek, price_year`` (payer one of
        municipality, region, state, individual, investor, other). ``None`` for no costs.
    horizon_years
        Length of the appraisal in years, counted from ``start_year``.
    participants
        Number of participants the per-participant effects apply to.
    start_year
        Calendar year of appraisal year 0 (not discounted); default the first cost year.
    effect_start_year
        First calendar year with effects; default ``start_year``.
    price_year
        Price year of every amount in the result; default the latest price year among the costs
        and the unit values used.
    discount_rate, discount_schedule
        Annual rate (default 3.5 %, as the Green Book and ASEK) with ``"constant"``, or
        ``"declining"`` for the Green Book schedule (3.5 % years 0-30, 3.0 % years 31-75, ...), or
        explicit ``(first_year, rate)`` steps. See :func:`~outcomelab.economics.discount_factors`.
    persistence, decay_years, half_life
        How the effect develops after its first year: ``"constant"``, ``"linear"`` (to zero after
        ``decay_years``) or ``"half_life"``. See :func:`~outcomelab.economics.persistence_factors`.
    effect_years
        ``{outcome: years}``: how many years an outcome's effect counts, from the first effect
        year (default: to the end of the horizon). Outcomes that happen once rather than every
        year default to 1 (:data:`~outcomelab.economics.outcomes.ONE_OFF_OUTCOMES`, e.g.
        upper-secondary eligibility).
    deadweight
        Share of the effect that would have happened anyway, in [0, 1); effects are scaled by
        ``1 - deadweight``. An effect estimated against a comparison group is already net of
        deadweight, so keep 0 unless the estimate is a before-after change.
    optimism_bias
        Uplift of costs, >= 0 (0.2 adds 20 % to every cost).
    covariance
        Sampling covariance of the effects (outcome-labelled DataFrame or array in the order of
        ``effects``); ``None`` treats them as independent.
    draws
        Monte Carlo draws of the effects for the NPV interval (0 to skip).
    seed
        Seed of the random generator; the same seed gives the same draws.
    alpha
        One minus the confidence level of the NPV intervals (0.05 for 95 % intervals).
    directions
        ``{outcome: "higher_is_better" | "higher_is_worse"}`` for outcomes outside the standard
        outcome catalogue (``data_schemas/outcome_catalogue.csv``). The direction does not change
        the money (unit values carry their sign) but is used to check the signs: an outcome that
        is better when higher should not have a negative total unit value, and vice versa.
    cpi
        Price index table; ``None`` uses the bundled KPI.

    Returns
    -------
    ValueResult
        ``.flows`` (year x payer), ``.payers`` (NPV, ratios, payback, intervals per payer),
        ``.break_even`` (per outcome and payer), ``.summary_table(lang)``,
        ``.who_pays_who_gains(lang)``, ``.plot_who_pays_who_gains(lang)``, ``.to_dict()``.

    Raises
    ------
    InputError
        Bad effects, costs or unit values, costs outside the horizon, or no
        effect that has a unit value.
    ParameterError
        An option outside its allowed range.

    Notes
    -----
    **Sign convention.** A unit value (the ``unit_values`` schema) is what one unit *more* of the
    outcome is worth to a payer: more sick-leave days cost Försäkringskassan the benefit, so the
    state's value is negative, and an effect of -2 days is a gain. Payer :math:`p` receives the
    yearly return

    .. math:: G_{jpt} = \\hat\\beta_j \\, v_{jp} \\, n \\, (1 - d) \\, w_t

    with unit value :math:`v_{jp}` (converted to the price year by KPI), :math:`n` participants,
    deadweight :math:`d` and persistence weight :math:`w_t` (0 before the effects start and after
    the outcome's ``effect_years``). Costs
    :math:`K_{pt}` are uplifted by optimism bias: :math:`K_{pt} (1 + o)`. With discount factors
    :math:`D_t`,

    .. math::
        PV^G_p = \\sum_{j,t} G_{jpt} D_t = \\sum_j C_{jp} \\hat\\beta_j, \\quad
        PV^K_p = \\sum_t K_{pt}(1+o) D_t, \\quad NPV_p = PV^G_p - PV^K_p,

    benefit-cost ratio :math:`PV^G_p / PV^K_p`, return on investment
    :math:`NPV_p / PV^K_p`, payback year: the first year in which the cumulative discounted net
    flow reaches zero. Break-even scale :math:`PV^K_p / PV^G_p` (the share of all estimated effects
    needed for NPV = 0); break-even effect of outcome :math:`j` with the others as estimated:
    :math:`(PV^K_p - \\sum_{i \\ne j} C_{ip} \\hat\\beta_i) / C_{jp}`, and alone:
    :math:`PV^K_p / C_{jp}`. "total" sums every payer, so transfers cancel.

    **Uncertainty.** NPV is linear in the effects, so :math:`SD(NPV_p) = \\sqrt{C_p^\\top \\Sigma
    C_p}`; the Monte Carlo draws :math:`\\beta \\sim N(\\hat\\beta, \\Sigma)` give the percentile
    interval and :math:`P(NPV_p > 0)` (the probability that the payer comes out ahead); both are
    reported.

    Examples
    --------
    Ten fewer sick-leave days a year for 60 participants, 500 000 SEK of municipal cost, three
    years at 3.5 % with the bundled unit values: the municipality pays, the state and the rest of
    society gain (600 days x 1 080 SEK x (1 + 1/1.035 + 1/1.035**2) - 500 000).

    >>> import pandas as pd
    >>> effects = pd.DataFrame(
    ...     {"outcome": ["sick_leave_days"], "estimate": [-10.0], "std_error": [4.0]}
    ... )
    >>> costs = pd.DataFrame(
    ...     {"year": [2023], "payer": ["municipality"], "cost_sek": [500_000], "price_year": [2023]}
    ... )
    >>> r = value(effects, None, costs, horizon_years=3, participants=60, draws=0)
    >>> round(r.npv)
    1379002

    References
    ----------
    HM Treasury (2022). *The Green Book*. GMCA Research (2019). *Cost Benefit Analysis Guidance for
    Local Partnerships*. Nilsson, I. & Wadeskog, A. (2008). *Det är bättre att stämma i bäcken än
    i ån*. SKL.
    """
    options = ValueOptions(
        horizon_years=horizon_years,
        participants=participants,
        start_year=start_year,
        effect_start_year=effect_start_year,
        price_year=price_year,
        discount_rate=discount_rate,
        discount_schedule=discount_schedule,
        persistence=persistence,
        decay_years=decay_years,
        half_life=half_life,
        effect_years=effect_years,
        deadweight=deadweight,
        optimism_bias=optimism_bias,
        draws=draws,
        seed=seed,
        alpha=alpha,
    )
    discount = discount_factors(options.horizon, discount_rate, discount_schedule)
    eff = read_effects(effects, covariance)
    table = load_unit_values(unit_values)
    cost_table = _read_costs(costs)
    valued, not_valued, notes = _choose_outcomes(eff, table)
    direction = resolve_directions(valued, directions)
    rows = table.table[table.table["outcome_code"].isin(valued)].copy()
    years = appraisal_years(options, rows, cost_table)
    _to_price_year(rows, cost_table, years.price_year, options.optimism_bias, cpi)

    payers_present = [
        p
        for p in PAYER_ORDER
        if p in set(rows["payer"]) or p in set(cost_table["payer"].astype(str))
    ]
    # value of one unit of effect per participant-year, and its weight per year
    unit_coef = _unit_coefficients(rows, valued, payers_present)
    weights = options.effect_weights(valued, years.lag)
    flows_long = _flows(
        eff, valued, payers_present, unit_coef, weights, cost_table, years, discount, options.scale
    )

    # C[j, p] = PV of returns to payer p per unit of effect j, with a "total" column
    coef_pv = unit_coef * options.scale * (weights @ discount)[:, None]
    idx = [eff.outcomes.index(o) for o in valued]
    is_cost = flows_long["kind"] == "cost"
    cost_pv = np.array(
        [
            0.0 - flows_long.loc[is_cost & (flows_long["payer"] == p), "present_value_sek"].sum()
            for p in payers_present
        ]
    )
    returns = Returns(
        outcomes=valued,
        names=[*payers_present, "total"],
        coef=np.column_stack([coef_pv, coef_pv.sum(axis=1)]),
        beta=np.array([eff.estimate[i] for i in idx]),
        sigma=eff.covariance[np.ix_(idx, idx)],
        cost=np.append(cost_pv, cost_pv.sum()),
    )
    net_by_year = (
        flows_long.pivot_table(
            index="year", columns="payer", values="present_value_sek", aggfunc="sum"
        )
        .reindex(index=years.years, columns=payers_present)
        .fillna(0.0)
    )
    net_by_year["total"] = net_by_year.sum(axis=1)
    payers = payer_table(
        returns, net_by_year, years.years, draws=int(draws), seed=seed, alpha=alpha
    )
    notes += _notes(rows, cost_table, valued, not_valued, direction, options, years, cpi)
    settings = options.settings(years, valued) | {
        "unit_values": table.citation,
        "unit_values_origin": table.origin,
    }
    illustrative = bool(rows["illustrative"].any())
    return ValueResult(
        payers=payers,
        break_even=break_even_table(returns),
        flows_long=flows_long,
        effects=_effects_table(eff, valued, direction),
        unit_values_used=rows.drop(columns=["price_factor"]).reset_index(drop=True),
        settings=settings,
        unit_values_version=table.citation,
        uses_illustrative=illustrative,
        notes=tuple(notes),
    )


def _choose_outcomes(
    eff: EffectInputs, table: UnitValueTable
) -> tuple[list[str], list[str], list[str]]:
    """The outcomes valued in money, those without a unit value, and notes on overlaps.

    Raises
    ------
    InputError
        When no outcome has a unit value.
    """
    notes: list[str] = []
    dropped: set[str] = set()
    for kept, drop in _OVERLAPPING:
        if kept in eff.outcomes and drop in eff.outcomes:
            dropped.add(drop)
            notes.append(
                f"{drop} is not valued in money because {kept} values the same money; valuing "
                "both would count it twice."
            )
    codes = set(table.table["outcome_code"])
    valued = [o for o in eff.outcomes if o not in dropped and o in codes]
    not_valued = [o for o in eff.outcomes if o not in valued and o not in dropped]
    if not valued:
        raise InputError(
            f"None of the outcomes in `effects` ({', '.join(eff.outcomes)}) has a row in the "
            f"unit-value table {table.citation}; add unit values for them."
        )
    return valued, not_valued, notes


def _to_price_year(
    rows: pd.DataFrame,
    costs: pd.DataFrame,
    price_year: int,
    optimism_bias: float,
    cpi: pd.DataFrame | None,
) -> None:
    """Add the amounts in the price year to the unit values and costs (costs with the uplift)."""
    rows["price_factor"] = [price_factor(int(y), price_year, cpi) for y in rows["price_year"]]
    rows["value_sek_in_price_year"] = rows["value_sek"] * rows["price_factor"]
    costs["price_factor"] = [price_factor(int(y), price_year, cpi) for y in costs["price_year"]]
    costs["cost_in_price_year"] = costs["cost_sek"] * costs["price_factor"] * (1.0 + optimism_bias)


def _unit_coefficients(rows: pd.DataFrame, valued: list[str], payers: list[str]) -> np.ndarray:
    """Value (price year) of one unit of each outcome to each payer (outcomes x payers)."""
    per_payer_value = rows.groupby(["outcome_code", "payer"])["value_sek_in_price_year"].sum()
    unit_coef = np.zeros((len(valued), len(payers)))
    for key, v in per_payer_value.items():
        parts = key if isinstance(key, tuple) else (key, "")
        outcome, payer = str(parts[0]), str(parts[1])
        unit_coef[valued.index(outcome), payers.index(payer)] = float(v)
    return unit_coef


def _flows(
    eff: EffectInputs,
    valued: list[str],
    payers: list[str],
    unit_coef: np.ndarray,
    weights: np.ndarray,
    costs: pd.DataFrame,
    years: AppraisalYears,
    discount: np.ndarray,
    scale: float,
) -> pd.DataFrame:
    """One row per year, payer and item (a return per outcome, a cost per cost row).

    ``unit_coef`` is the value of one unit of effect to each payer (outcomes x payers),
    ``weights`` the weight of each outcome's effect per year (outcomes x years) and ``scale`` the
    participants net of deadweight.
    """
    records: list[dict[str, object]] = []
    for j, outcome in enumerate(valued):
        beta = eff.estimate[eff.outcomes.index(outcome)]
        for p, payer in enumerate(payers):
            if unit_coef[j, p] == 0:
                continue
            yearly = beta * unit_coef[j, p] * scale * weights[j]
            records.extend(
                {
                    "year": int(year),
                    "payer": payer,
                    "kind": "return",
                    "item": outcome,
                    "amount_sek": float(yearly[t]),
                    "discount_factor": float(discount[t]),
                }
                for t, year in enumerate(years.years)
            )
    for _, row in costs.iterrows():
        records.append(
            {
                "year": int(row["year"]),
                "payer": str(row["payer"]),
                "kind": "cost",
                "item": _describe(row.get("description")),
                "amount_sek": -float(row["cost_in_price_year"]),
                "discount_factor": float(discount[int(row["year"]) - years.start]),
            }
        )
    flows_long = pd.DataFrame.from_records(
        records, columns=["year", "payer", "kind", "item", "amount_sek", "discount_factor"]
    )
    flows_long["present_value_sek"] = flows_long["amount_sek"] * flows_long["discount_factor"]
    return flows_long


def _notes(
    rows: pd.DataFrame,
    costs: pd.DataFrame,
    valued: list[str],
    not_valued: list[str],
    direction: Mapping[str, int],
    options: ValueOptions,
    years: AppraisalYears,
    cpi: pd.DataFrame | None,
) -> list[str]:
    """What a reader of the value should know: odd signs, missing and illustrative unit values,
    approximate prices, deadweight and optimism bias."""
    notes: list[str] = []
    totals = rows.groupby("outcome_code")["value_sek_in_price_year"].sum()
    odd = [o for o in valued if totals[o] * direction[o] < 0]
    if odd:
        notes.append(
            "Check the signs of the unit values for "
            + ", ".join(odd)
            + ": their total value per unit more of the outcome points against the outcome's "
            "direction in the catalogue (value_sek is what one unit more is worth to the payer)."
        )
    if not_valued:
        notes.append(
            f"No unit value for {', '.join(not_valued)}: these effects are not valued in money."
        )
    illustrative_rows = rows[rows["illustrative"]]
    if len(illustrative_rows):
        used = sorted({f"{r.outcome_code}/{r.payer}" for r in illustrative_rows.itertuples()})
        notes.append(
            "Illustrative unit values (not from a citable public source) were used for: "
            + ", ".join(used)
            + "."
        )
    approx = approximate_years([*rows["price_year"], *costs["price_year"], years.price_year], cpi)
    if approx:
        notes.append(
            f"The price index for {approx} is approximate (not SCB's fixed figure); amounts "
            "converted with it are approximate."
        )
    if options.deadweight > 0:
        notes.append(f"Effects are scaled down by a deadweight of {options.deadweight:.0%}.")
    if options.optimism_bias > 0:
        notes.append(f"Costs are uplifted by an optimism bias of {options.optimism_bias:.0%}.")
    return notes


def _effects_table(
    eff: EffectInputs, valued: list[str], direction: Mapping[str, int]
) -> pd.DataFrame:
    """The effects as given, whether each is valued, and its direction."""
    return pd.DataFrame(
        {
            "outcome": list(eff.outcomes),
            "estimate": eff.estimate,
            "std_error": eff.std_error,
            "valued": [o in valued for o in eff.outcomes],
            "direction": [
                ("higher_is_better" if direction[o] > 0 else "higher_is_worse")
                if o in direction
                else None
                for o in eff.outcomes
            ],
        }
    )
