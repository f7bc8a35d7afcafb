"""build_panel on tiny hand-made submissions: cohort, rel_time, pivot and what is dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from outcomelab.design import (
    build_panel,
    followup_windows,
    in_followup,
    panel_info,
    period_to_int,
    restrict_to_followup,
    write_panel,
)
from outcomelab.errors import InputError, ParameterError

IID = "X-1"


def _pid(i: int) -> str:
    return f"{i:064x}"


@pytest.fixture()
def tiny() -> dict[str, pd.DataFrame]:
    participants = pd.DataFrame(
        {
            "person_id": [_pid(i) for i in (1, 2, 3, 4, 5, 6, 7)],
            "intervention_id": [IID] * 6 + ["OTHER"],
            "group": ["participant", "participant", "comparison", "comparison", "participant",
                      "comparison", "participant"],
            "start_date": pd.to_datetime(["2020-03-01", "2021-11-30", None, None, None, None,
                                          "2020-01-01"]),
            "birth_year": [2000, 1999, 2001, 1998, 2000, 1997, 1990],
            "sex": ["female", "male", "female", "male", "male", "female", "male"],
        }
    )  # fmt: skip
    rows = []
    for i in (1, 2, 3, 7):
        for year in (2019, 2020, 2021, 2022):
            rows.append((_pid(i), "employment", str(year), float((i + year) % 2)))
            rows.append((_pid(i), "sick_leave_days", str(year), float(i * 10 + year - 2019)))
    rows.append((_pid(4), "employment", "2019", 1.0))  # person 4: only one row
    rows.append((_pid(1), "employment", "2019", 0.0))  # duplicate cell (person 1, 2019)
    rows.append((_pid(3), "employment", "19-20", 1.0))  # malformed period
    rows.append((_pid(9), "employment", "2019", 1.0))  # person not in participants
    # person 6 (comparison) has no outcome rows at all
    outcomes = pd.DataFrame(rows, columns=["person_id", "outcome_code", "period", "value"])
    interventions = pd.DataFrame({"intervention_id": [IID], "period_type": ["year"]})
    return {"participants": participants, "outcomes": outcomes, "interventions": interventions}


def test_cohort_rel_time_and_pivot(tiny: dict[str, pd.DataFrame]) -> None:
    panel = build_panel(tiny, intervention_id=IID)
    assert list(panel.columns[:5]) == ["person_id", "unit", "period", "employment",
                                       "sick_leave_days"]  # fmt: skip
    # persons kept: 1, 2, 3 (4 rows each), 4 (1 row); 5 has no start date, 6 no outcomes
    assert panel.groupby("person_id").size().to_dict() == {
        _pid(1): 4,
        _pid(2): 4,
        _pid(3): 4,
        _pid(4): 1,
    }
    assert list(panel["unit"].drop_duplicates()) == [1, 2, 3, 4]
    p1 = panel[panel["person_id"] == _pid(1)].set_index("period")
    assert (p1["cohort"] == 2020).all()
    assert p1["rel_time"].tolist() == [-1.0, 0.0, 1.0, 2.0]
    assert p1["treated"].tolist() == [1, 1, 1, 1]
    assert p1["treated_post"].tolist() == [0, 1, 1, 1]
    assert np.isnan(p1.loc[2019, "employment"])  # the duplicated cell is set to missing
    assert p1.loc[2020, "employment"] == float((1 + 2020) % 2)
    assert p1["sick_leave_days"].tolist() == [10.0, 11.0, 12.0, 13.0]
    p2 = panel[panel["person_id"] == _pid(2)]
    assert (p2["cohort"] == 2021).all() and p2["treated_post"].tolist() == [0, 0, 1, 1]
    p3 = panel[panel["person_id"] == _pid(3)]
    assert (p3["cohort"] == 0).all() and p3["rel_time"].isna().all()
    assert (p3["treated"] == 0).all() and (p3["treated_post"] == 0).all()
    assert p3["birth_year"].tolist() == [2001] * 4 and (p3["sex"] == "female").all()
    p4 = panel[panel["person_id"] == _pid(4)]
    assert np.isnan(p4["sick_leave_days"].iloc[0]) and p4["employment"].iloc[0] == 1.0


def test_dropped_report(tiny: dict[str, pd.DataFrame]) -> None:
    panel = build_panel(tiny, intervention_id=IID)
    info = panel_info(panel)
    dropped = info.dropped.set_index("reason")
    reasons = "\n".join(dropped.index)
    assert "participant without a valid start_date" in reasons
    assert "not of the form YYYY" in reasons
    assert "duplicate outcome rows" in reasons
    assert "person without any outcome row" in reasons
    assert "persons not among" in reasons
    row = dropped.loc["participant without a valid start_date"]
    assert (row["rows"], row["persons"]) == (1, 1)
    dup = dropped[dropped.index.str.startswith("duplicate")].iloc[0]
    assert (dup["rows"], dup["persons"]) == (2, 1)
    none = dropped.loc["person without any outcome row in the panel's periods"]
    assert none["persons"] == 1
    assert info.n_persons == 4 and info.n_participants == 2 and info.n_comparison == 2
    assert dict(info.cohorts) == {0: 2, 2020: 1, 2021: 1}
    assert info.n_rows == len(panel) == 13
    assert panel.attrs["dropped"] == info.to_dict()["dropped"]
    assert "duplicate" in info.summary()


def test_duplicate_person_dropped(tiny: dict[str, pd.DataFrame]) -> None:
    p = tiny["participants"]
    tiny["participants"] = pd.concat([p, p.iloc[[2]]], ignore_index=True)
    panel = build_panel(tiny, intervention_id=IID)
    assert _pid(3) not in set(panel["person_id"])
    d = panel_info(panel).dropped.set_index("reason")
    assert d.loc["person listed more than once for the intervention", "rows"] == 2


def test_outcomes_periods_covariates_and_arrow(tiny: dict[str, pd.DataFrame]) -> None:
    panel = build_panel(
        tiny, intervention_id=IID, outcomes=["sick_leave_days"], periods=["2020", "2021"],
        covariates=["birth_year"],
    )  # fmt: skip
    assert "employment" not in panel.columns and "sex" not in panel.columns
    assert set(panel["period"]) == {2020, 2021}
    assert panel_info(panel).covariates == ("birth_year",)
    table = build_panel(tiny, intervention_id=IID, output="arrow")
    assert table.num_rows == 13
    assert panel_info(table).n_persons == 4


def test_monthly_periods() -> None:
    participants = pd.DataFrame(
        {
            "person_id": [_pid(1), _pid(2)],
            "intervention_id": [IID, IID],
            "group": ["participant", "comparison"],
            "start_date": ["2020-03-15", None],
        }
    )
    outcomes = pd.DataFrame(
        {
            "person_id": [_pid(1)] * 3 + [_pid(2)] * 3,
            "outcome_code": "employment",
            "period": ["2020-01", "2020-03", "2020-12"] * 2,
            "value": [0, 1, 1, 0, 0, 1],
        }
    )
    panel = build_panel({"participants": participants, "outcomes": outcomes}, intervention_id=IID)
    assert panel_info(panel).period_type == "month"
    p1 = panel[panel["unit"] == 1]
    assert (p1["cohort"] == 2020 * 12 + 2).all()
    assert p1["rel_time"].tolist() == [-2.0, 0.0, 9.0]
    assert period_to_int("2020-03", "month") == 2020 * 12 + 2


def test_folder_and_parquet(tiny: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    for name, frame in tiny.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    from_folder = build_panel(tmp_path, intervention_id=IID)
    from_dict = build_panel(tiny, intervention_id=IID)
    pd.testing.assert_frame_equal(
        from_folder.drop(columns=["start_date"]), from_dict.drop(columns=["start_date"]),
        check_dtype=False,
    )  # fmt: skip
    info = write_panel(tmp_path, tmp_path / "out" / "panel.parquet", intervention_id=IID)
    written = pd.read_parquet(tmp_path / "out" / "panel.parquet")  # unsorted by default
    assert len(written) == info.n_rows == 13
    resorted = written.sort_values(["unit", "period"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(resorted, from_folder, check_dtype=False)
    write_panel(tmp_path, tmp_path / "sorted.parquet", intervention_id=IID, sort=True)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "sorted.parquet"), from_folder, check_dtype=False
    )
    unsorted = build_panel(tmp_path, intervention_id=IID, sort=False)
    assert len(unsorted) == 13 and set(unsorted["unit"]) == set(from_folder["unit"])


def test_errors(tiny: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(InputError, match="No participants rows for intervention 'NOPE'"):
        build_panel(tiny, intervention_id="NOPE")
    with pytest.raises(InputError, match="'reoffending'"):
        build_panel(tiny, intervention_id=IID, outcomes=["reoffending"])
    with pytest.raises(InputError, match="covariates"):
        build_panel(tiny, intervention_id=IID, covariates=["shoe_size"])
    with pytest.raises(InputError, match="lacks the table"):
        build_panel({"participants": tiny["participants"]}, intervention_id=IID)
    with pytest.raises(InputError, match="lacks the column"):
        build_panel(
            {"participants": tiny["participants"].drop(columns="group"),
             "outcomes": tiny["outcomes"]}, intervention_id=IID,
        )  # fmt: skip
    with pytest.raises(ParameterError, match="output"):
        build_panel(tiny, intervention_id=IID, output="polars")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="source"):
        build_panel(42, intervention_id=IID)
    with pytest.raises(InputError, match="YYYY-MM"):
        period_to_int("2020", "month")


def test_followup(tiny: dict[str, pd.DataFrame]) -> None:
    assert followup_windows("employment") == (12, 24, 36)
    with pytest.raises(InputError, match="catalogue"):
        followup_windows("nope")
    panel = build_panel(tiny, intervention_id=IID)
    mask = in_followup(panel, 12)
    assert set(panel.loc[mask, "rel_time"]) == {0.0, 1.0}
    kept = restrict_to_followup(panel, 12, keep_pre=False)
    assert kept["rel_time"].dropna().between(0, 1).all()
    assert (kept["cohort"] == 0).sum() == (panel["cohort"] == 0).sum()
    with pytest.raises(ParameterError, match="multiple of 12"):
        in_followup(panel, 18)


def _written(source: object, tmp_path: Path, name: str, **kwargs: object) -> pd.DataFrame:
    """The panel as write_panel's one SQL query makes it (sorted), read back with pandas."""
    out = tmp_path / f"{name}.parquet"
    write_panel(source, out, intervention_id=IID, sort=True, **kwargs)  # type: ignore[arg-type]
    return pd.read_parquet(out)


