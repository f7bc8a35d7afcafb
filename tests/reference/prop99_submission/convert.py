"""Convert the California Proposition 99 panel (synthdid-py) into the lab's standard tables.

Abadie, A., Diamond, A. and Hainmueller, J. (2010). Synthetic control methods for comparative case
studies: estimating the effect of California's tobacco control program. JASA 105(490), 493-505;
the panel of Arkhangelsky et al. (2021, AER 111(12)) as the R package ``synthdid`` and its port
``synthdid-py`` ship it (``california_prop99.csv``: per-capita cigarette sales in packs, 39 US
states, 1970-2000; California treated from 1989). The file is the byte-for-byte copy in
``tests/reference/synthdid_prop99/`` (see its SOURCE.md).

Nothing is edited: each state becomes a unit (``unit_id`` = its postal code, ``name`` = the
state); California is the participant from ``1989-01-01``, the 38 other states are comparison
units; the outcome is the data's ``PacksPerCapita``, declared as the submission's own outcome
``cigarette_packs`` (the lab's catalogue has none). The panel has no population, which the tables
require (the persons a state's number stands for); ``population`` is the state's July 1975 Census
estimate from base R's ``datasets::state.x77`` (``state_population_1975.csv``, written by
``state_population.R``). It weights nothing in synthetic DiD or synthetic control (both treat
states alike, as the paper does); it only counts persons for the disclosure rules.

Run ``python convert.py OUT`` to write ``OUT/interventions.csv``, ``units.csv``,
``unit_outcomes.csv`` and ``outcome_catalogue.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from standard_tables import own_outcome, research_intervention, write_tables

HERE = Path(__file__).parent
PANEL = HERE.parent / "synthdid_prop99" / "california_prop99.csv"
INTERVENTION_ID = "prop99-california"
OUTCOME = "cigarette_packs"


def load() -> pd.DataFrame:
    """The state-by-year panel as synthdid-py ships it (semicolon-separated)."""
    return pd.read_csv(PANEL, sep=";")


def convert(out: str | Path) -> Path:
    """Write the standard tables of the Proposition 99 panel into ``out`` and return it."""
    data = load()
    states = pd.read_csv(HERE / "state_population_1975.csv").set_index("state")
    folder = Path(out)
    first = data.loc[data["treated"] > 0].groupby("State")["Year"].min()
    names = sorted(data["State"].unique())
    missing = [s for s in names if s not in states.index]
    if missing:
        raise SystemExit(f"no population for {missing}")
    code = {s: states.loc[s, "abb"] for s in names}
    units = pd.DataFrame(
        {
            "unit_id": [code[s] for s in names],
            "intervention_id": INTERVENTION_ID,
            "group": ["participant" if s in first.index else "comparison" for s in names],
            "start_date": [f"{first[s]}-01-01" if s in first.index else "" for s in names],
            "name": names,
            "population": [int(states.loc[s, "population_1975_thousands"]) * 1000 for s in names],
        }
    )
    outcomes = pd.DataFrame(
        {
            "unit_id": data["State"].map(code),
            "outcome_code": OUTCOME,
            "period": data["Year"].astype(str),
            "value": data["PacksPerCapita"].map(repr),
            "statistic": "mean",
        }
    )
    interventions = research_intervention(
        INTERVENTION_ID,
        name="California Proposition 99 (tobacco tax and control programme), 1989",
        organisation_name="Abadie, Diamond and Hainmueller (2010), data in synthdid",
        start_date="1989-01-01",
        primary_outcome=OUTCOME,
        unit_of_analysis="state",
    )
    catalogue = own_outcome(
        OUTCOME,
        name_sv="Cigarettförsäljning (paket per invånare)",
        name_en="Cigarette sales (packs per resident)",
        unit="packs per resident and year",
        direction="higher_is_worse",
        followup_windows_months="12;60;120",
        definition_en="Cigarette packs sold in the state in the year per resident "
        "(tax-paid sales), as in Abadie, Diamond and Hainmueller (2010).",
        definition_sv="Sålda cigarettpaket i delstaten under året per invånare "
        "(beskattad försäljning), som i Abadie, Diamond och Hainmueller (2010).",
    )
    return write_tables(
        folder,
        {
            "interventions": interventions,
            "units": units,
            "unit_outcomes": outcomes,
            "outcome_catalogue": catalogue,
        },
    )


if __name__ == "__main__":
    print(convert(sys.argv[1] if len(sys.argv) > 1 else "prop99-submission"))
