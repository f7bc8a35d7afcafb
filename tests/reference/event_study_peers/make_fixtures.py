"""Peer numbers for outcomelab.did.sun_abraham and outcomelab.did.imputation (see SOURCE.md).

Run from the repository root with diff-diff 3.13.0, pyfixest 0.60.0 and causaldata 0.1.5
installed: ``python tests/reference/event_study_peers/make_fixtures.py``. Writes
``expected.json`` next to this file. Test-only: no peer is imported by ``src/``.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent


def mpdta() -> pd.DataFrame:
    df = pd.read_csv(REFERENCE / "mpdta" / "mpdta.csv")
    df["state"] = df["countyreal"] // 1000  # FIPS: the county's state
    df["pop"] = np.exp(df["lpop"])
    return df


def castle() -> pd.DataFrame:
    from causaldata import castle as source

    df = source.load_pandas().data.copy()
    df["year"] = df["year"].astype("int64")  # shipped as a small integer type pyfixest refuses
    # shipped as float32 (the peers then compute in float32, 3e-8 off): the same numbers as float64
    df = df.astype({c: "float64" for c in df.select_dtypes("float32").columns})
    first = df.loc[df["post"] > 0].groupby("sid")["year"].min()
    df["cohort"] = df["sid"].map(first).fillna(0).astype(int)
    return df


def last_treated(df: pd.DataFrame, time: str, g: str) -> pd.DataFrame:
    """Sun and Abraham's last-treated comparison written out by hand for the peers: no
    never-treated units, periods from the last cohort's start dropped, the last cohort coded
    as never treated."""
    out = df[df[g] > 0]
    last = out[g].max()
    out = out[out[time] < last].copy()
    out.loc[out[g] == last, g] = 0
    return out


# -- Sun-Abraham ---------------------------------------------------------------------------------
def dd_sun_abraham(df: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    from diff_diff import SunAbraham
    from diff_diff.survey import SurveyDesign

    est = SunAbraham(anticipation=spec.get("anticipation", 0), cluster=spec.get("cluster"))
    kwargs: dict[str, Any] = {}
    if spec.get("weights"):
        kwargs["survey_design"] = SurveyDesign(weights=spec["weights"])
    res = est.fit(
        df,
        outcome=spec["outcome"],
        unit=spec["unit"],
        time=spec["time"],
        first_treat=spec["cohort"],
        covariates=spec.get("covariates") or None,
        **kwargs,
    )
    es = res.event_study_effects
    return {
        "overall_att": res.overall_att,
        "overall_se": res.overall_se,
        "event_time": [float(e) for e in sorted(es)],
        "effect": [es[e]["effect"] for e in sorted(es)],
        "se": [es[e]["se"] for e in sorted(es)],
    }


def pf_saturated(df: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    """pyfixest feols of the saturated regression; IW weights computed here from the data."""
    import pyfixest as pf

    y, unit, time, g = spec["outcome"], spec["unit"], spec["time"], spec["cohort"]
    data = df.copy()
    data["rel_time"] = np.where(data[g] > 0, data[time] - data[g], np.inf)
    data["cohort_"] = data[g]  # formula-safe name (mpdta's is "first.treat")
    covs = spec.get("covariates") or []
    rhs = "i(rel_time, cohort_, ref=-1, ref2=0)" + "".join(f" + {c}" for c in covs)
    fit = pf.feols(
        f"{y} ~ {rhs} | {unit} + {time}",
        data=data,
        vcov={"CRV1": spec.get("cluster") or unit},
        weights=spec.get("weights"),
        fixef_tol=1e-12,  # weighted demeaning iterates; the default 1e-8 leaves ~1e-9 errors
    )
    names = list(fit._coefnames)
    beta, vcov = np.asarray(fit._beta_hat), np.asarray(fit._vcov)
    cells = {}
    for j, name in enumerate(names):
        m = re.match(r".+::(?P<e>[-0-9.]+):.+::(?P<g>[0-9.]+)$", name)
        if m:
            cells[(float(m["g"]), float(m["e"]))] = j
    mass_unit = data.groupby(unit)[spec["weights"]].first() if spec.get("weights") else None
    cohort_of = data.groupby(unit)[g].first()
    mass = {
        c: float(mass_unit[cohort_of == c].sum())
        if mass_unit is not None
        else float((cohort_of == c).sum())
        for c in cohort_of.unique()
    }
    events = sorted({e for _, e in cells})
    out: dict[str, Any] = {"event_time": events, "effect": [], "se": []}
    for e in events:
        r = np.zeros(len(names))
        at = [(gg, ee) for (gg, ee) in cells if ee == e]
        tot = sum(mass[gg] for gg, _ in at)
        for key in at:
            r[cells[key]] = mass[key[0]] / tot
        out["effect"].append(float(r @ beta))
        out["se"].append(float(np.sqrt(r @ vcov @ r)))
    r = np.zeros(len(names))
    post = [(gg, ee) for (gg, ee) in cells if ee >= 0]
    tot = sum(mass[gg] for gg, _ in post)
    for key in post:
        r[cells[key]] = mass[key[0]] / tot
    out["overall_att"] = float(r @ beta)
    out["overall_se"] = float(np.sqrt(r @ vcov @ r))
    return out


def pf_event_study_saturated(df: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    """pyfixest's own saturated event study and its ``aggregate()`` (no covariates/weights)."""
    import pyfixest as pf

    fit = pf.event_study(
        df,
        yname=spec["outcome"],
        idname=spec["unit"],
        tname=spec["time"],
        gname=spec["cohort"],
        estimator="saturated",
        cluster=spec.get("cluster"),
    )
    agg = fit.aggregate()
    return {
        "event_time": [float(e) for e in agg.index],
        "effect": agg["Estimate"].astype(float).tolist(),
        "se": agg["Std. Error"].astype(float).tolist(),
    }


