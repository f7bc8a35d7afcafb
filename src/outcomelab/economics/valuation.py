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
from scipy import special

from outcomelab._checks import check_probability
from outcomelab.economics.discounting import discount_factors
from outcomelab.economics.effects_input import read_effects
from outcomelab.economics.outcomes import ONE_OFF_OUTCOMES, resolve_directions
from outcomelab.economics.persistence import Persistence, persistence_factors
from outcomelab.economics.prices import approximate_years, price_factor
from outcomelab.economics.result import PAYER_ORDER, ValueResult
from outcomelab.economics.unit_values import UnitValueTable, load_unit_values
from outcomelab.errors import InputError, ParameterError
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
    level: float = 0.95,
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
    level
        Confidence level of the NPV intervals.
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
    # -- options ------------------------------------------------------------------------------
    if int(participants) != participants or participants < 1:
        raise ParameterError(f"`participants` must be a whole number >= 1; got {participants!r}.")
    if not 0 <= deadweight < 1:
        raise ParameterError(f"`deadweight` must be in [0, 1); got {deadweight!r}.")
    if not optimism_bias >= 0:
        raise ParameterError(f"`optimism_bias` must be >= 0 (0.2 for 20 %); got {optimism_bias!r}.")
    if int(draws) != draws or draws < 0:
        raise ParameterError(f"`draws` must be a whole number >= 0; got {draws!r}.")
    check_probability("level", level)
    if discount_schedule == "declining" and discount_rate != 0.035:
        raise ParameterError(
            "`discount_schedule='declining'` uses the Green Book rates (3.5 % for years 0-30, then "
            f"3.0 %, ...), but `discount_rate` = {discount_rate!r} was also given; leave "
            "`discount_rate` at 0.035 or pass explicit steps, e.g. [(0, 0.04), (31, 0.03)]."
        )
    horizon = int(horizon_years)
    discount = discount_factors(horizon, discount_rate, discount_schedule)

    # -- inputs -------------------------------------------------------------------------------
    eff = read_effects(effects, covariance)
    table = load_unit_values(unit_values)
    cost_table = _read_costs(costs)
    overlap_notes: list[str] = []
    dropped: set[str] = set()
    for kept, drop in _OVERLAPPING:
        if kept in eff.outcomes and drop in eff.outcomes:
            dropped.add(drop)
            overlap_notes.append(
                f"{drop} is not valued in money because {kept} values the same money; valuing "
                "both would count it twice."
            )
    valued = [
        o for o in eff.outcomes if o not in dropped and (table.table["outcome_code"] == o).any()
    ]
    not_valued = [o for o in eff.outcomes if o not in valued and o not in dropped]
    if not valued:
        raise InputError(
            f"None of the outcomes in `effects` ({', '.join(eff.outcomes)}) has a row in the "
            f"unit-value table {table.citation}; add unit values for them."
        )
    direction = resolve_directions(valued, directions)
    rows = table.table[table.table["outcome_code"].isin(valued)].copy()
    if start_year is None:
        if cost_table.empty:
            raise ParameterError("`start_year` is required when there are no costs.")
        start_year = int(cost_table["year"].min())
    first_effect = int(start_year if effect_start_year is None else effect_start_year)
    if price_year is None:
        price_year = int(max([*rows["price_year"], *cost_table["price_year"]]))
    years = np.arange(int(start_year), int(start_year) + horizon)
    outside = cost_table.loc[(cost_table["year"] < years[0]) | (cost_table["year"] > years[-1])]
    if len(outside):
        raise InputError(
            f"`costs` has years {sorted(outside['year'].unique())} outside the appraisal "
            f"{years[0]}-{years[-1]}; lengthen `horizon_years` or move `start_year`."
        )
    if not years[0] <= first_effect <= years[-1]:
        raise ParameterError(
            f"`effect_start_year` = {first_effect} is outside the appraisal {years[0]}-{years[-1]}."
        )

    # -- price year ---------------------------------------------------------------------------
    rows["price_factor"] = [price_factor(int(y), int(price_year), cpi) for y in rows["price_year"]]
    rows["value_sek_in_price_year"] = rows["value_sek"] * rows["price_factor"]
    cost_table["price_factor"] = [
        price_factor(int(y), int(price_year), cpi) for y in cost_table["price_year"]
    ]
    cost_table["cost_in_price_year"] = (
        cost_table["cost_sek"] * cost_table["price_factor"] * (1.0 + optimism_bias)
    )

    # -- effect weights per year --------------------------------------------------------------
    weight = np.zeros(horizon)
    lag = first_effect - int(start_year)
    weight[lag:] = persistence_factors(
        horizon - lag, persistence, decay_years=decay_years, half_life=half_life
    )

    # -- returns: coefficient per (outcome, payer, year) -------------------------------------
    payers_present = [
        p
        for p in PAYER_ORDER
        if p in set(rows["payer"]) or p in set(cost_table["payer"].astype(str))
    ]
    per_payer_value = rows.groupby(["outcome_code", "payer"])["value_sek_in_price_year"].sum()
    n_out, n_pay = len(valued), len(payers_present)
    unit_coef = np.zeros((n_out, n_pay))  # value of one unit of effect per participant-year
    for key, v in per_payer_value.items():
        parts = key if isinstance(key, tuple) else (key, "")
        outcome, payer = str(parts[0]), str(parts[1])
        j = valued.index(outcome)
        unit_coef[j, payers_present.index(payer)] = float(v)
    scale = float(participants) * (1.0 - deadweight)
    years_of = {o: horizon for o in valued} | {o: 1 for o in valued if o in ONE_OFF_OUTCOMES}
    for o, n_years in dict(effect_years or {}).items():
        if int(n_years) != n_years or n_years < 1:
            raise ParameterError(
                f"`effect_years[{o!r}]` must be a whole number of years >= 1; got {n_years!r}."
            )
        years_of[o] = int(n_years)
    # outcome-specific weights: zero once the outcome's effect years have passed
    weights = np.zeros((n_out, horizon))
    for j, o in enumerate(valued):
        weights[j] = weight
        weights[j, lag + years_of[o] :] = 0.0
    # C[j, p] = PV of returns to payer p per unit of effect j
    coef_pv = unit_coef * scale * (weights @ discount)[:, None]
    beta = np.array([eff.estimate[eff.outcomes.index(o)] for o in valued])
    idx = [eff.outcomes.index(o) for o in valued]
    sigma = eff.covariance[np.ix_(idx, idx)]

    records: list[dict[str, object]] = []
    for j, outcome in enumerate(valued):
        for p, payer in enumerate(payers_present):
            if unit_coef[j, p] == 0:
                continue
            yearly = beta[j] * unit_coef[j, p] * scale * weights[j]
            for t, year in enumerate(years):
                records.append(
                    {
                        "year": int(year),
                        "payer": payer,
                        "kind": "return",
                        "item": outcome,
                        "amount_sek": float(yearly[t]),
                        "discount_factor": float(discount[t]),
                    }
                )
    for _, row in cost_table.iterrows():
        t = int(row["year"]) - int(start_year)
        records.append(
            {
                "year": int(row["year"]),
                "payer": str(row["payer"]),
                "kind": "cost",
                "item": _describe(row.get("description")),
                "amount_sek": -float(row["cost_in_price_year"]),
                "discount_factor": float(discount[t]),
            }
        )
    flows_long = pd.DataFrame.from_records(
        records, columns=["year", "payer", "kind", "item", "amount_sek", "discount_factor"]
    )
    flows_long["present_value_sek"] = flows_long["amount_sek"] * flows_long["discount_factor"]

    # -- per payer ----------------------------------------------------------------------------
    cost_pv = np.array(
        [
            0.0
            - flows_long.loc[
                (flows_long["payer"] == p) & (flows_long["kind"] == "cost"), "present_value_sek"
            ].sum()
            for p in payers_present
        ]
    )
    # add a "total" column
    coef_all = np.column_stack([coef_pv, coef_pv.sum(axis=1)])
    cost_all = np.append(cost_pv, cost_pv.sum())
    names = [*payers_present, "total"]
    returns_pv = beta @ coef_all
    npv = returns_pv - cost_all
    sd = np.sqrt(np.maximum(np.einsum("jp,jk,kp->p", coef_all, sigma, coef_all), 0.0))
    z = float(special.ndtri(0.5 + level / 2))  # = scipy.stats.norm.ppf, without its import

    if draws > 0:
        rng = np.random.default_rng(seed)
        sample = rng.multivariate_normal(beta, sigma, size=int(draws), method="eigh")
        npv_draws = sample @ coef_all - cost_all
        tail = (1 - level) / 2
        mc_low = np.quantile(npv_draws, tail, axis=0)
        mc_high = np.quantile(npv_draws, 1 - tail, axis=0)
        prob = (npv_draws > 0).mean(axis=0)
    else:
        mc_low = mc_high = prob = np.full(len(names), np.nan)

    net_by_year = (
        flows_long.pivot_table(
            index="year", columns="payer", values="present_value_sek", aggfunc="sum"
        )
        .reindex(index=years, columns=payers_present)
        .fillna(0.0)
    )
    net_by_year["total"] = net_by_year.sum(axis=1)

    summary_rows = []
    for i, name in enumerate(names):
        cumulative = net_by_year[name].cumsum().to_numpy()
        payback: int | None = None
        if cost_all[i] > 0:
            reached = np.flatnonzero(cumulative >= -1e-9 * max(1.0, cost_all[i]))
            payback = int(years[reached[0]]) if reached.size else None
        with np.errstate(divide="ignore", invalid="ignore"):
            bcr = returns_pv[i] / cost_all[i] if cost_all[i] > 0 else np.nan
            roi = npv[i] / cost_all[i] if cost_all[i] > 0 else np.nan
            scale_be = cost_all[i] / returns_pv[i] if returns_pv[i] > 0 else np.nan
        summary_rows.append(
            {
                "payer": name,
                "pv_costs_sek": float(cost_all[i]),
                "pv_returns_sek": float(returns_pv[i]),
                "npv_sek": float(npv[i]),
                "bcr": float(bcr),
                "roi": float(roi),
                "payback_year": payback,
                "break_even_scale": float(scale_be),
                "npv_sd": float(sd[i]),
                "npv_low": float(mc_low[i]),
                "npv_high": float(mc_high[i]),
                "npv_low_analytic": float(npv[i] - z * sd[i]),
                "npv_high_analytic": float(npv[i] + z * sd[i]),
                "prob_ahead": float(prob[i]),
                "prob_ahead_analytic": float(
                    # P(NPV > 0) = scipy.stats.norm.sf(0, loc=npv, scale=sd), without its import
                    special.ndtr(npv[i] / sd[i]) if sd[i] > 0 else float(npv[i] > 0)
                ),
            }
        )
    payer_table = pd.DataFrame(summary_rows)

    be_rows = []
    for j, outcome in enumerate(valued):
        for i, name in enumerate(names):
            c = coef_all[j, i]
            if c == 0:
                continue
            others = returns_pv[i] - c * beta[j]
            be_rows.append(
                {
                    "outcome": outcome,
                    "payer": name,
                    "estimate": float(beta[j]),
                    "return_per_unit_pv_sek": float(c),
                    "break_even_effect": float((cost_all[i] - others) / c),
                    "break_even_effect_alone": float(cost_all[i] / c),
                }
            )
    break_even = pd.DataFrame(
        be_rows,
        columns=[
            "outcome",
            "payer",
            "estimate",
            "return_per_unit_pv_sek",
            "break_even_effect",
            "break_even_effect_alone",
        ],
    )

    notes: list[str] = list(overlap_notes)
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
        notes.append(
            "Illustrative unit values (not from a citable public source) were used for: "
            + ", ".join(
                sorted({f"{r.outcome_code}/{r.payer}" for r in illustrative_rows.itertuples()})
            )
            + "."
        )
    approx = approximate_years(
        [*rows["price_year"], *cost_table["price_year"], int(price_year)], cpi
    )
    if approx:
        notes.append(
            f"The price index for {approx} is approximate (not SCB's fixed figure); amounts "
            "converted with it are approximate."
        )
    if deadweight > 0:
        notes.append(f"Effects are scaled down by a deadweight of {deadweight:.0%}.")
    if optimism_bias > 0:
        notes.append(f"Costs are uplifted by an optimism bias of {optimism_bias:.0%}.")

    effects_table = pd.DataFrame(
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
    settings: dict[str, object] = {
        "horizon_years": horizon,
        "participants": int(participants),
        "start_year": int(start_year),
        "effect_start_year": first_effect,
        "price_year": int(price_year),
        "discount_rate": float(discount_rate),
        "discount_schedule": discount_schedule
        if isinstance(discount_schedule, str)
        else [list(s) for s in discount_schedule],
        "persistence": persistence,
        "decay_years": decay_years,
        "half_life": half_life,
        "effect_years": {o: years_of[o] for o in valued},
        "deadweight": float(deadweight),
        "optimism_bias": float(optimism_bias),
        "draws": int(draws),
        "seed": seed,
        "level": float(level),
        "unit_values": table.citation,
        "unit_values_origin": table.origin,
    }
    used = rows.drop(columns=["price_factor"]).reset_index(drop=True)
    return ValueResult(
        payers=payer_table,
        break_even=break_even,
        flows_long=flows_long,
        effects=effects_table,
        unit_values_used=used,
        settings=settings,
        unit_values_version=table.citation,
        uses_illustrative=bool(len(illustrative_rows)),
        notes=tuple(notes),
    )
