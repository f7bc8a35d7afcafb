"""build_panel's dense numpy pivot against the SQL pivot of write_panel, on messy random data.

The two pivots must give the same panel (cell for cell, type for type, NULL and NaN apart) and
the same record of what was left out and why.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import outcomelab.design.panel as panel_module
from outcomelab.design import build_panel, panel_info, write_panel
from outcomelab.design.pivot import grid_fits, pivot_dense

IID = "X-1"


def _messy(seed: int, monthly: bool) -> dict[str, pd.DataFrame]:
    """Random persons and outcome rows with every kind of fault the panel reports."""
    rng = np.random.default_rng(seed)
    n = 40
    ids = [f"{i:064x}" for i in rng.permutation(n) + 1]
    group = rng.choice(["participant", "comparison"], n)
    start = pd.Series(pd.to_datetime("2017-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), "D"))
    start[group == "comparison"] = pd.NaT
    start[rng.random(n) < 0.1] = pd.NaT  # some participants without a start date
    participants = pd.DataFrame(
        {"person_id": ids, "intervention_id": IID, "group": group, "start_date": start,
         "age": rng.integers(20, 60, n), "sex": rng.choice(["female", "male"], n)}
    )  # fmt: skip
    labels = (
        [f"{y}-{m:02d}" for y in (2018, 2019) for m in range(1, 13)]
        if monthly
        else [str(y) for y in range(2014, 2024)]
    )
    rows: list[tuple[str, str, str, float | None]] = []
    for pid in ids[:-3]:  # the last three persons have no outcome rows
        for label in rng.choice(labels, rng.integers(1, len(labels)), replace=False):
            for code in ("employment", "income", "visits"):
                if rng.random() < 0.85:
                    rows.append((pid, code, str(label), float(rng.integers(0, 5))))
    rows += rows[3:9]  # duplicated cells
    rows += rows[3:5]  # ... one of them three times
    bad = ("2019-1x", "2019-13") if monthly else ("20x9", "19-20")  # malformed periods
    rows += [(ids[0], "employment", bad[0], 1.0), (ids[1], "income", bad[1], 2.0)]
    rows += [(f"{999:064x}", "visits", labels[2], 1.0)]  # a person not in the participants
    rows += [(ids[2], "income", labels[4], None), (ids[3], "visits", labels[5], float("nan"))]
    outcomes = pd.DataFrame(rows, columns=["person_id", "outcome_code", "period", "value"])
    if seed % 2:  # the order of the rows does not matter
        outcomes = outcomes.iloc[::-1].reset_index(drop=True)
    return {"participants": participants, "outcomes": outcomes}


def _sql_built(data: dict[str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch, **kw: object):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setattr(panel_module, "grid_fits", lambda *a: False)
        return build_panel(data, intervention_id=IID, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("monthly", [False, True])
def test_dense_pivot_equals_the_sql_pivot(
    seed: int, monthly: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = _messy(seed, monthly)
    periods = ["2019-02", "2019-05", "2018-12"] if monthly else ["2016", "2019", "2020", "2030"]
    for kw in ({}, {"periods": periods}, {"outcomes": ["visits"], "covariates": ["sex"]}):
        dense = build_panel(data, intervention_id=IID, **kw)  # type: ignore[arg-type]
        sql = _sql_built(data, monkeypatch, **kw)
        pd.testing.assert_frame_equal(dense, sql)
        assert panel_info(dense).to_dict() == panel_info(sql).to_dict()
        out = tmp_path / f"w{seed}{monthly}{len(kw)}.parquet"
        info = write_panel(data, out, intervention_id=IID, sort=True, **kw)  # type: ignore[arg-type]
        assert info.to_dict() == panel_info(dense).to_dict()
        pd.testing.assert_frame_equal(dense, pd.read_parquet(out))
        # Arrow output: NULL stays NULL and NaN stays NaN (pandas shows both as NaN)
        a = build_panel(data, intervention_id=IID, output="arrow", **kw)  # type: ignore[arg-type]
        with monkeypatch.context() as m:
            m.setattr(panel_module, "grid_fits", lambda *a: False)
            b = build_panel(data, intervention_id=IID, output="arrow", **kw)  # type: ignore[arg-type]
        assert a.equals(b)
    whole = build_panel(data, intervention_id=IID)
    dropped = "\n".join(panel_info(whole).dropped["reason"])
    for reason in ("duplicate outcome rows", "not of the form", "persons not among",
                   "without any outcome row"):  # fmt: skip
        assert reason in dropped


def test_a_null_and_a_nan_value_keep_their_kind() -> None:
    batch = pa.record_batch(
        {
            "_k": pa.array([1, 1, 2, None], pa.int64()),
            "_c": pa.array([0, 0, 0, 0], pa.int32()),
            "t": pa.array([2020, 2021, 2020, 2020], pa.int64()),
            "value": pa.array([None, float("nan"), 3.0, 4.0], pa.float64()),
        }
    )
    out = pivot_dense([batch], outcomes=["y"], n_persons=2, first=2020, last=2021)
    y = out.rows.column("y")
    assert y.null_count == 1  # the NULL value; person 2 has no 2021 row at all
    assert y.to_pylist()[0] is None and np.isnan(y.to_pylist()[1]) and y.to_pylist()[2] == 3.0
    assert out.counts.unkept_rows == 1 and out.kept is None
    assert out.rows.column("unit").to_pylist() == [1, 1, 2]
    assert out.rows.column("period").to_pylist() == [2020, 2021, 2020]


def test_a_sparse_grid_is_left_to_sql() -> None:
    # 10 million persons over 100 periods with 10 rows each: the grid would be 100x the panel
    assert not grid_fits(10_000_000, 100, 1, 100_000_000)
    assert grid_fits(10_000_000, 10, 3, 300_000_000)
    assert grid_fits(10, 500, 1, 10)  # small panels always fit


def test_duplicates_are_counted_within_and_across_batches() -> None:
    def batch(k: list[int], t: list[int]) -> pa.RecordBatch:
        return pa.record_batch(
            {
                "_k": pa.array(k, pa.int64()),
                "_c": pa.array([0] * len(k), pa.int32()),
                "t": pa.array(t, pa.int64()),
                "value": pa.array([1.0] * len(k), pa.float64()),
            }
        )

    # person 1, 2020: three rows in the first batch and one in the second; person 2, 2021:
    # once in each batch; person 3, 2020: once (kept)
    first = batch([1, 1, 2, 1], [2020, 2020, 2021, 2020])
    second = batch([2, 1, 3], [2021, 2020, 2020])
    out = pivot_dense([first, second], outcomes=["y"], n_persons=3, first=2020, last=2021)
    assert (out.counts.duplicate_rows, out.counts.duplicate_persons) == (6, 2)
    assert out.rows.column("y").to_pylist() == [None, None, 1.0]
