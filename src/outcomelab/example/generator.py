"""A synthetic submission with a known true effect: the lab's worked example and test bed.

The example is one intervention of Norrköping municipality (code 0581; the data are synthetic) for
young people aged 16-29 who neither work nor study ("unga som varken arbetar eller studerar"). About
2,000 participants start in four yearly cohorts (2019-2022, on dates spread over the year); a pool
of about 20,000 comparison candidates has no start date. Yearly register outcomes 2015-2024 are
given for employment, receipt of social assistance, the amount of social assistance (SEK) and
sick-leave days.

The data-generating process is built so that the usual methods have something to get right:

* **selection on observables**: participation depends only on the baseline covariates in the
  participants table (age, sex, born abroad, education, prior-year employment, social assistance and
  sick leave), so participants differ from the pool and the naive comparison is biased;
* **person fixed effects and common year shocks**, plus trends that depend on observed covariates
  (the age profile of employment, an education-specific trend), so parallel trends hold conditional
  on covariates but not unconditionally;
* **a known effect** that starts in the year of the start date (scaled by the share of that year
  left after the start) and, for employment, grows with time since start. Both potential outcomes
  are drawn for every person and year, so the true sample ATT is known exactly; it is written to
  ``truth.json``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from outcomelab.errors import ParameterError

__all__ = [
    "DEMO_KEY",
    "EXAMPLE_INTERVENTION_ID",
    "EXAMPLE_OUTCOMES",
    "EXAMPLE_PERIODS",
    "ExampleData",
    "generate_example",
    "true_effect",
    "write_example",
]

#: HMAC key under which the synthetic person ids are pseudonymised (public: the data are synthetic)
DEMO_KEY = b"outcomelab-demo-key-not-secret"
#: intervention id of the example submission
EXAMPLE_INTERVENTION_ID = "0581-UNGA-2019"
#: outcome codes in the example, in the order they are written
EXAMPLE_OUTCOMES = (
    "employment",
    "social_assistance_receipt",
    "social_assistance_amount",
    "sick_leave_days",
)
#: yearly periods covered by the example outcomes
EXAMPLE_PERIODS = tuple(range(2015, 2025))
_COHORTS = np.array([2019, 2020, 2021, 2022])
_GENERATOR_VERSION = 1

# common year shocks (2020: the pandemic year) -- index 0 is 2015
_YEAR_SHOCK_EMP = np.array([0.00, 0.01, 0.02, 0.03, 0.03, -0.04, -0.01, 0.03, 0.03, 0.01])
_YEAR_SHOCK_SA = np.array([0.02, 0.01, 0.00, -0.01, -0.01, 0.02, 0.01, -0.01, -0.02, 0.00])
_YEAR_SHOCK_SICK = np.array([0.0, 0.5, 1.0, 1.0, 1.5, 4.0, 3.0, 1.0, 0.5, 0.5])
_EDU_LEVELS = np.array(["compulsory_or_less", "upper_secondary", "post_secondary", "unknown"])
_SEX_LEVELS = np.array(["female", "male", "unknown"])
_NEIGHBOURS = np.array(["0581", "0580", "0582", "0583", "0584", "0509"])


def true_effect(outcome: str, rel_time: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """The structural effect on the latent index of ``outcome`` at event time ``rel_time``.

    Parameters
    ----------
    outcome
        One of :data:`EXAMPLE_OUTCOMES` (for ``social_assistance_amount`` the effect is a
        proportional cut of the amount paid, on top of the effect through receipt).
    rel_time
        Period minus start year (negative before the start: no effect, no anticipation).
    exposure
        Share of the start year left after the start date (used at ``rel_time == 0``).

    Returns
    -------
    numpy.ndarray
        Effect on the probability (employment, receipt), the proportional cut (amount) or days
        (sick leave). The realised person-level effects differ because of the 0/1 and
        non-negativity bounds; ``truth.json`` holds the realised averages.
    """
    e = np.asarray(rel_time, dtype=float)
    x = np.asarray(exposure, dtype=float)
    post = e >= 1
    if outcome == "employment":
        full = np.minimum(0.04 + 0.015 * e, 0.10)
        return np.where(post, full, np.where(e == 0, 0.04 * x, 0.0))
    base = {"social_assistance_receipt": -0.04, "social_assistance_amount": -0.10}.get(outcome)
    if outcome == "sick_leave_days":
        base = -2.0
    if base is None:
        raise ParameterError(f"`outcome` must be one of {EXAMPLE_OUTCOMES}; got {outcome!r}.")
    return np.where(post, base, np.where(e == 0, base * x, 0.0))


@dataclass
class _Draw:
    """Everything drawn for the example (internal)."""

    participants: pd.DataFrame
    y0: dict[str, np.ndarray]  # outcome -> (persons x periods)
    y1: dict[str, np.ndarray]
    cohort: np.ndarray  # 0 for the pool
    exposure: np.ndarray


class ExampleData(dict[str, pd.DataFrame]):
    """The example tables (``interventions, participants, outcomes, costs``) as a dict.

    Attributes
    ----------
    truth
        The contents of ``truth.json``: true average effects on the treated per outcome.
    potential_outcomes
        Long table ``person_id, outcome_code, period, y0, y1`` for every participant and period
        (both potential outcomes; the observed value is ``y1`` from the start year on).
    """

    truth: dict[str, Any]
    potential_outcomes: pd.DataFrame


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _person_ids(n: int, key: bytes) -> np.ndarray:
    """HMAC-SHA256 hex of the synthetic sequence ``demo-person-0000001``, ... (not real numbers)."""
    return np.array(
        [
            hmac.new(key, f"demo-person-{i:07d}".encode(), hashlib.sha256).hexdigest()
            for i in range(1, n + 1)
        ],
        dtype=object,
    )


@dataclass(frozen=True)
class _Baseline:
    """Who the synthetic persons are before the intervention (covariates and latent traits)."""

    birth_year: np.ndarray
    sex: np.ndarray
    born_abroad: np.ndarray
    edu_idx: np.ndarray  # 0 compulsory, 1 upper secondary, 2 post-secondary, 3 unknown
    z_emp: np.ndarray
    z_sa: np.ndarray
    z_sick: np.ndarray
    employed_prev: np.ndarray
    sa_prev: np.ndarray
    sick_prev: np.ndarray


@dataclass(frozen=True)
class _Assignment:
    """Who takes part, in which cohort, from when and for how long."""

    treated: np.ndarray
    cohort: np.ndarray
    start: pd.DatetimeIndex
    end: pd.DatetimeIndex
    exposure: np.ndarray
    dosage: np.ndarray
    home: np.ndarray


def _draw(n_participants: int, n_pool: int, seed: int) -> _Draw:
    rng = np.random.default_rng(seed)
    # the steps draw from one generator in this order: keep it, or every file changes
    base = _draw_baseline(rng, n_participants + n_pool)
    assigned = _draw_assignment(rng, base, n_participants)
    y0, y1 = _draw_outcomes(rng, base, assigned)
    participants = pd.DataFrame(
        {
            "birth_year": base.birth_year,
            "sex": base.sex,
            "born_abroad": base.born_abroad,
            "education_level": _EDU_LEVELS[base.edu_idx],
            "employed_months_prev_year": base.employed_prev,
            "social_assistance_months_prev_year": base.sa_prev,
            "sick_leave_days_prev_year": base.sick_prev,
            "home_municipality_code": assigned.home,
            "_treated": assigned.treated,
            "_start": assigned.start,
            "_end": assigned.end,
            "_still_running": assigned.end > pd.Timestamp("2024-12-31"),
            "_dosage": assigned.dosage,
        }
    )
    return _Draw(participants, y0, y1, assigned.cohort, assigned.exposure)


def _draw_baseline(rng: np.random.Generator, n: int) -> _Baseline:
    """Baseline covariates, person-level latent traits and the prior year's history."""
    birth_year = rng.integers(1990, 2006, size=n)
    age19 = 2019 - birth_year  # age in 2019: 14..29
    sex = _SEX_LEVELS[rng.choice(3, size=n, p=[0.475, 0.52, 0.005])]
    male = (sex == "male").astype(float)
    female = (sex == "female").astype(float)
    born_abroad = rng.random(n) < 0.28
    edu_latent = 0.12 * (age19 - 21) + 0.35 * rng.standard_normal(n) - 0.3 * born_abroad
    edu_idx = np.digitize(edu_latent, [-0.35, 0.55])  # 0 compulsory, 1 upper sec., 2 post-sec.
    edu_idx = np.where(rng.random(n) < 0.06, 3, edu_idx)  # unknown
    edu_emp = np.array([-0.6, 0.0, 0.4, -0.3])[edu_idx]

    # person-level latent traits (the person fixed effects)
    z_emp = edu_emp - 0.35 * born_abroad + 0.1 * male + 0.8 * rng.standard_normal(n)
    z_sa = -0.5 * z_emp + 0.5 * born_abroad + 0.7 * rng.standard_normal(n)
    z_sick = 0.3 * female + 0.2 * (edu_idx == 0) + 0.8 * rng.standard_normal(n)

    # prior-year history (measured in the baseline year, with its own noise)
    employed_prev = rng.binomial(12, _sigmoid(z_emp - 0.6 + 0.4 * rng.standard_normal(n)))
    sa_prev = rng.binomial(12, _sigmoid(z_sa - 1.2 + 0.4 * rng.standard_normal(n)))
    sick_prev = np.clip(
        np.round(np.maximum(0, 6 + 8 * z_sick + 6 * rng.standard_normal(n))), 0, 366
    ).astype(int)
    return _Baseline(
        birth_year,
        sex,
        born_abroad,
        edu_idx,
        z_emp,
        z_sa,
        z_sick,
        employed_prev,
        sa_prev,
        sick_prev,
    )


