"""What the ``convert.py`` scripts of the real-data submissions share: the research intervention,
the submission's own outcome and writing the standard tables.

A ``convert.py`` finds this module beside its folder::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference
    from standard_tables import own_outcome, research_intervention, write_tables
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd


def research_intervention(
    intervention_id: str,
    *,
    name: str,
    organisation_name: str,
    start_date: str,
    primary_outcome: str,
    end_date: str = "",
    sectors: str = "other",
    target_group: str = "other",
    unit_of_analysis: str | None = None,
    country: str = "US",
) -> pd.DataFrame:
    """The ``interventions`` table of one intervention studied by a published research paper
    (organisation type ``research``, yearly periods, funding form ``other``)."""
    row = {
        "intervention_id": intervention_id,
        "name": name,
        "organisation_name": organisation_name,
        "organisation_type": "research",
        "organisation_code": "",
        "target_group": target_group,
        "funding_form": "other",
        "sectors": sectors,
        "start_date": start_date,
        "end_date": end_date,
        "period_type": "year",
        "primary_outcome": primary_outcome,
    }
    if unit_of_analysis is not None:
        row["unit_of_analysis"] = unit_of_analysis
    row["country"] = country
    return pd.DataFrame([row])


def own_outcome(
    code: str,
    *,
    name_sv: str,
    name_en: str,
    unit: str,
    direction: str,
    followup_windows_months: str,
    definition_en: str,
    definition_sv: str,
) -> pd.DataFrame:
    """The ``outcome_catalogue`` table declaring one yearly continuous outcome of the submission's
    own (the lab's catalogue has none like it)."""
    return pd.DataFrame(
        [
            {
                "code": code,
                "name_sv": name_sv,
                "name_en": name_en,
                "unit": unit,
                "kind": "continuous",
                "direction": direction,
                "periodicity": "year",
                "followup_windows_months": followup_windows_months,
                "definition_en": definition_en,
                "definition_sv": definition_sv,
            }
        ]
    )


def write_tables(out: str | Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """Write each table as ``<name>.csv`` (UTF-8, comma-separated, no index) into ``out``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder
