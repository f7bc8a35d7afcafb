"""outcomelab.did.imputation against diff-diff 3.13 ImputationDiD and pyfixest 0.60's two-stage
estimator (tests/reference/event_study_peers), on mpdta and the castle-doctrine panel.

Tolerances: estimates 1e-8 absolute against diff-diff and pyfixest's two-stage fit (both
iterate: the fixture script tightens their stopping rules; measured agreement <= 1.3e-14), and
diff-diff's conservative (Theorem 3) standard errors 1e-6 relative in the unweighted cases
(measured <= 1e-12). With weights diff-diff's SE is its survey (Taylor linearisation) variance,
another estimator, so only estimates are compared. pyfixest's own ``did2s`` (castle; it fails on
mpdta's singleton units) recovers fixed effects with LSQR at its default tolerance 1e-6, so its
estimate is compared at 1e-6; its standard error is Gardner's GMM variance, not BJS's.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import EventStudyResult, imputation
from outcomelab.errors import EmptyGroupError
from outcomelab.results import EffectLike

PEERS = Path(__file__).parents[1] / "reference" / "event_study_peers"
EXPECTED = json.loads((PEERS / "expected.json").read_text())["imputation"]


def _data(spec: dict[str, Any], reference_table: Any) -> pd.DataFrame:
    if spec["data"] == "mpdta":
        df = reference_table("mpdta/mpdta.csv")
        df["state"] = df["countyreal"] // 1000
        df["pop"] = np.exp(df["lpop"])
    else:
        causaldata = pytest.importorskip("causaldata", reason="castle ships in causaldata")
        df = causaldata.castle.load_pandas().data.copy()
        # float32 as shipped; the same numbers as float64, as the fixture script
        df = df.astype({c: "float64" for c in df.select_dtypes("float32").columns})
        first = df.loc[df["post"] > 0].groupby("sid")["year"].min()
        df["cohort"] = df["sid"].map(first).fillna(0).astype(int)
    if spec.get("no_never"):
        df = df[df[spec["cohort"]] > 0]
    return df


def _run(case: str, reference_table: Any) -> EventStudyResult:
    spec = EXPECTED[case]["spec"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return imputation(
            _data(spec, reference_table),
            outcome=spec["outcome"],
            unit=spec["unit"],
            time=spec["time"],
            cohort=spec["cohort"],
            covariates=spec.get("covariates"),
            cluster=spec.get("cluster"),
            weights=spec.get("weights"),
            anticipation=spec.get("anticipation", 0),
        )


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_equals_diff_diff(case: str, reference_table: Any) -> None:
    res, peer = _run(case, reference_table), EXPECTED[case]["diff_diff"]
    tab = res.tidy().set_index("event_time")
    assert tab.index.tolist() == peer["event_time"]
    np.testing.assert_allclose(tab["estimate"], peer["effect"], rtol=0, atol=1e-8)
    assert res.estimate == pytest.approx(peer["overall_att"], abs=1e-8, rel=0)
    if not EXPECTED[case]["spec"].get("weights"):
        np.testing.assert_allclose(tab["std_error"], peer["se"], rtol=1e-6)
        assert res.std_error == pytest.approx(peer["overall_se"], rel=1e-6)
        _compare_leads(res, peer)


def _compare_leads(res: EventStudyResult, peer: dict[str, Any]) -> None:
    """The pre-trend leads (BJS Test 1) against diff-diff's ``pretrends=True`` (its lead
    regression: CR1 with the same small-sample rule)."""
    pretrend = res.diagnostics["pretrend"]
    finite = np.isfinite(peer["lead_se"])
    # without never-treated units the most distant lead is collinear with the fixed effects:
    # diff-diff gives it NaN, outcomelab leaves it out and lists it under "dropped"
    assert pretrend["dropped"] == [
        e for e, f in zip(peer["lead_event_time"], finite, strict=True) if not f
    ]
    leads = pd.DataFrame(pretrend["terms"])
    assert leads["event_time"].tolist() == list(np.asarray(peer["lead_event_time"])[finite])
    np.testing.assert_allclose(
        leads["estimate"], np.asarray(peer["lead_effect"])[finite], rtol=0, atol=1e-8
    )
    np.testing.assert_allclose(leads["std_error"], np.asarray(peer["lead_se"])[finite], rtol=1e-6)
    assert 0 < pretrend["p_value"] < 1


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_equals_pyfixest_two_stage(case: str, reference_table: Any) -> None:
    res = _run(case, reference_table)
    tab = res.tidy().set_index("event_time")
    peer = EXPECTED[case]["pyfixest_two_stage"]
    assert tab.index.tolist() == peer["event_time"]
    np.testing.assert_allclose(tab["estimate"], peer["effect"], rtol=0, atol=1e-8)
    assert res.estimate == pytest.approx(peer["overall_att"], abs=1e-8, rel=0)
    if "pyfixest_did2s" in EXPECTED[case]:
        assert res.estimate == pytest.approx(
            EXPECTED[case]["pyfixest_did2s"]["overall_att"], abs=1e-6, rel=0
        )


def test_result_protocol_and_plot(reference_table: Any) -> None:
    res = _run("mpdta", reference_table)
    assert isinstance(res, EffectLike)
    tab = res.tidy()
    assert list(tab.columns[:6]) == [
        "term",
        "estimate",
        "std_error",
        "conf_low",
        "conf_high",
        "p_value",
    ]
    assert tab["n_units"].tolist() == [191, 60, 20, 20]
    at_two = res.at_event_time(2)
    assert (at_two.estimate, at_two.n_treated) == (tab["estimate"].iloc[2], 20)
    with pytest.raises(EmptyGroupError, match="event time 7"):
        res.at_event_time(7)
    assert res.vcov is not None and res.vcov.shape == (4, 4)
    np.testing.assert_allclose(np.sqrt(np.diag(res.vcov)), tab["std_error"])
    json.dumps(res.to_dict(), allow_nan=False)
    assert res.diagnostics["n_treated_obs"] == 291
    fig = res.plot()
    assert "imputation" in fig.axes[0].get_title()
    # the pre-trend leads are drawn before the start (e = -4, -3, -2), then the effects
    assert list(fig.axes[0].get_xticks()) == [-4, -3, -2, 0, 1, 2, 3]