def _draw_assignment(rng: np.random.Generator, base: _Baseline, n_participants: int) -> _Assignment:
    """Selection on observables (Gumbel top-k with weights exp(score(X))), cohorts and dates."""
    n = len(base.birth_year)
    edu_idx = base.edu_idx
    score = (
        0.7 * (edu_idx == 0)
        + 0.3 * (edu_idx == 3)
        + 0.4 * base.born_abroad
        + 0.2 * (base.sex == "male").astype(float)
        - 0.2 * base.employed_prev
        + 0.15 * base.sa_prev
        + 0.015 * base.sick_prev
        - 0.04 * (2019 - base.birth_year - 21)
    )
    keys = score + rng.gumbel(size=n)
    order = np.argsort(-keys, kind="stable")
    treated = np.zeros(n, dtype=bool)
    treated[order[:n_participants]] = True

    # cohort: uniform over the start years in which the person is 16-29 (depends on birth year only)
    ages_at = _COHORTS[None, :] - base.birth_year[:, None]
    eligible = (ages_at >= 16) & (ages_at <= 29)
    u = rng.random((n, len(_COHORTS))) * eligible
    cohort = np.where(treated, _COHORTS[np.argmax(u, axis=1)], 0)
    day_of_year = rng.integers(0, 365, size=n)
    start = pd.to_datetime(cohort.clip(min=2019).astype(str), format="%Y") + pd.to_timedelta(
        day_of_year, unit="D"
    )
    exposure = np.where(treated, (365 - day_of_year) / 365.0, 0.0)
    duration = rng.integers(120, 550, size=n)
    end = start + pd.to_timedelta(duration, unit="D")
    dosage = np.round(rng.gamma(4.0, 30.0, size=n), 1)
    home = np.where(rng.random(n) < 0.7, "0581", _NEIGHBOURS[rng.integers(0, 6, size=n)])
    return _Assignment(treated, cohort, start, end, exposure, dosage, home)


