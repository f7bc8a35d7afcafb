"""The peer's numbers for the NSW + CPS submission: R MatchIt on the same persons.

Run from the repository root (R with MatchIt, sandwich and lmtest; Debian packages)::

    .venv/bin/python tests/reference/nsw_cps_submission/make_fixture.py

Writes ``sample.csv`` (one row per person of the converted tables, in pseudonym order: the order
in which the evaluation numbers its units) and runs ``make_fixture.R`` on it: ``matchit(treat ~
age + educ + black + hisp + marr + nodegree + re74 + re75, method = "nearest", distance = "glm",
link = "linear.logit", caliper = 0.2)`` (1:1 without replacement, caliper 0.2 SD of the logit),
then ``lm(re78 ~ treat + covariates, weights = weights)`` with ``vcovCL(cluster = ~subclass)``:
the standard evaluation's matching estimate. ``expected.csv`` keeps R's names.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def sample() -> pd.DataFrame:
    """One row per person: treat, the eight covariates and re78, in pseudonym order."""
    from convert import convert  # type: ignore[import-not-found]

    folder = convert(Path(tempfile.mkdtemp()) / "nsw")
    people = pd.read_csv(folder / "participants.csv")
    outcomes = pd.read_csv(folder / "outcomes.csv")
    data = people.merge(outcomes[["person_id", "value"]], on="person_id")
    data = data.rename(columns={"value": "re78"})
    data["treat"] = (data["group"] == "participant").astype(int)
    data = data.sort_values("person_id").reset_index(drop=True)
    columns = ["treat", "age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "re78"]
    return data[columns]


def main() -> None:
    sample().to_csv(HERE / "sample.csv", index=False)
    subprocess.run(["Rscript", "make_fixture.R"], cwd=HERE, check=True)
    print((HERE / "expected.csv").read_text())


if __name__ == "__main__":
    main()
