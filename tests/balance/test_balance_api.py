"""BalanceTable behaviour, WWC verdicts, plots and the error paths of balance()."""

from __future__ import annotations

import json
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from outcomelab.balance import balance, cox_index, hedges_g, overlap_plot
from outcomelab.balance.wwc import wwc_band
from outcomelab.errors import EmptyGroupError, InputError, ParameterError

matplotlib.use("Agg")


@pytest.fixture
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    x = rng.normal(size=n)
    t = (rng.uniform(size=n) < 1 / (1 + np.exp(-x))).astype(int)
    return pd.DataFrame(
        {
            "t": t,
            "x": x,
            "flag": rng.uniform(size=n) < 0.3,
            "region": pd.Categorical(rng.choice(["north", "south", "east"], size=n)),
        }
    )


def test_smd_and_ess_by_hand(data: pd.DataFrame) -> None:
    tab = balance(data, treatment="t", covariates=["x"])
    x, t = data["x"].to_numpy(), data["t"].to_numpy() == 1
    expected = (x[t].mean() - x[~t].mean()) / x[t].std(ddof=1)
    assert math.isclose(
        tab.tidy().set_index("term").loc["x", "smd_before"], expected, rel_tol=1e-12
    )
    assert tab.sample_sizes.loc["before", "ess_treated"] == pytest.approx(t.sum())


def test_weights_that_balance_give_zero_smd() -> None:
    # two treated at 1 and 3; controls at 0, 2, 7 -- weights (0, 1, 0) reproduce the treated mean
    df = pd.DataFrame({"t": [1, 1, 0, 0, 0], "x": [1.0, 3.0, 0.0, 2.0, 7.0]})
    tab = balance(df, treatment="t", covariates=["x"], weights=[1, 1, 0, 1, 0])
    row = tab.tidy().set_index("term").loc["x"]
    assert row["smd_before"] != 0
    assert abs(row["smd_after"]) < 1e-12
    assert tab.sample_sizes.loc["after", "n_control"] == 1


def test_categorical_levels_all_kept_and_binary_flagged(data: pd.DataFrame) -> None:
    tab = balance(data, treatment="t", covariates=["region", "flag"], estimand="ATE")
    frame = tab.tidy(all_columns=True).set_index("term")
    assert {"region_east", "region_north", "region_south"} <= set(frame.index)
    assert (frame.loc[["region_east", "flag"], "type"] == "binary").all()
    assert frame.loc[["region_east", "flag"], "var_ratio_before"].isna().all()
    assert frame.loc["region_east", "variable"] == "region"


def test_flags_threshold_and_summary(data: pd.DataFrame) -> None:
    tab = balance(data, treatment="t", covariates=["x", "flag"], threshold=0.1)
    smd = tab.tidy().set_index("term")["smd_before"].abs()
    assert tab.imbalanced_terms() == [str(i) for i in smd.index[smd >= 0.1]]
    assert tab.balanced is bool((smd < 0.1).all())
    text = tab.summary()
    assert "Sample sizes" in text and "x" in text
    assert "<table" in tab._repr_html_()
    json.dumps(tab.to_dict())


def test_boolean_treatment_and_variance_ratio_flag() -> None:
    rng = np.random.default_rng(11)
    t = np.repeat([True, False], 200)
    x = np.where(t, rng.normal(scale=3.0, size=400), rng.normal(size=400))
    tab = balance(pd.DataFrame({"t": t, "x": x}), treatment="t", covariates=["x"])
    row = tab.tidy().set_index("term").loc["x"]
    assert row["var_ratio_before"] > 2 and row["var_ratio_flag_before"]
    assert row["var_ratio_before"] == pytest.approx(x[t].var(ddof=1) / x[~t].var(ddof=1))


def test_table_is_read_only_copy(data: pd.DataFrame) -> None:
    tab = balance(data, treatment="t", covariates=["x"])
    frame = tab.tidy().set_index("term")
    frame.loc["x", "smd_before"] = 99.0
    assert tab.tidy().set_index("term").loc["x", "smd_before"] != 99.0
    with pytest.raises(AttributeError):
        tab.estimand = "ATE"  # type: ignore[misc]


