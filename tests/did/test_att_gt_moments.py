"""att_gt_moments (sufficient statistics in DuckDB) equals att_gt without covariates."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from outcomelab.did import GroupTimeResult, att_gt, att_gt_moments
from outcomelab.did.influence import LinearInfluence
from outcomelab.did.moments import cohort_moments
from outcomelab.errors import EmptyGroupError, EstimationError, InputError, ParameterError

REF = Path(__file__).parents[1] / "reference" / "mpdta"
COLS = {"outcome": "y", "unit": "id", "time": "year", "cohort": "g"}
NUMBERS = ["estimate", "std_error", "conf_low", "conf_high", "p_value", "cband_low", "cband_high"]
TOL = 1e-10


def _panel(n: int = 1500, seed: int = 3) -> pd.DataFrame:
    """Staggered panel with a large level (a test of the centred moments), gaps and a NaN."""
    rng = np.random.default_rng(seed)
    years = np.arange(2011, 2021)
    g = rng.choice([0, 2013, 2015, 2017, 2019], n, p=[0.4, 0.15, 0.15, 0.15, 0.15])
    df = pd.DataFrame(
        {"id": np.repeat(np.arange(n), years.size), "year": np.tile(years, n),
         "g": np.repeat(g, years.size)}
    )  # fmt: skip
    unit_level = np.repeat(rng.normal(size=n), years.size)
    effect = (df["g"] > 0) & (df["year"] >= df["g"])
    df["y"] = 1e4 + unit_level + 0.1 * (df["year"] - 2011) + effect + rng.normal(size=len(df))
    df = df.drop(index=[5, 77, 9 * n])  # three units not observed in every period
    df.loc[5 * n + 4, "y"] = np.nan  # one unit with a missing outcome
    return df.reset_index(drop=True)


def _assert_same(a: GroupTimeResult, b: GroupTimeResult) -> None:
    ta, tb = a.tidy(), b.tidy()
    assert ta["term"].tolist() == tb["term"].tolist()
    np.testing.assert_allclose(tb[NUMBERS], ta[NUMBERS], rtol=TOL, atol=TOL)
    for kind in ("simple", "dynamic", "group", "calendar"):
        xa, xb = a.aggregate(kind), b.aggregate(kind)  # type: ignore[arg-type]
        assert xb.estimate == pytest.approx(xa.estimate, rel=TOL, abs=TOL)
        assert xb.std_error == pytest.approx(xa.std_error, rel=TOL, abs=TOL)
        if xa.vcov is not None:
            scale = float(np.abs(xa.vcov).max())  # near-zero covariances: relative to the matrix
            np.testing.assert_allclose(xb.vcov, xa.vcov, rtol=TOL, atol=TOL * scale)
        cols = [c for c in NUMBERS if c in xa.tidy().columns]
        np.testing.assert_allclose(xb.tidy()[cols], xa.tidy()[cols], rtol=TOL, atol=TOL)
        assert (xb.n_treated, xb.n_control) == (xa.n_treated, xa.n_control)
    pa_, pb = a.pretest(), b.pretest()
    assert pb.df == pa_.df and pb.statistic == pytest.approx(pa_.statistic, rel=TOL)
    assert (b.n_treated, b.n_control, b.method) == (a.n_treated, a.n_control, a.method)
    assert b.notes == a.notes
    same = {k: v for k, v in b.diagnostics.items() if k not in ("pretest", "sufficient_statistics")}
    for key, value in same.items():
        if key == "uniform_critical_value":
            assert value == pytest.approx(a.diagnostics[key], rel=TOL)
        elif key == "dropped_cells":  # att_gt's entries also name the kind of reason
            assert value == [
                {k: v for k, v in c.items() if k != "kind"} for c in a.diagnostics[key]
            ]
        else:
            assert value == a.diagnostics[key], key


@pytest.mark.parametrize("control_group", ["never_treated", "not_yet_treated"])
@pytest.mark.parametrize("base_period", ["varying", "universal"])
def test_equal_to_att_gt_on_a_staggered_panel(control_group: str, base_period: str) -> None:
    df = _panel()
    kwargs = {"control_group": control_group, "base_period": base_period}
    a = att_gt(df, **COLS, **kwargs)  # type: ignore[arg-type]
    b = att_gt_moments(df, **COLS, **kwargs)  # type: ignore[arg-type]
    assert a.diagnostics["dropped_units"] == {
        "not observed in every period": 3,
        "missing outcome in some period": 1,
    }
    _assert_same(a, b)
    assert b.diagnostics["sufficient_statistics"] is True


def test_equal_to_att_gt_with_anticipation_and_cohorts_outside_the_panel() -> None:
    df = _panel(seed=8)
    # R did 2.5, as att_gt: with anticipation 1, cohort 2012 is already treated in the first
    # period (dropped) and cohort 2020 starts after the panel (never treated in it)
    df["g"] = df["g"].replace({2013: 2012, 2019: 2030})
    kwargs = {"anticipation": 1, "control_group": "not_yet_treated"}
    a = att_gt(df, **COLS, **kwargs)  # type: ignore[arg-type]
    b = att_gt_moments(df, **COLS, **kwargs)  # type: ignore[arg-type]
    assert a.diagnostics["dropped_units"]["already treated in the first period (anticipation 1)"]
    assert "count as never treated" in a.notes[0]
    _assert_same(a, b)


def test_parquet_and_arrow_sources_give_the_same_result(tmp_path: Path) -> None:
    df = _panel(n=400)
    half = df["id"] < 200
    df[half].to_parquet(tmp_path / "part-1.parquet")
    df[~half].to_parquet(tmp_path / "part-2.parquet")
    from_frame = att_gt_moments(df, **COLS)  # type: ignore[arg-type]
    from_folder = att_gt_moments(tmp_path, **COLS, memory_limit="500MB", threads=1)  # type: ignore[arg-type]
    from_arrow = att_gt_moments(pa.Table.from_pandas(df), **COLS)  # type: ignore[arg-type]
    for other in (from_folder, from_arrow):
        np.testing.assert_allclose(
            other.tidy()[NUMBERS], from_frame.tidy()[NUMBERS], rtol=TOL, atol=TOL
        )


@pytest.mark.parametrize(
    ("case", "control_group", "base_period"),
    [("dr_notyet", "not_yet_treated", "varying"), ("dr_universal", "never_treated", "universal")],
)
def test_mpdta_equals_moderndid(case: str, control_group: str, base_period: str) -> None:
    """The public mpdta data against moderndid's fixtures (tolerances of test_att_gt_peers)."""
    data = pd.read_csv(REF / "mpdta.csv")
    res = att_gt_moments(
        data, outcome="lemp", unit="countyreal", time="year", cohort="first.treat",
        control_group=control_group, base_period=base_period,  # type: ignore[arg-type]
    )  # fmt: skip
    ref = pd.read_csv(REF / "peer_att_gt.csv").query("case == @case")
    got = res.tidy()
    assert got[["group", "time"]].to_numpy().tolist() == ref[["group", "t"]].to_numpy().tolist()
    np.testing.assert_allclose(got["estimate"], ref["att"], atol=1e-7)
    est = ~np.isnan(ref["se"].to_numpy())
    np.testing.assert_allclose(
        got["std_error"].to_numpy()[est], ref["se"].to_numpy()[est], rtol=1e-5
    )
    agg = pd.read_csv(REF / "peer_aggte.csv").query("case == @case").set_index("type")
    for kind in ("simple", "group", "dynamic", "calendar"):
        a = res.aggregate(kind)  # type: ignore[arg-type]
        assert a.estimate == pytest.approx(agg.loc[kind, "overall_att"], abs=1e-7)
        assert a.std_error == pytest.approx(agg.loc[kind, "overall_se"], rel=1e-5)


