"""The municipal example: 290 municipalities, known truth, standard tables, command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from outcomelab.cli.main import _register_commands, app
from outcomelab.errors import ParameterError
from outcomelab.example.municipal import municipal_panel, write_municipal_example


def test_panel_shape_and_truth() -> None:
    panel, truth = municipal_panel(n_treated=3, seed=2)
    assert panel["municipality"].nunique() == 290
    assert panel["municipality"].str.fullmatch(r"\d{4}").all()
    assert panel["year"].nunique() == 20
    assert panel.groupby("municipality")["cohort"].first().gt(0).sum() == 3
    post = panel[panel["treated"] == 1]
    assert truth["att"] > 0
    assert set(truth["att_by_year"]) == {str(y) for y in post["year"].unique()}
    assert panel["employment"].between(0, 1).all()
    again, truth2 = municipal_panel(n_treated=3, seed=2)
    pd.testing.assert_frame_equal(panel, again)
    assert truth == truth2


def test_bad_sizes() -> None:
    with pytest.raises(ParameterError, match="n_treated"):
        municipal_panel(n_treated=0)
    with pytest.raises(ParameterError, match="staggered"):
        municipal_panel(n_treated=1, staggered=True)
    with pytest.raises(ParameterError, match="start_year"):
        municipal_panel(start_year=2006)


def test_standard_tables_written(tmp_path: Path) -> None:
    truth = write_municipal_example(tmp_path / "ex", n_treated=2, seed=3)
    units = pd.read_csv(tmp_path / "ex" / "units.csv", dtype={"unit_id": str})
    outcomes = pd.read_csv(tmp_path / "ex" / "unit_outcomes.csv", dtype={"unit_id": str})
    interventions = pd.read_csv(tmp_path / "ex" / "interventions.csv", dtype=str)
    assert len(units) == 290 and (units["group"] == "participant").sum() == 2
    assert (units["population"] > 0).all()
    assert len(outcomes) == 290 * 20 and set(outcomes["statistic"]) == {"mean"}
    assert interventions.loc[0, "unit_of_analysis"] == "municipality"
    assert json.loads((tmp_path / "ex" / "truth.json").read_text()) == truth
    with pytest.raises(ParameterError, match="not empty"):
        write_municipal_example(tmp_path / "ex")


def test_cli_example_unit_municipality(tmp_path: Path) -> None:
    _register_commands()
    result = CliRunner().invoke(
        app, ["example", "--unit", "municipality", "--out", str(tmp_path / "m"), "--treated", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "290 municipalities" in result.output
    assert (tmp_path / "m" / "unit_outcomes.csv").exists()
