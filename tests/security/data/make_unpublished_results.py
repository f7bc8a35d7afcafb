"""Make ``unpublished_results.json``: a real standard evaluation with 3 participants lost.

The bundled example generator (600 participants, 1 200 comparison persons, seed 7) with every
outcome record of the first 3 participants removed, evaluated with the standard template:
597 persons are analysed, so the exact count differs from its rounded value and 3 persons drop
out for lack of outcome data -- the situation in which issue 14 found the exact 597 published in
``economics.settings.participants``. Run from the repository root::

    python tests/security/data/make_unpublished_results.py

(about a minute; the file is stored so the security tests need no kernel).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from outcomelab.example import generate_example
from outcomelab.reports import evaluate

HERE = Path(__file__).resolve().parent


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="ol-unpublished-"))
    try:
        data = work / "data"
        generate_example(data, n_participants=600, n_pool=1200, seed=7)
        participants = pd.read_csv(data / "participants.csv", dtype=str, keep_default_na=False)
        outcomes = pd.read_csv(data / "outcomes.csv", dtype=str, keep_default_na=False)
        lost = set(participants.loc[participants["group"] == "participant", "person_id"][:3])
        outcomes[~outcomes["person_id"].isin(lost)].to_csv(data / "outcomes.csv", index=False)
        run = evaluate(data=data, out=work / "out", lang="en")
        shutil.copyfile(run.results_json, HERE / "unpublished_results.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