MP = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}
CA = {"outcome": "l_homicide", "unit": "sid", "time": "year", "cohort": "cohort"}
CASES: dict[str, dict[str, Any]] = {
    "mpdta": {"data": "mpdta", **MP},
    "mpdta_cluster_state": {"data": "mpdta", **MP, "cluster": "state"},
    "mpdta_weights": {"data": "mpdta", **MP, "weights": "pop"},
    "mpdta_last_treated": {"data": "mpdta", **MP, "last_treated": True},
    "mpdta_anticipation": {"data": "mpdta", **MP, "anticipation": 1, "drop_cohorts": [2004]},
    "castle": {"data": "castle", **CA},
    "castle_covariates": {
        "data": "castle",
        **CA,
        "covariates": ["l_police", "unemployrt", "l_income", "poverty"],
    },
    "castle_weights": {"data": "castle", **CA, "weights": "popwt"},
}


def sun_abraham_fixtures() -> dict[str, Any]:
    frames = {"mpdta": mpdta(), "castle": castle()}
    out: dict[str, Any] = {}
    for name, spec in CASES.items():
        df = frames[spec["data"]]
        if spec.get("last_treated"):
            df = last_treated(df, spec["time"], spec["cohort"])
        if spec.get("drop_cohorts"):
            # cohorts without a period before g - anticipation: outcomelab drops their units (as
            # att_gt and R did do); diff-diff would keep them and lose its reference period
            df = df[~df[spec["cohort"]].isin(spec["drop_cohorts"])]
        entry: dict[str, Any] = {"spec": spec, "diff_diff": dd_sun_abraham(df, spec)}
        if not spec.get("anticipation"):
            entry["pyfixest"] = pf_saturated(df, spec)
            if not spec.get("covariates") and not spec.get("weights"):
                entry["pyfixest_event_study"] = pf_event_study_saturated(df, spec)
        out[name] = entry
    return out


# -- imputation (Borusyak, Jaravel and Spiess) ---------------------------------------------------
def treated_rows(df: pd.DataFrame, spec: dict[str, Any]) -> pd.Series:
    g = df[spec["cohort"]]
    return (g > 0) & (df[spec["time"]] >= g - spec.get("anticipation", 0))


def tighten_diff_diff_imputation() -> None:
    """diff-diff's ImputationDiD fits the untreated model by alternating projections that stop
    at a change of 1e-10 per sweep (1e-10 also for the covariates' demeaning): on these
    unbalanced untreated samples that leaves errors up to 3e-6 in the estimates. Tighten both
    stopping rules so the fixture measures the estimator, not the stopping rule."""
    import diff_diff.imputation_aggregation as agg

    fe = agg._ImputationAggregationMixin._iterative_fe
    fe.__defaults__ = (1_000_000, 1e-15, None)  # max_iter, tol, weights
    demean = agg.demean_by_groups

    def tight(*args: Any, **kwargs: Any) -> Any:
        return demean(*args, **{**kwargs, "max_iter": 1_000_000, "tol": 1e-15})

    agg.demean_by_groups = tight