@pytest.mark.parametrize("everyone_kept", [False, True])
def test_build_panel_assembled_in_arrow_equals_the_sql_panel(
    tiny: dict[str, pd.DataFrame], tmp_path: Path, everyone_kept: bool
) -> None:
    # build_panel reads narrow rows and one row per person and assembles the rest in Arrow;
    # write_panel joins everything in DuckDB: the two must agree cell for cell and type for type
    data = dict(tiny)
    if everyone_kept:  # every person has outcome rows: units are numbered without a renumbering
        keep = data["participants"]["person_id"].isin([_pid(i) for i in (1, 2, 3, 4)])
        data["participants"] = data["participants"][keep]
    for kwargs in ({}, {"covariates": ["sex"], "periods": ["2020", "2021"]}):
        built = build_panel(data, intervention_id=IID, **kwargs)  # type: ignore[arg-type]
        written = _written(data, tmp_path, f"p{len(kwargs)}", **kwargs)
        pd.testing.assert_frame_equal(built, written)
    table = build_panel(data, intervention_id=IID, output="arrow", covariates=["sex"])
    assert table.column_names == list(written.columns)
    # text columns come as dictionary columns in Arrow; decoded they are the same strings
    assert pa.types.is_dictionary(table.schema.field("person_id").type)
    assert (
        table.column("person_id").to_pylist()
        == _written(data, tmp_path, "sex", covariates=["sex"])["person_id"].tolist()
    )


def test_build_panel_of_weighted_units_equals_the_sql_panel(tmp_path: Path) -> None:
    units = [f"{i:04d}" for i in (581, 580, 582, 583)]
    participants = pd.DataFrame(
        {
            "unit_id": units,
            "intervention_id": IID,
            "group": ["participant", "comparison", "participant", "comparison"],
            "start_date": ["2020-01-01", None, "2021-01-01", None],
            "population": [1400, 60, 250, 9800],
            "region": ["east", "east", "north", "north"],
        }
    )
    outcomes = pd.DataFrame(
        [(u, "employment", str(y), 0.5 + 0.01 * k + 0.001 * y) for k, u in enumerate(units)
         for y in range(2018, 2023)],
        columns=["unit_id", "outcome_code", "period", "value"],
    )  # fmt: skip
    interventions = pd.DataFrame(
        {"intervention_id": [IID], "period_type": ["year"], "unit_of_analysis": ["municipality"]}
    )
    data = {"interventions": interventions, "units": participants, "unit_outcomes": outcomes}
    built = build_panel(data, intervention_id=IID)
    assert list(built.columns[:3]) == ["unit_id", "unit", "period"] and "weight" in built.columns
    pd.testing.assert_frame_equal(built, _written(data, tmp_path, "units"))
