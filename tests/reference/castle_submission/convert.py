"""Convert the castle-doctrine state panel (``causaldata``) into the lab's standard tables.

Cheng, C. and Hoekstra, M. (2013). Does strengthening self-defense law deter crime or escalate
violence? Evidence from expansions to castle doctrine. Journal of Human Resources 48(3), 821-854.
The data ship in the PyPI package ``causaldata`` (``causaldata.castle``; 50 US states, 2000-2010).

Nothing is edited: each state becomes a unit (``unit_id`` = the data's state id ``sid``), a state
whose ``post`` turns 1 in year Y is a participant from ``Y-01-01``, the others are comparison
units; ``population`` is the data's population weight ``popwt`` (constant per state), the persons
the state's homicide rate stands for; the outcome is the data's ``l_homicide`` (log homicides per
100,000 residents), declared as the submission's own outcome because the lab's catalogue has none.

Run ``python convert.py OUT`` to write ``OUT/interventions.csv``, ``units.csv``,
``unit_outcomes.csv`` and ``outcome_catalogue.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from standard_tables import own_outcome, research_intervention, write_tables

INTERVENTION_ID = "castle-doctrine"


def load() -> pd.DataFrame:
    """The state-by-year panel as ``causaldata`` ships it."""
    from causaldata import castle

    return castle.load_pandas().data


def convert(out: str | Path) -> Path:
    """Write the standard tables of the castle-doctrine panel into ``out`` and return it."""
    data = load()
    folder = Path(out)
    first = data.loc[data["post"] > 0].groupby("sid")["year"].min()
    states = data.groupby("sid")["popwt"].first()
    adopted = [sid in first.index for sid in states.index]
    units = pd.DataFrame(
        {
            "unit_id": [f"{sid:02d}" for sid in states.index],
            "intervention_id": INTERVENTION_ID,
            "group": ["participant" if a else "comparison" for a in adopted],
            "start_date": [
                f"{first[sid]}-01-01" if a else ""
                for sid, a in zip(states.index, adopted, strict=True)
            ],
            "population": states.round().astype("int64").to_numpy(),
        }
    )
    outcomes = pd.DataFrame(
        {
            "unit_id": data["sid"].map(lambda sid: f"{sid:02d}"),
            "outcome_code": "log_homicide_rate",
            "period": data["year"].astype(str),
            "value": data["l_homicide"].map(repr),
            "statistic": "mean",
        }
    )
    interventions = research_intervention(
        INTERVENTION_ID,
        name="Castle-doctrine laws (stand your ground), US states 2006-2010",
        organisation_name="Cheng and Hoekstra (2013), replication data in causaldata",
        start_date="2006-01-01",
        primary_outcome="log_homicide_rate",
        unit_of_analysis="state",
    )
    catalogue = own_outcome(
        "log_homicide_rate",
        name_sv="Mord och dråp (log per 100 000 invånare)",
        name_en="Homicides (log per 100,000 residents)",
        unit="log of homicides per 100,000 residents",
        direction="higher_is_worse",
        followup_windows_months="12;24;36",
        definition_en="Natural logarithm of the number of homicides per 100,000 "
        "residents of the state in the year (FBI Uniform Crime Reports), as in Cheng and "
        "Hoekstra (2013).",
        definition_sv="Naturliga logaritmen av antalet mord och dråp per 100 000 "
        "invånare i delstaten under året (FBI Uniform Crime Reports), som i Cheng och "
        "Hoekstra (2013).",
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
    print(convert(sys.argv[1] if len(sys.argv) > 1 else "castle-submission"))
