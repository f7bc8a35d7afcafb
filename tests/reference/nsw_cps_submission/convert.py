"""Convert the NSW job-training sample with the CPS comparison group (``causaldata``).

LaLonde, R. (1986). Evaluating the econometric evaluations of training programs with
experimental data. American Economic Review 76(4); Dehejia, R. and Wahba, S. (1999). Causal
effects in nonexperimental studies. JASA 94(448). The data ship in the PyPI package ``causaldata``
(``nsw_mixtape``: the Dehejia-Wahba NSW sample; ``cps_mixtape``: the CPS-1 comparison sample), as
used in Cunningham, *Causal Inference: The Mixtape*, section 5.3.

The person-level matching design: the 185 NSW participants (``treat == 1``) and the 15,992 CPS
persons (comparison candidates) become ``participants``; the NSW experimental controls are left
out (they are not a comparison *pool* but the experiment's own answer). Their background
variables are the submission's own covariates, declared in ``covariate_catalogue``: age, years of
education, black, hispanic, married, no high-school degree, earnings in 1974 and 1975. The
outcome is earnings in 1978 (``re78``, US dollars of 1982), the submission's own outcome.

Persons have no identity number in the data: ``person_id`` is the SHA-256 of the sample name and
row number, a 64-hex pseudonym of a row, not of a person. The data carry no enrolment dates; NSW
enrolled from March 1975 to July 1977, so every participant starts ``1976-01-01`` (the outcome year
1978 is after every enrolment) — the only value the conversion adds.

Run ``python convert.py OUT``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reference: shared helpers
from standard_tables import own_outcome, research_intervention, write_tables

INTERVENTION_ID = "nsw-1976"
COVARIATES = {
    "age": ("numeric", "Age in years at randomisation.", "Age", "Ålder", ""),
    "educ": ("numeric", "Years of schooling.", "Years of education", "Utbildningsår", ""),
    "black": ("categorical", "1 if black.", "Black", "Svart", "0;1"),
    "hisp": ("categorical", "1 if Hispanic.", "Hispanic", "Latinamerikansk", "0;1"),
    "marr": ("categorical", "1 if married.", "Married", "Gift", "0;1"),
    "nodegree": ("categorical", "1 if no high-school degree.", "No degree", "Saknar examen", "0;1"),
    "re74": (
        "numeric",
        "Earnings in 1974, US dollars of 1982.",
        "Earnings 1974",
        "Inkomst 1974",
        "",
    ),
    "re75": (
        "numeric",
        "Earnings in 1975, US dollars of 1982.",
        "Earnings 1975",
        "Inkomst 1975",
        "",
    ),
}


def load() -> pd.DataFrame:
    """NSW participants followed by the CPS comparison persons, as ``causaldata`` ships them."""
    from causaldata import cps_mixtape, nsw_mixtape

    nsw = nsw_mixtape.load_pandas().data
    cps = cps_mixtape.load_pandas().data
    return pd.concat([nsw.loc[nsw["treat"] == 1], cps], ignore_index=True)


def _pseudonym(sample: str, row: int) -> str:
    return hashlib.sha256(f"{sample}:{row}".encode()).hexdigest()


def convert(out: str | Path) -> Path:
    """Write the standard tables into ``out`` and return it."""
    data = load()
    folder = Path(out)
    ids = [_pseudonym(str(s), i) for i, s in enumerate(data["data_id"])]
    treated = data["treat"] == 1
    participants = pd.DataFrame(
        {
            "person_id": ids,
            "intervention_id": INTERVENTION_ID,
            "group": ["participant" if t else "comparison" for t in treated],
            "start_date": ["1976-01-01" if t else "" for t in treated],
        }
    )
    for name, (kind, *_rest) in COVARIATES.items():
        values = data[name]
        participants[name] = (
            values.map(repr) if kind == "numeric" else values.astype(int).astype(str)
        )
    outcomes = pd.DataFrame(
        {
            "person_id": ids,
            "outcome_code": "earnings_usd",
            "period": "1978",
            "value": data["re78"].map(repr),
        }
    )
    covariates = pd.DataFrame(
        [
            {"name": n, "type": k, "description": d, "label_en": en, "label_sv": sv, "levels": lv}
            for n, (k, d, en, sv, lv) in COVARIATES.items()
        ]
    )
    interventions = research_intervention(
        INTERVENTION_ID,
        name="National Supported Work Demonstration (NSW), job training",
        organisation_name="MDRC (data: causaldata)",
        target_group="unemployed",
        sectors="labour_market",
        start_date="1975-03-01",
        end_date="1977-07-31",
        primary_outcome="earnings_usd",
    )
    catalogue = own_outcome(
        "earnings_usd",
        name_sv="Arbetsinkomst (US-dollar)",
        name_en="Earnings (US dollars)",
        unit="US dollars of 1982 per year",
        direction="higher_is_better",
        followup_windows_months="12;24",
        definition_en="Earnings in the calendar year from social security records, in "
        "US dollars of 1982 (LaLonde 1986).",
        definition_sv="Arbetsinkomst under kalenderåret enligt socialförsäkringens "
        "register, i US-dollar i 1982 års priser (LaLonde 1986).",
    )
    return write_tables(
        folder,
        {
            "interventions": interventions,
            "participants": participants,
            "outcomes": outcomes,
            "outcome_catalogue": catalogue,
            "covariate_catalogue": covariates,
        },
    )


if __name__ == "__main__":
    print(convert(sys.argv[1] if len(sys.argv) > 1 else "nsw-cps-submission"))