def _draw_outcomes(
    rng: np.random.Generator, base: _Baseline, assigned: _Assignment
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Both potential outcomes of every person in every period (persons x periods)."""
    periods = np.array(EXAMPLE_PERIODS)
    age = periods[None, :] - base.birth_year[:, None]
    rel = np.where(assigned.treated[:, None], periods[None, :] - assigned.cohort[:, None], -99)
    expo = assigned.exposure[:, None]
    t = periods - 2015
    age_profile = np.clip(0.03 * (age - 16), 0.0, 0.36)
    edu_trend = np.array([-0.004, 0.0, 0.006, 0.0])[base.edu_idx][:, None] * t[None, :]
    born_abroad = base.born_abroad

    y0: dict[str, np.ndarray] = {}
    y1: dict[str, np.ndarray] = {}
    # Every index below is additive in a person effect (bounded through a sigmoid), terms in
    # observed covariates and a year shock, and stays inside (0, 1) with the effect added, so no
    # clipping binds: parallel trends hold exactly conditional on birth_year, education_level
    # and born_abroad.
    # employment (0/1): a linear probability with person effect, age profile and year shocks
    p_emp = (
        0.10
        + 0.30 * _sigmoid(base.z_emp)[:, None]
        + age_profile
        + edu_trend
        + _YEAR_SHOCK_EMP[None, :]
    )
    u_emp = rng.random(p_emp.shape)
    p0 = np.clip(p_emp, 0.01, 0.99)
    p1 = np.clip(p_emp + true_effect("employment", rel, expo), 0.01, 0.99)
    y0["employment"] = (u_emp < p0).astype(np.int64)
    y1["employment"] = (u_emp < p1).astype(np.int64)

    # social assistance receipt (0/1)
    p_sa = 0.16 + 0.35 * _sigmoid(base.z_sa)[:, None] - 0.2 * age_profile + _YEAR_SHOCK_SA[None, :]
    u_sa = rng.random(p_sa.shape)
    q0 = np.clip(p_sa, 0.01, 0.99)
    q1 = np.clip(p_sa + true_effect("social_assistance_receipt", rel, expo), 0.01, 0.99)
    y0["social_assistance_receipt"] = (u_sa < q0).astype(np.int64)
    y1["social_assistance_receipt"] = (u_sa < q1).astype(np.int64)

    # amount (SEK per year): months received x monthly amount, paid only when receiving; the
    # amount's mean depends only on born_abroad (observed), so trends stay parallel given X
    monthly = 5500 + 2500 * born_abroad[:, None] + rng.gamma(2.0, 1200.0, size=p_sa.shape)
    months = 1 + rng.binomial(11, 0.5, size=p_sa.shape)
    full_amount = monthly * months
    cut = 1.0 + true_effect("social_assistance_amount", rel, expo)
    y0["social_assistance_amount"] = np.round(y0["social_assistance_receipt"] * full_amount)
    y1["social_assistance_amount"] = np.round(y1["social_assistance_receipt"] * full_amount * cut)
    y0["social_assistance_amount"] = y0["social_assistance_amount"].astype(np.int64)
    y1["social_assistance_amount"] = y1["social_assistance_amount"].astype(np.int64)

    # sick-leave days: a non-negative additive index (the noise is bounded below by -4), so only
    # Y(1) can reach the bound 0 and trends stay parallel given X
    s_lat = (
        4.0
        + 20.0 * _sigmoid(base.z_sick)[:, None]
        + 0.2 * np.clip(age - 10, 0, None)
        + _YEAR_SHOCK_SICK[None, :]
        + rng.gamma(2.0, 2.0, size=p_emp.shape)
        - 4.0
    )
    y0["sick_leave_days"] = np.clip(np.round(s_lat), 0, 366).astype(np.int64)
    s1 = s_lat + true_effect("sick_leave_days", rel, expo)
    y1["sick_leave_days"] = np.clip(np.round(s1), 0, 366).astype(np.int64)

    return y0, y1


def _group_means(keys: np.ndarray, values: np.ndarray) -> dict[int, tuple[float, int]]:
    """Mean and count of ``values`` per distinct integer key, in ascending key order."""
    uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=values, minlength=len(uniq))
    return {int(k): (float(s / c), int(c)) for k, s, c in zip(uniq, sums, counts, strict=True)}


def _truth_tables(
    pids: np.ndarray, cohort: np.ndarray, y0: Mapping[str, np.ndarray], y1: Mapping[str, np.ndarray]
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Realised ATTs from the potential outcomes of the participants."""
    periods = np.array(EXAMPLE_PERIODS)
    tr = np.flatnonzero(cohort > 0)
    g = np.repeat(cohort[tr], len(periods))
    t = np.tile(periods, len(tr))
    po_parts = []
    per_outcome: dict[str, Any] = {}
    for code in EXAMPLE_OUTCOMES:
        a0 = y0[code][tr].ravel()
        a1 = y1[code][tr].ravel()
        eff = (a1 - a0).astype(float)
        rel = t - g
        post = rel >= 0
        ep, gp, tp = eff[post], g[post], t[post]
        cells = _group_means(gp * 10000 + tp, ep)
        per_cohort = _group_means(gp, ep)
        n_persons = {k: float(np.sum(cohort[tr] == k)) for k in per_cohort}
        group_overall = sum(per_cohort[k][0] * n_persons[k] for k in per_cohort) / sum(
            n_persons.values()
        )
        per_outcome[code] = {
            "att": float(ep.mean()),
            "att_group": float(group_overall),
            "att_by_event_time": {str(k): m for k, (m, _) in _group_means(rel[post], ep).items()},
            "att_by_cohort": {str(k): m for k, (m, _) in per_cohort.items()},
            "att_by_period": {str(k): m for k, (m, _) in _group_means(tp, ep).items()},
            "att_by_group_time": [
                {"cohort": k // 10000, "period": k % 10000, "att": m, "n": c}
                for k, (m, c) in cells.items()
            ],
            "n_person_periods_post": int(post.sum()),
            "max_abs_effect_before_start": float(np.abs(eff[~post]).max())
            if (~post).any()
            else 0.0,
        }
        po_parts.append(
            pd.DataFrame(
                {
                    "person_id": np.repeat(pids[tr], len(periods)),
                    "outcome_code": code,
                    "period": t.astype(str),
                    "y0": a0,
                    "y1": a1,
                }
            )
        )
    return per_outcome, pd.concat(po_parts, ignore_index=True)


def generate_example(
    out_dir: str | Path | None = None,
    *,
    n_participants: int = 2000,
    n_pool: int = 20000,
    seed: int = 20261127,
) -> ExampleData:
    """Generate the synthetic example submission with a known true effect.

    Parameters
    ----------
    out_dir
        If given, the tables are written there as ``interventions.csv``, ``participants.csv``,
        ``outcomes.csv``, ``costs.csv`` (UTF-8, comma-separated, ISO dates) plus ``truth.json``.
        The same arguments always give byte-identical files.
    n_participants
        Number of participants (split over the cohorts 2019-2022); at least 60.
    n_pool
        Number of comparison candidates (``group = comparison``, no start date); at least 60.
    seed
        Seed of the random generator.

    Returns
    -------
    ExampleData
        A dict with the DataFrames ``interventions``, ``participants``, ``outcomes``, ``costs``;
        its ``truth`` attribute holds the contents of ``truth.json`` and ``potential_outcomes``
        both potential outcomes of every participant.

    Raises
    ------
    ParameterError
        If a size is below 60 or the seed is negative.

    Notes
    -----
    Outcomes of person *i* in year *t* are drawn from both potential outcomes with common random
    numbers, e.g. for employment ``Y_it(0) = 1{U_it < p_it}``, ``Y_it(1) = 1{U_it < p_it + tau(e)}``
    with ``p_it = a + b z_i + age_profile(t - birth_year_i) + edu_trend_i t + s_t`` (person
    effect ``z_i``, year shock ``s_t``) and event time ``e = t - start year``. Participation
    depends only on the baseline covariates, so unconfoundedness and parallel trends hold
    conditional on them. ``truth.json`` reports for each outcome the realised sample ATT

    ``ATT = mean over participants i and years t >= start year of Y_it(1) - Y_it(0)``

    (``att``; equal to the ``"simple"`` aggregation of group-time ATTs), the ATT by event time
    (``"dynamic"``), by cohort and its cohort-size-weighted mean (``att_group``), by calendar year
    and for every cohort x year cell (``ATT(g, t)`` of Callaway & Sant'Anna). The structural effect
    is given by :func:`true_effect`: employment +0.04 + 0.015 e (at most +0.10) for e >= 1,
    social-assistance receipt -0.04, amount -10 % for those still receiving, sick leave -2 days;
    in the start year the effect is scaled by the share of the year left after the start date.

    References
    ----------
    Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
    periods. Journal of Econometrics 225(2), 200-230.

    Examples
    --------
    >>> from outcomelab.example import generate_example
    >>> data = generate_example(n_participants=100, n_pool=500)
    >>> sorted(data)
    ['costs', 'interventions', 'outcomes', 'participants']
    >>> round(data.truth["outcomes"]["sick_leave_days"]["att"]) < 0
    True
    """
    if n_participants < 60 or n_pool < 60:
        raise ParameterError(
            f"`n_participants` and `n_pool` must each be at least 60; got {n_participants} and "
            f"{n_pool}. The lab does not analyse smaller groups."
        )
    if seed < 0:
        raise ParameterError(f"`seed` must be a non-negative integer; got {seed}.")
    d = _draw(n_participants, n_pool, seed)
    n = n_participants + n_pool
    pids = _person_ids(n, DEMO_KEY)
    p = d.participants
    treated = p["_treated"].to_numpy()

    participants = pd.DataFrame(
        {
            "person_id": pids,
            "intervention_id": EXAMPLE_INTERVENTION_ID,
            "group": np.where(treated, "participant", "comparison"),
            "start_date": p["_start"].where(treated),
            "end_date": p["_end"].where(treated & ~p["_still_running"]),
            "dosage": p["_dosage"].where(treated),
            "birth_year": p["birth_year"],
            "sex": p["sex"],
            "born_abroad": p["born_abroad"],
            "education_level": p["education_level"],
            "employed_months_prev_year": p["employed_months_prev_year"],
            "social_assistance_months_prev_year": p["social_assistance_months_prev_year"],
            "sick_leave_days_prev_year": p["sick_leave_days_prev_year"],
            "home_municipality_code": p["home_municipality_code"],
        }
    )
    # participants first, then the pool; each sorted by pseudonym (no information in the order)
    order = np.lexsort((pids, ~treated))
    participants = participants.iloc[order].reset_index(drop=True)

    periods = np.array(EXAMPLE_PERIODS)
    by_pid = np.argsort(pids, kind="stable")  # outcomes sorted by person, code, period
    post = (d.cohort[:, None] > 0) & (periods[None, :] >= d.cohort[:, None])
    codes = sorted(EXAMPLE_OUTCOMES)
    values = np.stack([np.where(post, d.y1[c], d.y0[c])[by_pid] for c in codes], axis=1)
    per_person = len(codes) * len(periods)
    idx = np.arange(n * per_person)
    outcomes = pa.table(
        {
            "person_id": pa.array(pids[by_pid], pa.string()).take(idx // per_person),
            "outcome_code": pa.array(codes, pa.string()).take((idx // len(periods)) % len(codes)),
            "period": pa.array(periods.astype(str), pa.string()).take(idx % len(periods)),
            "value": values.ravel(),
        }
    ).to_pandas()

    interventions = pd.DataFrame(
        {
            "intervention_id": [EXAMPLE_INTERVENTION_ID],
            "name": ["Unga vuxna i arbete eller studier (syntetiskt exempel)"],
            "organisation_name": ["Norrköpings kommun"],
            "organisation_type": ["municipality"],
            "organisation_code": ["0581"],
            "target_group": ["children_young_people"],
            "funding_form": ["social_investment_fund"],
            "sectors": ["social_services;labour_market;school"],
            "start_date": [pd.Timestamp("2019-01-01")],
            "end_date": [pd.Timestamp("2022-12-31")],
            "budget_sek": [int(round(n_participants * 16500, -3))],
            "period_type": ["year"],
            "primary_outcome": ["employment"],
        }
    )

    cohort_sizes = pd.Series(d.cohort[d.cohort > 0]).value_counts().sort_index()
    cost_rows = []
    for year in range(2019, 2023):
        active = int(cohort_sizes.get(year, 0)) + int(0.5 * cohort_sizes.get(year - 1, 0))
        cost_rows += [
            (year, "municipality", "Norrköpings kommun, socialförvaltningen", 11000 * active,
             "Coaches and case management"),
            (year, "municipality", "Norrköpings kommun, utbildningsförvaltningen", 3500 * active,
             "Study guidance and adult education places"),
            (year, "region", "Region Östergötland", 1500 * active,
             "Psychiatric outpatient support"),
            (year, "state", "Arbetsförmedlingen", 2000 * active, "Work placements"),
        ]  # fmt: skip
    costs = pd.DataFrame(
        cost_rows, columns=["year", "payer", "agency", "cost_sek", "description"]
    ).assign(intervention_id=EXAMPLE_INTERVENTION_ID, price_year=2024)
    costs = costs[
        ["intervention_id", "year", "payer", "agency", "cost_sek", "price_year", "description"]
    ]
    costs["cost_sek"] = costs["cost_sek"].astype(np.int64)

    per_outcome, potential = _truth_tables(pids, d.cohort, d.y0, d.y1)
    post_2024 = outcomes[outcomes["period"] == "2024"].merge(
        participants[["person_id", "group"]], on="person_id"
    )
    naive = post_2024.groupby(["outcome_code", "group"])["value"].mean().unstack()
    for code in EXAMPLE_OUTCOMES:
        per_outcome[code]["naive_difference_2024"] = float(
            naive.loc[code, "participant"] - naive.loc[code, "comparison"]
        )
    truth: dict[str, Any] = {
        "description": (
            "Synthetic example submission with a known effect. Every number under 'outcomes' is "
            "a realised average of Y(1) - Y(0) over participants (the sample ATT), computed from "
            "both potential outcomes that were drawn for every person and year."
        ),
        "definitions": {
            "att": "mean of Y(1)-Y(0) over participant-years with period >= start year "
            "(= 'simple' aggregation of ATT(g,t) weighted by cohort size)",
            "att_group": "mean over cohorts of att_by_cohort weighted by cohort size "
            "('group' aggregation)",
            "att_by_event_time": "mean of Y(1)-Y(0) over participants at event time e = period - "
            "start year ('dynamic' aggregation)",
            "att_by_cohort": "mean over the cohort's participant-years with period >= start year",
            "att_by_period": "mean over participants already started in that calendar year",
            "att_by_group_time": "ATT(g,t): mean over cohort g in period t (Callaway-Sant'Anna)",
            "naive_difference_2024": "mean observed outcome of participants minus comparison "
            "pool in 2024 (biased by selection; for contrast only)",
            "cohort": "calendar year of start_date",
        },
        "structural_effect": {
            "employment": "+(0.04 + 0.015 e), at most +0.10, on the probability for e >= 1",
            "social_assistance_receipt": "-0.04 on the probability for e >= 1",
            "social_assistance_amount": "through receipt, plus -10 % of the amount for e >= 1",
            "sick_leave_days": "-2 days on a latent index censored at 0 for e >= 1",
            "start_year": "effects at e = 0 are scaled by the share of the year after start_date",
            "anticipation": "none: Y(1) = Y(0) before the start year",
        },
        "selection": "participation depends only on the participants table's baseline covariates "
        "(birth_year, sex, born_abroad, education_level, *_prev_year); parallel trends hold "
        "conditional on birth_year and education_level",
        "generator": {
            "version": _GENERATOR_VERSION,
            "seed": seed,
            "n_participants": n_participants,
            "n_pool": n_pool,
        },
        "intervention_id": EXAMPLE_INTERVENTION_ID,
        "periods": [str(x) for x in EXAMPLE_PERIODS],
        "cohort_sizes": {
            str(k): c
            for k, (_, c) in _group_means(
                d.cohort[d.cohort > 0], d.cohort[d.cohort > 0] * 0.0
            ).items()
        },
        "outcomes": per_outcome,
    }

    data = ExampleData(
        interventions=interventions, participants=participants, outcomes=outcomes, costs=costs
    )
    data.truth = truth
    data.potential_outcomes = potential
    if out_dir is not None:
        write_example(data, out_dir)
    return data


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as UTF-8 CSV (ISO dates, quotes only where needed) fast, via Arrow."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, name in enumerate(table.column_names):
        if pa.types.is_timestamp(table.schema.field(name).type):
            table = table.set_column(i, name, table.column(name).cast(pa.date32()))
    options = pacsv.WriteOptions(quoting_style="needed")
    pacsv.write_csv(table, str(path), write_options=options)


def write_example(data: ExampleData, out_dir: str | Path) -> Path:
    """Write the example tables as CSV and its truth as ``truth.json`` into ``out_dir``.

    Parameters
    ----------
    data
        The result of :func:`generate_example`.
    out_dir
        Target folder (created if needed; existing example files are replaced).

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("interventions", "participants", "outcomes", "costs"):
        _write_csv(data[name], out / f"{name}.csv")
    text = json.dumps(data.truth, indent=2, ensure_ascii=False, sort_keys=False)
    (out / "truth.json").write_text(text + "\n", encoding="utf-8")
    return out
