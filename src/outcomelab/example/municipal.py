"""A synthetic municipal panel with a known effect: the test bed of the synthetic designs.

290 municipalities (codes grouped by the 21 regions, as Sweden's are), 20 years of a municipal key
figure -- the share of young people aged 16-24 in employment -- and one or several municipalities
that start a youth programme ("kommunal ungdomsgaranti") in the same year (or, with
``staggered=True``, in two different years). All numbers are synthetic; only a few well-known
municipality names are used as labels, the rest are called by their code.

Data-generating process (per municipality ``i`` and year ``t``)::

    y_it = mu + a_i + b_t + l_i' f_t + e_it + tau_it * D_it

with two common factors ``f_t`` (a business cycle and a slow trend) whose loadings ``l_i`` differ
between municipalities and are shifted for the treated ones (so plain difference-in-differences
is biased while a weighted comparison can match them), AR(1) errors whose size falls with the
number of young people behind the share (binomial sampling error plus a municipal component), and
a true effect ``tau`` that starts in the first treated year and grows with time since the start.
``truth.json`` holds the average effect on the treated units over the post-treatment years (the
estimand of synthetic DiD and synthetic control), by year, and population weighted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import ParameterError

__all__ = ["MUNICIPAL_OUTCOME", "municipal_panel", "write_municipal_example"]

#: outcome code of the municipal example (the lab catalogue's employment, as a share per unit)
MUNICIPAL_OUTCOME = "employment"
_INTERVENTION_ID = "0581-UNGDOMSGARANTI-2019"
# number of municipalities per region code (Sweden's 290, by region)
_REGIONS = {
    "01": 26,
    "03": 8,
    "04": 9,
    "05": 13,
    "06": 13,
    "07": 8,
    "08": 12,
    "09": 1,
    "10": 5,
    "12": 33,
    "13": 6,
    "14": 49,
    "17": 16,
    "18": 12,
    "19": 10,
    "20": 15,
    "21": 10,
    "22": 7,
    "23": 8,
    "24": 15,
    "25": 14,
}
_NAMES = {
    "0180": "Stockholm",
    "0380": "Uppsala",
    "0480": "Nyköping",
    "0484": "Eskilstuna",
    "0580": "Linköping",
    "0581": "Norrköping",
    "0680": "Jönköping",
    "0780": "Växjö",
    "0880": "Kalmar",
    "0980": "Gotland",
    "1080": "Karlskrona",
    "1280": "Malmö",
    "1281": "Lund",
    "1283": "Helsingborg",
    "1380": "Halmstad",
    "1480": "Göteborg",
    "1490": "Borås",
    "1780": "Karlstad",
    "1880": "Örebro",
    "1980": "Västerås",
    "2080": "Falun",
    "2180": "Gävle",
    "2281": "Sundsvall",
    "2380": "Östersund",
    "2480": "Umeå",
    "2580": "Luleå",
}
_TREATED_POOL = ("0581", "0580", "1880", "1980", "0484", "2180", "1283", "0680")


def _codes() -> list[str]:
    codes: list[str] = []
    for region, count in _REGIONS.items():
        big = [c for c in _NAMES if c[:2] == region]
        numbers = iter(n for n in range(14, 100) if f"{region}{n:02d}" not in big)
        own = big[:count]
        codes.extend(own)
        codes.extend(f"{region}{next(numbers):02d}" for _ in range(count - len(own)))
    return sorted(codes)


def municipal_panel(
    *,
    n_treated: int = 1,
    staggered: bool = False,
    first_year: int = 2005,
    last_year: int = 2024,
    start_year: int = 2019,
    effect: float = 0.02,
    selection: bool = True,
    seed: int = 20261130,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draw the municipal panel and its truth.

    Parameters
    ----------
    n_treated
        Number of treated municipalities (1 to 8).
    staggered
        With two or more treated: half of them start in ``start_year``, the rest two years later.
    first_year, last_year
        Years covered (15 to 20 years are typical of municipal key figures).
    start_year
        First treated year.
    effect
        Effect in the first treated year on the share (0.02 = 2 percentage points); it grows by
        a quarter of that each further year.
    selection
        Whether the treated municipalities differ from the others in level and in their
        exposure to the common factors (the default; plain DiD is then biased). ``False`` draws
        them like every other municipality (the setting in which placebo standard errors are
        valid by design; used by the simulation tests).
    seed
        Random seed (same seed, same panel).

    Returns
    -------
    panel, truth
        ``panel`` has one row per municipality and year: ``municipality`` (code), ``name``,
        ``year``, ``employment`` (share 0-1), ``population`` (young people 16-24), ``cohort``
        (first treated year, 0 = never) and ``treated`` (0/1). ``truth`` holds ``att`` (average
        over treated municipality-years), ``att_by_year``, ``att_population_weighted`` and the
        treated codes.

    Raises
    ------
    ParameterError
        Out-of-range sizes or years.

    Examples
    --------
    >>> panel, truth = municipal_panel(n_treated=2, seed=1)
    >>> panel["municipality"].nunique(), sorted(truth["treated"])
    (290, ['0580', '0581'])
    """
    if not 1 <= n_treated <= len(_TREATED_POOL):
        raise ParameterError(
            f"`n_treated` must be between 1 and {len(_TREATED_POOL)}; got {n_treated}."
        )
    if staggered and n_treated < 2:
        raise ParameterError("`staggered=True` needs `n_treated` of at least 2.")
    years = np.arange(first_year, last_year + 1)
    if not (first_year + 4 <= start_year <= last_year - (3 if staggered else 1)):
        raise ParameterError(
            f"`start_year` {start_year} leaves too few years before or after it in "
            f"{first_year}-{last_year}; use at least 4 pre-treatment years and 2 after."
        )
    rng = np.random.default_rng(seed)
    codes = _codes()
    n, t = len(codes), len(years)
    treated_codes = sorted(_TREATED_POOL[:n_treated])
    is_treated = np.isin(codes, treated_codes)
    # young people 16-24: log-normal around 1,500 (a few hundred to about 90,000)
    population = np.round(np.exp(rng.normal(7.3, 0.9, n))).astype(int) + 150
    big = np.isin(codes, list(_NAMES))
    population[big] = np.maximum(population[big], 8000) * 3
    cycle = np.sin((years - first_year) / 2.2)
    trend = (years - first_year) / (t - 1)
    f = np.column_stack([cycle, trend])
    loadings = rng.normal([0.02, 0.03], [0.012, 0.02], size=(n, 2))
    level = rng.normal(0.0, 0.05, n)
    if selection:
        loadings[is_treated] += np.array([0.01, 0.015])
        level += np.where(is_treated, -0.03, 0.0)
    year_shock = np.cumsum(rng.normal(0, 0.006, t))
    share = 0.45 + level[:, None] + year_shock[None, :] + loadings @ f.T
    # sampling error of a share of n young people (design effect 0.2) plus a municipal component
    sd = np.sqrt(0.003**2 + 0.05 / population)[:, None]
    noise = np.zeros((n, t))
    innov = rng.normal(0, 1, (n, t)) * sd
    noise[:, 0] = innov[:, 0]
    for k in range(1, t):
        noise[:, k] = 0.3 * noise[:, k - 1] + np.sqrt(1 - 0.09) * innov[:, k]
    y0 = share + noise
    cohort = np.zeros(n, dtype=int)
    tr_idx = np.flatnonzero(is_treated)
    for j, i in enumerate(tr_idx):
        cohort[i] = start_year + (2 if staggered and j >= (len(tr_idx) + 1) // 2 else 0)
    rel = years[None, :] - cohort[:, None]
    on = (cohort[:, None] > 0) & (rel >= 0)
    tau = np.where(on, effect * (1 + 0.25 * rel), 0.0)
    y = np.clip(y0 + tau, 0.0, 1.0)
    tau = np.where(on, y - np.clip(y0, 0.0, 1.0), 0.0)
    panel = pd.DataFrame(
        {
            "municipality": np.repeat(codes, t),
            "name": np.repeat([_NAMES.get(c, f"Kommun {c}") for c in codes], t),
            "year": np.tile(years, n),
            MUNICIPAL_OUTCOME: y.ravel().round(5),
            "population": np.repeat(population, t),
            "cohort": np.repeat(cohort, t),
            "treated": on.ravel().astype(int),
        }
    )
    tau_r = (y.round(5) - np.clip(y0, 0.0, 1.0))[on]
    pop_on = np.broadcast_to(population[:, None], (n, t))[on]
    by_year = pd.Series(tau_r).groupby(np.broadcast_to(years[None, :], (n, t))[on]).mean()
    truth = {
        "description": "Synthetic municipal panel; the true effect of the youth programme on the "
        "share of young people 16-24 in employment (percentage points / 100).",
        "outcome": MUNICIPAL_OUTCOME,
        "estimand": "average over treated municipality-years of y(1) - y(0)",
        "att": float(tau_r.mean()),
        "att_population_weighted": float(np.average(tau_r, weights=pop_on)),
        "att_by_year": {str(int(k)): float(v) for k, v in by_year.items()},
        "treated": treated_codes,
        "cohorts": {c: int(cohort[codes.index(c)]) for c in treated_codes},
        "seed": seed,
    }
    return panel, truth


def write_municipal_example(out: Path, **kwargs: Any) -> dict[str, Any]:
    """Write the municipal example as a submission folder in the lab's standard tables.

    Files: ``interventions.csv`` (one intervention, ``unit_of_analysis = municipality``),
    ``units.csv`` (every municipality: participant or comparison, its population of young people
    16-24 as weight and person count), ``unit_outcomes.csv`` (one value per municipality, outcome
    and year; ``statistic = mean``) and ``truth.json``.

    Parameters
    ----------
    out
        Folder to write (created; must be empty or not exist).
    **kwargs
        Passed to :func:`municipal_panel`.

    Returns
    -------
    dict
        The truth written to ``truth.json``.

    Raises
    ------
    ParameterError
        ``out`` exists and is not empty.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ParameterError(f"{out} is not empty; give a new or empty folder.")
    out.mkdir(parents=True, exist_ok=True)
    panel, truth = municipal_panel(**kwargs)
    first = truth["treated"][0]
    start = min(truth["cohorts"].values())
    first_name = panel.loc[panel["municipality"] == first, "name"].iloc[0]
    intervention = pd.DataFrame(
        [
            {
                "intervention_id": _INTERVENTION_ID,
                "name": "Kommunal ungdomsgaranti (syntetiskt exempel)",
                "organisation_name": f"{first_name} kommun",
                "organisation_type": "municipality",
                "organisation_code": first,
                "target_group": "children_young_people",
                "funding_form": "social_investment_fund",
                "sectors": "labour_market;social_services",
                "start_date": f"{start}-01-01",
                "end_date": "",
                "budget_sek": 12_000_000,
                "period_type": "year",
                "primary_outcome": MUNICIPAL_OUTCOME,
                "unit_of_analysis": "municipality",
                "country": "SE",
            }
        ]
    )
    units = panel.drop_duplicates("municipality")[["municipality", "name", "population", "cohort"]]
    units_out = pd.DataFrame(
        {
            "unit_id": units["municipality"],
            "intervention_id": _INTERVENTION_ID,
            "group": np.where(units["cohort"] > 0, "participant", "comparison"),
            "start_date": [f"{c}-01-01" if c > 0 else "" for c in units["cohort"]],
            "end_date": "",
            "name": units["name"],
            "population": units["population"],
        }
    )
    outcomes = pd.DataFrame(
        {
            "unit_id": panel["municipality"],
            "outcome_code": MUNICIPAL_OUTCOME,
            "period": panel["year"].astype(str),
            "value": panel[MUNICIPAL_OUTCOME],
            "statistic": "mean",
        }
    )
    intervention.to_csv(out / "interventions.csv", index=False)
    units_out.to_csv(out / "units.csv", index=False)
    outcomes.to_csv(out / "unit_outcomes.csv", index=False)
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    return truth
