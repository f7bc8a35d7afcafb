"""With fewer than 30 clusters (aggregate units) the DiD robustness checks add two-way fixed effects
with the wild cluster bootstrap's p-value and interval, the numbers of outcomelab.did.twfe."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from outcomelab.did import twfe
from outcomelab.evaluation import robustness
from outcomelab.evaluation.estimates import estimate
from outcomelab.evaluation.robustness import check_robustness
from outcomelab.evaluation.setup import prepare
from outcomelab.example.municipal import write_municipal_example


@pytest.fixture(scope="module")
def few_municipalities(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 treated municipalities (two start cohorts) and 14 comparison ones: 22 clusters."""
    folder = tmp_path_factory.mktemp("municipal")
    write_municipal_example(folder, n_treated=8, staggered=True, seed=5)
    units = pd.read_csv(folder / "units.csv", dtype=str)
    comparison = units.loc[units["group"] == "comparison", "unit_id"].head(14)
    units = units[(units["group"] == "participant") | units["unit_id"].isin(comparison)]
    units.to_csv(folder / "units.csv", index=False)
    outcomes = pd.read_csv(folder / "unit_outcomes.csv", dtype=str)
    outcomes[outcomes["unit_id"].isin(units["unit_id"])].to_csv(
        folder / "unit_outcomes.csv", index=False
    )
    return folder


def test_few_clusters_add_the_wild_bootstrap_row(
    few_municipalities: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        setup = prepare({"data_dir": str(few_municipalities), "lang": "en", "design": "did"})
        estimates = estimate(setup)
        checks = check_robustness(setup, estimates)
    wild = [c for c in checks if c.method == "twfe/wild_bootstrap"]
    assert len(wild) == 1
    row = wild[0].to_dict("en")
    assert "wild cluster bootstrap (22 clusters)" in row["label"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = twfe(
            setup.panel,
            outcome=setup.primary,
            unit="unit",
            time="period",
            treatment="treated_post",
            cluster="unit",
            weights=setup.weight,
            bootstrap=robustness.WILD_DRAWS,
            seed=setup.settings.seed,
        )
    assert direct.diagnostics["wild_bootstrap"]["n_clusters"] == 22
    for key in ("estimate", "conf_low", "conf_high", "p_value"):
        assert row[key] == pytest.approx(getattr(direct, key), rel=1e-12, abs=1e-15), key
    # the interval is the bootstrap's, not the CR1 t interval
    assert row["conf_low"] != pytest.approx(direct.estimate - 2.08 * direct.std_error, rel=1e-3)

    monkeypatch.setattr(robustness, "FEW_CLUSTERS", 22)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = check_robustness(setup, estimates)
    assert not [c for c in again if c.method == "twfe/wild_bootstrap"]