def test_love_and_overlap_plots(data: pd.DataFrame) -> None:
    w = np.where(data["t"] == 1, 1.0, 0.5)
    tab = balance(data, treatment="t", covariates=["x", "region"], weights=w)
    fig = tab.love_plot()
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # before and after points
    assert next(line.get_xdata()[0] for line in ax.lines) == pytest.approx(0.1)
    p = 1 / (1 + np.exp(-data["x"]))
    fig2 = overlap_plot(p, data["t"], weights=w)
    assert len(fig2.axes[0].patches) > 0
    with pytest.raises(InputError, match="probabilities"):
        overlap_plot(p + 1, data["t"])
    plt.close(fig)
    plt.close(fig2)


# -- WWC ------------------------------------------------------------------------------------------
def test_hedges_g_and_cox_index_by_formula() -> None:
    # Hedges' g: difference 0.5 SD, equal variance 4, N = 200 -> omega = 1 - 3/791
    assert hedges_g(11.0, 10.0, 4.0, 4.0, 100, 100) == pytest.approx(0.5 * (1 - 3 / 791))
    # Cox index: ln(odds 0.6 / odds 0.5) / 1.65 with omega for N = 1000
    expected = (1 - 3 / 3991) * math.log(1.5) / 1.65
    assert cox_index(0.6, 0.5, 500, 500) == pytest.approx(expected, rel=1e-12)
    assert math.isfinite(cox_index(0.0, 0.2, 50, 50))


def test_wwc_bands() -> None:
    assert wwc_band(0.05) == "satisfied"
    assert wwc_band(-0.051) == "requires statistical adjustment"
    assert wwc_band(0.25) == "requires statistical adjustment"
    assert wwc_band(0.2501) == "not satisfied"


def test_wwc_verdict_overall_and_adjustment() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    t = np.repeat([1, 0], n // 2)
    df = pd.DataFrame(
        {
            "t": t,
            "same": rng.normal(size=n),  # ~0 SD apart
            "shifted": rng.normal(size=n) + 0.15 * t,  # ~0.15 SD apart
        }
    )
    df["same"] -= df.groupby("t")["same"].transform("mean")  # exactly 0 apart
    tab = balance(df, treatment="t", covariates=["same", "shifted"])
    verdict = tab.wwc_verdict()
    bands = verdict.tidy().set_index("term")["band"]
    assert bands["same"] == "satisfied"
    assert bands["shifted"] == "requires statistical adjustment"
    assert verdict.verdict == "requires statistical adjustment" and not verdict.satisfied
    assert verdict.code == "adjustment_required"
    assert "shifted" in verdict.reasons[0]
    ok = tab.wwc_verdict(adjusted_for=["shifted"])
    assert ok.verdict == "satisfied with statistical adjustment" and ok.satisfied
    assert ok.code == "satisfied_with_adjustment"
    far = balance(df.assign(shifted=df["shifted"] + 0.5 * t), treatment="t", covariates=["shifted"])
    assert far.wwc_verdict(adjusted_for=["shifted"]).verdict == "not satisfied"
    json.dumps(verdict.to_dict())


# -- errors ---------------------------------------------------------------------------------------
def test_unknown_column_named(data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="'income'"):
        balance(data, treatment="t", covariates=["x", "income"])


def test_missing_values_named_with_count(data: pd.DataFrame) -> None:
    bad = data.copy()
    bad.loc[[3, 8], "x"] = np.nan
    with pytest.raises(InputError, match=r"'x' has 2 missing values \(rows 3, 8\)"):
        balance(bad, treatment="t", covariates=["x"])


def test_treatment_not_binary(data: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="coded 0"):
        balance(data.assign(t=data["t"] * 2), treatment="t", covariates=["x"])
    with pytest.raises(EmptyGroupError, match="no treated"):
        balance(data.assign(t=0), treatment="t", covariates=["x"])


def test_bad_weights(data: pd.DataFrame) -> None:
    w = np.ones(len(data))
    w[5] = -1
    with pytest.raises(InputError, match="1 negative values"):
        balance(data, treatment="t", covariates=["x"], weights=w)
    with pytest.raises(EmptyGroupError, match="zero for every treated"):
        balance(data, treatment="t", covariates=["x"], weights=np.where(data["t"] == 1, 0, 1))
    with pytest.raises(InputError, match="rows"):
        balance(data, treatment="t", covariates=["x"], weights=np.ones(3))


def test_bad_options(data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="estimand"):
        balance(data, treatment="t", covariates=["x"], estimand="ATX")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="covariates"):
        balance(data, treatment="t", covariates=[])
