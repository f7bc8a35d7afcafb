"""What the published catalogue carries of a synthetic design (aggregate units, issue 11).

Decided: the headline numbers, the donor units with their weights, the yearly treated-versus-
synthetic series, synthetic control's estimate and permutation result, and the HonestDiD
sensitivity are published (municipal statistics and weights built from them are public
aggregates; the persons behind each unit are checked before anything is published). The placebo
draws, the per-unit placebo table and free-text notes are not; nothing of the block is when the
outcome's estimate is withheld.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from outcomelab.disclosure import publishable_results
from outcomelab.evaluation.aggregate import SyntheticRun, run_synthetic
from outcomelab.example.municipal import municipal_panel

TOP = {
    "outcome",
    "design",
    "method",
    "estimate",
    "std_error",
    "conf_low",
    "conf_high",
    "p_value",
    "n_treated",
    "n_control",
    "donors_used",
    "donors",
    "trajectory",
    "synthetic_control",
    "honest_did",
}


@pytest.fixture(scope="module")
def run() -> SyntheticRun:
    panel, _ = municipal_panel(n_treated=1, seed=4)
    units = panel["municipality"].unique()
    keep = set(units[:60]) | set(panel.loc[panel["cohort"] > 0, "municipality"])
    panel = panel[panel["municipality"].isin(keep)].rename(
        columns={"municipality": "unit_id", "year": "period"}
    )
    return run_synthetic(
        panel, "employment", design="sdid", participants=panel, alpha=0.05, seed=1, extras=True
    )


def _results(run: SyntheticRun, persons_treated: int = 20_000) -> dict[str, Any]:
    block = json.loads(json.dumps(run.to_dict()))  # as results.json stores it
    return {
        "schema_version": "1.0",
        "evaluation_id": "0581-X",
        "language": "sv",
        "unit_of_analysis": {
            "unit": "municipality",
            "weight": "population",
            "persons_analysed": persons_treated,
            "min_unit_persons": 300,
        },
        "sample_flow": {"submitted": 1, "valid": 1, "eligible": 1, "analysed": 1},
        "outcomes": [
            {
                "code": "employment",
                "estimate": block["estimate"],
                "n_treated": 1,
                "n_control": 60,
                "persons_treated": persons_treated,
                "verdict": "positive",
            }
        ],
        "robustness": [],
        "synthetic": block,
    }


def test_published_synthetic_block_has_exactly_the_decided_fields(run: SyntheticRun) -> None:
    source = _results(run)
    syn = source["synthetic"]
    assert {"placebo_estimates", "notes"} <= set(syn)  # present before publishing
    out = publishable_results(source).results["synthetic"]
    assert set(out) == TOP
    assert out["estimate"] == syn["estimate"] and out["std_error"] == syn["std_error"]
    assert {tuple(sorted(d)) for d in out["donors"]} == {("name", "unit_id", "weight", "weight_sc")}
    assert len(out["donors"]) == len(syn["donors"])
    assert np.isclose(sum(d["weight"] for d in out["donors"]), 1.0, atol=1e-3)
    assert {tuple(sorted(r)) for r in out["trajectory"]} == {
        ("cohort", "gap", "period", "post", "synthetic", "treated")
    }
    assert set(out["synthetic_control"]) == {
        "estimate",
        "p_value",
        "exact_pre_fit",
        "rank",
        "units_ranked",
    }
    assert "placebos" in syn["synthetic_control"]  # the per-unit placebo table stays behind
    honest = out["honest_did"]
    assert set(honest) == {
        "method",
        "alpha",
        "num_pre",
        "num_post",
        "l_vec",
        "estimate",
        "std_error",
        "original",
        "breakdown",
        "holds_on_whole_grid",
        "table",
    }
    assert {tuple(sorted(r)) for r in honest["table"]} == {("lb", "m", "ub")}


def test_synthetic_block_goes_with_a_withheld_estimate(run: SyntheticRun) -> None:
    source = _results(run, persons_treated=70)
    source["outcomes"][0]["persons_treated"] = 40  # the treated unit covers too few persons
    published = publishable_results(source)
    assert published.results["synthetic"] is None
    assert ("synthetic", "employment") in {(s.table, s.row) for s in published.log}