def dd_imputation(df: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    from diff_diff import ImputationDiD
    from diff_diff.survey import SurveyDesign

    est = ImputationDiD(anticipation=spec.get("anticipation", 0), cluster=spec.get("cluster"))
    kwargs: dict[str, Any] = {}
    if spec.get("weights"):
        kwargs["survey_design"] = SurveyDesign(weights=spec["weights"])
    res = est.fit(
        df,
        outcome=spec["outcome"],
        unit=spec["unit"],
        time=spec["time"],
        first_treat=spec["cohort"],
        covariates=spec.get("covariates") or None,
        **kwargs,
    )
    es = res.aggregate("event_study")
    keep = ~np.asarray(es.is_reference) & np.isfinite(np.asarray(es.att, dtype=float))
    leads = {}
    if not spec.get("weights"):  # the lead regression (BJS Test 1), diff-diff's pretrends=True
        pre = ImputationDiD(
            anticipation=spec.get("anticipation", 0), cluster=spec.get("cluster"), pretrends=True
        ).fit(
            df,
            outcome=spec["outcome"],
            unit=spec["unit"],
            time=spec["time"],
            first_treat=spec["cohort"],
            covariates=spec.get("covariates") or None,
        )
        les = pre.aggregate("event_study")
        e = np.asarray(les.event_time, dtype=float)
        lead = (e < -spec.get("anticipation", 0)) & ~np.asarray(les.is_reference)
        leads = {
            "lead_event_time": e[lead].tolist(),
            "lead_effect": np.asarray(les.att, dtype=float)[lead].tolist(),
            "lead_se": np.asarray(les.se, dtype=float)[lead].tolist(),
        }
    return {
        **leads,
        "overall_att": res.overall_att,
        "overall_se": res.overall_se,
        "event_time": [float(e) for e in np.asarray(es.event_time)[keep]],
        "effect": [float(v) for v in np.asarray(es.att)[keep]],
        "se": [float(v) for v in np.asarray(es.se)[keep]],
    }


def pf_two_stage(df: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    """Gardner's two-stage estimator written with pyfixest: feols on the untreated rows (no
    singleton removal), predict the treated rows, average the differences. (pyfixest's did2s
    drops singleton units in its first stage and then fails on mpdta, whose 2004 cohort has one
    untreated year.)"""
    import pyfixest as pf

    y, unit, time = spec["outcome"], spec["unit"], spec["time"]
    on = treated_rows(df, spec)
    covs = spec.get("covariates") or []
    rhs = " + ".join(covs) if covs else "1"
    first = pf.feols(
        f"{y} ~ {rhs} | {unit} + {time}",
        data=df[~on],
        weights=spec.get("weights"),
        fixef_rm="none",
        fixef_tol=1e-12,
    )
    d1 = df[on]
    # predict recovers the fixed effects by LSQR: tolerances 1e-6 by default, tightened here
    tau = d1[y].to_numpy() - np.asarray(first.predict(newdata=d1, atol=1e-14, btol=1e-14))
    ok = np.isfinite(tau)  # periods without untreated rows cannot be predicted
    w = d1[spec["weights"]].to_numpy() if spec.get("weights") else np.ones(len(d1))
    e = (d1[time] - d1[spec["cohort"]]).to_numpy()
    events = sorted(set(e[ok].tolist()))
    return {
        "overall_att": float(np.average(tau[ok], weights=w[ok])),
        "event_time": [float(v) for v in events],
        "effect": [float(np.average(tau[ok & (e == v)], weights=w[ok & (e == v)])) for v in events],
    }


def pf_did2s(df: pd.DataFrame, spec: dict[str, Any]) -> dict[str, Any]:
    """pyfixest's own did2s (overall effect): estimate and Gardner's GMM standard error."""
    import pyfixest as pf

    data = df.assign(treat_=treated_rows(df, spec).astype(int))
    covs = spec.get("covariates") or []
    fit = pf.did2s(
        data,
        yname=spec["outcome"],
        first_stage="~ "
        + (" + ".join(covs) if covs else "0")
        + f" | {spec['unit']} + {spec['time']}",
        second_stage="~ i(treat_)",
        treatment="treat_",
        cluster=spec.get("cluster") or spec["unit"],
        weights=spec.get("weights"),
    )
    tidy = fit.tidy()
    return {
        "overall_att": float(tidy["Estimate"].iloc[-1]),
        "gmm_se": float(tidy["Std. Error"].iloc[-1]),
    }


IMPUTATION_CASES: dict[str, dict[str, Any]] = {
    "mpdta": {"data": "mpdta", **MP},
    "mpdta_cluster_state": {"data": "mpdta", **MP, "cluster": "state"},
    "mpdta_weights": {"data": "mpdta", **MP, "weights": "pop"},
    "mpdta_no_never_treated": {"data": "mpdta", **MP, "no_never": True},
    "mpdta_anticipation": {"data": "mpdta", **MP, "anticipation": 1, "drop_cohorts": [2004]},
    "castle": {"data": "castle", **CA},
    "castle_covariates": {
        "data": "castle",
        **CA,
        "covariates": ["l_police", "unemployrt", "l_income", "poverty"],
    },
    "castle_weights": {"data": "castle", **CA, "weights": "popwt"},
}


def imputation_fixtures() -> dict[str, Any]:
    tighten_diff_diff_imputation()
    frames = {"mpdta": mpdta(), "castle": castle()}
    out: dict[str, Any] = {}
    for name, spec in IMPUTATION_CASES.items():
        df = frames[spec["data"]]
        if spec.get("no_never"):
            df = df[df[spec["cohort"]] > 0]
        if spec.get("drop_cohorts"):
            df = df[~df[spec["cohort"]].isin(spec["drop_cohorts"])]
        entry: dict[str, Any] = {
            "spec": spec,
            "diff_diff": dd_imputation(df, spec),
            "pyfixest_two_stage": pf_two_stage(df, spec),
        }
        if spec["data"] == "castle":
            entry["pyfixest_did2s"] = pf_did2s(df, spec)
        out[name] = entry
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    import diff_diff
    import pyfixest

    expected = {
        "versions": {"diff_diff": diff_diff.__version__, "pyfixest": pyfixest.__version__},
        "sun_abraham": sun_abraham_fixtures(),
        "imputation": imputation_fixtures(),
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