def test_cells_failing_the_overlap_guard_are_dropped_as_att_gt_drops_them() -> None:
    # 2 never-treated units against 401 in a cohort: 99.5 % treated once the later cohort has
    # started, so those cells fail R did's overlap guard, in att_gt as here
    rows = []
    for i in range(803):
        g = 0 if i < 2 else (2013 if i < 403 else 2016)
        for year in range(2011, 2018):
            rows.append((i, year, g, float((i * 7919 + year * 31) % 101) / 10))
    df = pd.DataFrame(rows, columns=["id", "year", "g", "y"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = att_gt(df, **COLS, control_group="not_yet_treated")  # type: ignore[arg-type]
        b = att_gt_moments(df, **COLS, control_group="not_yet_treated")  # type: ignore[arg-type]
    assert a.diagnostics["dropped_cells"]
    assert len(b.diagnostics["dropped_cells"]) == len(a.diagnostics["dropped_cells"])
    _assert_same(a, b)


def test_moments_are_centred_per_cohort() -> None:
    df = _panel(n=300).dropna()
    df = df[df.groupby("id")["year"].transform("size") == 10]
    mom = cohort_moments(df, **COLS)  # type: ignore[arg-type]
    wide = df.pivot(index="id", columns="year", values="y")
    cohort = df.groupby("id")["g"].first()
    for c, n, means, com in zip(mom.cohorts, mom.counts, mom.means, mom.comoments, strict=True):
        y = wide[cohort == c].to_numpy()
        assert n == len(y)
        np.testing.assert_allclose(means, y.mean(axis=0), rtol=1e-13)
        centred = y - y.mean(axis=0)
        np.testing.assert_allclose(com, centred.T @ centred, rtol=1e-9)


def test_bad_input_is_refused_with_the_reason() -> None:
    df = _panel(n=60)
    with pytest.raises(InputError, match="more than one row"):
        att_gt_moments(pd.concat([df, df.iloc[:1]]), **COLS)  # type: ignore[arg-type]
    changing = df.copy()
    changing.loc[changing.index[:2], "g"] = [2013, 2015]
    with pytest.raises(InputError, match="changes within"):
        att_gt_moments(changing, **COLS)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be numeric"):
        att_gt_moments(df.assign(year=df["year"].astype(str)), **COLS)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not in the data"):
        att_gt_moments(df, **{**COLS, "outcome": "earnings"})  # type: ignore[arg-type]
    with pytest.raises(EstimationError, match="takes the same value"):
        att_gt_moments(df.assign(y=2.5), **COLS)  # type: ignore[arg-type]
    with pytest.raises(EmptyGroupError, match="no never-treated units"):
        att_gt_moments(df[df["g"] > 0], **COLS)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="control_group"):
        att_gt_moments(df, **COLS, control_group="later")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Parquet"):
        att_gt_moments(Path("/nonexistent/panel.parquet"), **COLS)  # type: ignore[arg-type]


def test_bootstrap_needs_the_influence_functions() -> None:
    res = att_gt_moments(_panel(n=200), **COLS)  # type: ignore[arg-type]
    state = res.state
    assert state is not None and state.influence is None
    assert state.n_units == res.diagnostics["n_units"]
    cells = LinearInfluence(np.eye(len(state.att)), np.zeros((len(state.cohort_values), 1)))
    with pytest.raises(ParameterError, match="use att_gt for bootstrap"):
        cells.materialise(state)
