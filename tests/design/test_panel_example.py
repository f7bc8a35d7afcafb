"""build_panel on the example submission agrees with the generator's own record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outcomelab.design import build_panel, panel_info
from outcomelab.errors import InputError
from outcomelab.example import EXAMPLE_INTERVENTION_ID, generate_example


def test_example_panel_matches_generator() -> None:
    data = generate_example(n_participants=200, n_pool=400, seed=5)
    panel = build_panel(dict(data), intervention_id=EXAMPLE_INTERVENTION_ID)
    info = panel_info(panel)
    assert info.dropped.empty
    assert len(panel) == 600 * 10
    assert {str(k): v for k, v in info.cohorts.items() if k} == data.truth["cohort_sizes"]
    # the panel's cells are the long table's values
    long = data["outcomes"].pivot(index=["person_id", "period"], columns="outcome_code")["value"]
    wide = panel.assign(period=panel["period"].astype(str)).set_index(["person_id", "period"])
    pd.testing.assert_frame_equal(
        wide[long.columns].sort_index(), long.sort_index().astype(float), check_names=False
    )
    # treated_post marks exactly the periods where the observed value is Y(1)
    starts = data["participants"].set_index("person_id")["start_date"].dt.year
    part = panel[panel["treated"] == 1]
    assert (part["cohort"] == part["person_id"].map(starts)).all()
    assert ((part["period"] >= part["cohort"]) == part["treated_post"].astype(bool)).all()


def test_panel_from_store_and_submission(tmp_path: Path) -> None:
    from outcomelab.store import Store

    folder = tmp_path / "sub"
    data = generate_example(folder, n_participants=60, n_pool=60, seed=4)
    store = Store(tmp_path / "store")
    info = store.submit(folder, intervention_id=EXAMPLE_INTERVENTION_ID)
    from_store = build_panel(store, intervention_id=EXAMPLE_INTERVENTION_ID)
    from_sub = build_panel(store.get(info.short_id), intervention_id=EXAMPLE_INTERVENTION_ID)
    from_id = build_panel(
        store, intervention_id=EXAMPLE_INTERVENTION_ID, submission=info.submission_id[:8]
    )
    from_dict = build_panel(dict(data), intervention_id=EXAMPLE_INTERVENTION_ID)
    for other in (from_sub, from_id):
        pd.testing.assert_frame_equal(from_store, other)
    design = ["person_id", "unit", "period", "cohort", "rel_time", "treated", "treated_post"]
    pd.testing.assert_frame_equal(from_store[design], from_dict[design])
    assert panel_info(from_store).period_type == "year"
    with pytest.raises(InputError, match="no submission for intervention"):
        build_panel(store, intervention_id="NOT-THERE")
