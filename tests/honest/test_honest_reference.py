"""HonestDiD against R HonestDiD (its README's Medicaid example) and the Python ports (mpdta).

Tolerances and their reasons are in ``tests/reference/honest_medicaid/SOURCE.md`` and
``tests/reference/honest_mpdta/SOURCE.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import InputError, ParameterError
from outcomelab.honest import honest_did

REF = Path(__file__).parents[1] / "reference" / "honest_mpdta"
MEDICAID = Path(__file__).parents[1] / "reference" / "honest_medicaid"


def _read(name: str) -> tuple[np.ndarray, np.ndarray, int, int]:
    beta = pd.read_csv(MEDICAID / f"{name}_betahat.csv")
    sigma = pd.read_csv(MEDICAID / f"{name}_sigma.csv", header=None).to_numpy()
    e = beta["event_time"].to_numpy()
    return beta["estimate"].to_numpy(), sigma, int((e < 0).sum()), int((e >= 0).sum())


@pytest.fixture(scope="module")
def r_results() -> pd.DataFrame:
    return pd.read_csv(MEDICAID / "r_honestdid.csv")


@pytest.mark.parametrize(
    ("case", "data", "l_vec", "grid_points"),
    [
        ("rm_first", "twfe", None, 1000),
        # the other two take 8-10 s each on a loaded machine: run by make test
        pytest.param("rm_average", "twfe", [0.5, 0.5], 1000, marks=pytest.mark.slow),
        pytest.param("cs_rm_e0", "cs", None, 100, marks=pytest.mark.slow),
    ],
)
def test_relative_magnitudes_equal_r_honestdid(
    r_results: pd.DataFrame, case: str, data: str, l_vec: list[float] | None, grid_points: int
) -> None:
    beta, sigma, num_pre, num_post = _read(data)
    ref = r_results[r_results["case"] == case]
    assert len(ref) >= 4
    res = honest_did(
        beta,
        sigma,
        num_pre=num_pre,
        num_post=num_post,
        m_values=list(ref["M"]),
        l_vec=l_vec,
        grid_points=grid_points,
    )
    lv = np.eye(num_post)[0] if l_vec is None else np.asarray(l_vec)
    post = sigma[num_pre:, num_pre:]
    step = 40 * float(np.sqrt(lv @ post @ lv)) / (grid_points - 1)
    got = res.table.set_index("m")
    for r in ref.itertuples():
        # C-LF's critical value is simulated (R's random draws are not numpy's): 3 grid steps
        assert got.loc[r.M, "lb"] == pytest.approx(r.lb, abs=3 * step)
        assert got.loc[r.M, "ub"] == pytest.approx(r.ub, abs=3 * step)
        assert r.method == "C-LF"


def test_smoothness_flci_equals_r_honestdid(r_results: pd.DataFrame) -> None:
    beta, sigma, num_pre, num_post = _read("twfe")
    ref = r_results[r_results["case"] == "sd_first"]
    assert len(ref) == 6
    res = honest_did(
        beta,
        sigma,
        num_pre=num_pre,
        num_post=num_post,
        method="smoothness",
        m_values=list(ref["M"]),
    )
    got = res.table.set_index("m")
    for r in ref.itertuples():
        assert got.loc[r.M, "lb"] == pytest.approx(r.lb, abs=1e-4)
        assert got.loc[r.M, "ub"] == pytest.approx(r.ub, abs=1e-4)
    # R's own breakdown: the set first contains zero at M = 0.03
    assert res.breakdown == pytest.approx(0.02)


@pytest.fixture(scope="module")
def es() -> tuple[np.ndarray, np.ndarray, int, int]:
    beta = pd.read_csv(REF / "betahat.csv")
    sigma = pd.read_csv(REF / "sigma.csv", header=None).to_numpy()
    e = beta["event_time"].to_numpy()
    return beta["estimate"].to_numpy(), sigma, int((e < 0).sum()), int((e >= 0).sum())


@pytest.fixture(scope="module")
def peer() -> pd.DataFrame:
    return pd.read_csv(REF / "peer_honestdid.csv")


@pytest.mark.parametrize("package", ["honestdid", "diff-diff"])
@pytest.mark.parametrize("l_index", [0, 1])
def test_smoothness_flci_equals_peers(es, peer: pd.DataFrame, package: str, l_index: int) -> None:
    beta, sigma, num_pre, num_post = es
    ref = peer[
        (peer["Delta"] == "DeltaSD") & (peer["l_index"] == l_index) & (peer["package"] == package)
    ]
    assert len(ref) == 5
    l_vec = np.eye(num_post)[l_index]
    res = honest_did(
        beta,
        sigma,
        num_pre=num_pre,
        num_post=num_post,
        method="smoothness",
        m_values=list(ref["M"]),
        l_vec=l_vec,
    )
    got = res.table.set_index("m")
    width = float((ref["ub"] - ref["lb"]).min())
    for r in ref.itertuples():
        # the peers simulate the folded-normal quantile (10^6 draws); outcomelab computes it
        assert got.loc[r.M, "lb"] == pytest.approx(r.lb, abs=5e-3 * width)
        assert got.loc[r.M, "ub"] == pytest.approx(r.ub, abs=5e-3 * width)


def test_breakdown_value_and_original_interval(es) -> None:
    beta, sigma, num_pre, num_post = es
    # the effect one year after the minimum-wage rise (event time 1) is significant in mpdta
    l_vec = np.eye(num_post)[1]
    res = honest_did(
        beta, sigma, num_pre=num_pre, num_post=num_post, m_values=[0, 0.25, 0.5, 1, 2], l_vec=l_vec
    )
    k = num_pre + 1
    assert res.original_high == pytest.approx(beta[k] + 1.959964 * np.sqrt(sigma[k, k]))
    assert res.original_significant
    tidy = res.tidy()
    assert tidy["ci_method"].iloc[0] == "original"
    widths = (res.table["ub"] - res.table["lb"]).to_numpy()
    assert np.all(np.diff(widths) >= -1e-9)  # larger M, wider set
    b = res.breakdown
    assert b is not None
    t = res.table.set_index("m")
    assert t.loc[b, "ub"] < 0
    bigger = t.index[t.index > b]
    assert res.holds_on_whole_grid or t.loc[bigger[0], "ub"] >= 0
    assert "times the largest pre-period one" in res.summary()
    assert "HonestDiD" in res.summary()
    assert res.plot().axes[0].has_data()


def test_bad_input() -> None:
    with pytest.raises(InputError, match="num_pre \\+ num_post"):
        honest_did(np.zeros(3), np.eye(3), num_pre=2, num_post=2)
    with pytest.raises(InputError, match="not symmetric"):
        honest_did(np.zeros(3), np.triu(np.ones((3, 3))), num_pre=2, num_post=1)
    with pytest.raises(InputError, match="positive semi-definite"):
        honest_did(np.zeros(3), -np.eye(3), num_pre=2, num_post=1)
    with pytest.raises(ParameterError, match="method"):
        honest_did(np.zeros(3), np.eye(3), num_pre=2, num_post=1, method="linear")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="m_values"):
        honest_did(np.zeros(3), np.eye(3), num_pre=2, num_post=1, m_values=[-1])
