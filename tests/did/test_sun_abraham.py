"""outcomelab.did.sun_abraham against diff-diff 3.13 SunAbraham and pyfixest 0.60's saturated
event study (tests/reference/event_study_peers), on mpdta and the castle-doctrine panel.

Tolerances: estimates 1e-8 absolute. Standard errors 1e-6 relative against pyfixest's CR1 (the
same small-sample rule, ``k_fixef="nonnested"``; measured agreement 1e-13) and against
diff-diff's cluster-robust HC1 in the unweighted cases (measured 1e-14). With weights diff-diff's
survey (Taylor linearisation) variance is another estimator, so only its estimates are compared.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomelab.did import EventStudyResult, sun_abraham
from outcomelab.results import EffectLike

PEERS = Path(__file__).parents[1] / "reference" / "event_study_peers"
EXPECTED = json.loads((PEERS / "expected.json").read_text())["sun_abraham"]


def _mpdta(reference_table: Any) -> pd.DataFrame:
    df = reference_table("mpdta/mpdta.csv")
    df["state"] = df["countyreal"] // 1000
    df["pop"] = np.exp(df["lpop"])
    return df


def _castle() -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata", reason="castle ships in causaldata (dev dep)")
    df = causaldata.castle.load_pandas().data.copy()
    # float32 as shipped; the same numbers as float64, as the fixture script
    df = df.astype({c: "float64" for c in df.select_dtypes("float32").columns})
    first = df.loc[df["post"] > 0].groupby("sid")["year"].min()
    df["cohort"] = df["sid"].map(first).fillna(0).astype(int)
    return df


def _run(case: str, reference_table: Any) -> EventStudyResult:
    spec = EXPECTED[case]["spec"]
    df = _mpdta(reference_table) if spec["data"] == "mpdta" else _castle()
    if spec.get("last_treated"):
        df = df[df[spec["cohort"]] > 0]  # no never-treated units: the last cohort compares
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return sun_abraham(
            df,
            outcome=spec["outcome"],
            unit=spec["unit"],
            time=spec["time"],
            cohort=spec["cohort"],
            covariates=spec.get("covariates"),
            cluster=spec.get("cluster"),
            weights=spec.get("weights"),
            anticipation=spec.get("anticipation", 0),
        )


def _compare(res: EventStudyResult, peer: dict[str, Any], *, se: bool) -> None:
    tab = res.tidy().set_index("event_time")
    events = [e for e in peer["event_time"] if e in tab.index]
    assert len(events) == len(tab) == len(peer["event_time"])
    np.testing.assert_allclose(tab.loc[events, "estimate"], peer["effect"], rtol=0, atol=1e-8)
    if se:
        np.testing.assert_allclose(tab.loc[events, "std_error"], peer["se"], rtol=1e-6)
    if "overall_att" in peer:
        assert res.estimate == pytest.approx(peer["overall_att"], abs=1e-8, rel=0)
        if se:
            assert res.std_error == pytest.approx(peer["overall_se"], rel=1e-6)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_equals_diff_diff(case: str, reference_table: Any) -> None:
    res = _run(case, reference_table)
    _compare(res, EXPECTED[case]["diff_diff"], se=not EXPECTED[case]["spec"].get("weights"))


@pytest.mark.parametrize("case", sorted(c for c in EXPECTED if "pyfixest" in EXPECTED[c]))
def test_equals_pyfixest(case: str, reference_table: Any) -> None:
    res = _run(case, reference_table)
    _compare(res, EXPECTED[case]["pyfixest"], se=True)
    if "pyfixest_event_study" in EXPECTED[case]:
        _compare(res, EXPECTED[case]["pyfixest_event_study"], se=True)


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
    assert -1 not in tab["event_time"].to_list()  # the reference period is left out
    assert res.vcov is not None and res.vcov.shape == (len(tab), len(tab))
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["diagnostics"]["n_clusters"] == 500
    assert sum(c["overall_weight"] for c in d["diagnostics"]["cohort_effects"]) == pytest.approx(1)
    assert "sun_abraham" in res.summary()
    # cohorts 2004 (20 counties), 2006 (40), 2007 (131): e=0 has all three, e=3 only 2004
    assert tab.set_index("event_time")["n_units"].loc[[0, 1, 3]].tolist() == [191, 60, 20]
    assert res.at_event_time(1).n_treated == 60
    fig = res.plot()
    assert "Sun & Abraham" in fig.axes[0].get_title()


@pytest.mark.parametrize(
    ("cluster", "anticipation", "last_treated"),
    [(None, 0, False), ("state", 0, False), (None, 1, False), (None, 0, True)],
)
def test_cell_means_path_equals_the_regression(
    reference_table: Any, cluster: str | None, anticipation: int, last_treated: bool
) -> None:
    """Without covariates and weights the fit comes from cohort x period means
    (did/sun_abraham_grid.py); weights of 1 take the regression with one column per cell. The
    two are the same numbers to 1e-10: estimates, standard errors, cell effects."""
    df = _mpdta(reference_table).assign(one=1.0)
    if anticipation:
        df = df[df["first.treat"] != 2004]
    if last_treated:
        df = df[df["first.treat"] > 0]
    args = {
        "outcome": "lemp",
        "unit": "countyreal",
        "time": "year",
        "cohort": "first.treat",
        "cluster": cluster,
        "anticipation": anticipation,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        means = sun_abraham(df, **args)
        regression = sun_abraham(df, **args, weights="one")
    a, b = means.tidy(), regression.tidy()
    for column in ("estimate", "std_error"):
        np.testing.assert_allclose(a[column], b[column], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(means.estimate, regression.estimate, rtol=1e-10)
    np.testing.assert_allclose(means.std_error, regression.std_error, rtol=1e-10)
    cells = pd.DataFrame(means.diagnostics["cohort_effects"])
    peer = pd.DataFrame(regression.diagnostics["cohort_effects"])
    np.testing.assert_allclose(
        cells[["estimate", "std_error"]], peer[["estimate", "std_error"]], rtol=1e-10, atol=1e-12
    )
