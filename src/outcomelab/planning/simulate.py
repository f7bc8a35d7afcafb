"""Simulation-based power: the lab's own estimators on many synthetic data sets of the design.

Each replication draws a panel of the planned design with a known effect
(:func:`outcomelab.example.planned.generate_planned_panel`) and estimates it with the same
functions the standard evaluation runs (:func:`outcomelab.evaluation.estimation.did_effect` for
staggered DiD with the group-time estimator,
:func:`~outcomelab.evaluation.estimation.matching_sample` and
:func:`~outcomelab.evaluation.estimation.matching_effect` for matching, and
:func:`outcomelab.synth.synthdid` with placebo standard errors for an aggregate design of a few
treated municipalities). Power is the share of
replications whose interval excludes zero; bias and coverage come for free because the truth is
known. Replications run in parallel worker processes, one per task, with a progress bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from outcomelab._checks import check_choice
from outcomelab.errors import OutcomelabError, ParameterError
from outcomelab.numerics import json_safe
from outcomelab.planning.design import PlannedDesign

__all__ = ["PLACEBO_REPLICATIONS", "SIMULATED_ESTIMATORS", "SimulatedPower", "simulate_power"]

#: estimators with a simulation path
SIMULATED_ESTIMATORS = ("did", "matching", "sdid")
#: placebo replications per simulated data set of a synthetic DiD (as the evaluation's default)
PLACEBO_REPLICATIONS = 200


@dataclass(frozen=True)
class SimulatedPower:
    """Result of a power simulation (read-only).

    Attributes
    ----------
    power, power_se
        Share of replications that reject "no effect" at ``alpha``, and its Monte Carlo SE.
    mean_estimate, bias, coverage
        Mean estimate, its difference from the true ``effect``, share of intervals covering it.
    empirical_se
        Standard deviation of the estimates over the replications: the estimator's true standard
        error for this design, to hold against the closed form's.
    replications, failures
        Replications run, and how many the estimator could not estimate (not counted as
        rejections; reasons in ``failure_reasons``).
    """

    estimator: str
    effect: float
    alpha: float
    power: float
    power_se: float
    mean_estimate: float
    bias: float
    coverage: float
    empirical_se: float
    replications: int
    failures: int
    failure_reasons: tuple[str, ...]
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the result."""
        return json_safe(dict(self.__dict__))


def _treated_per_cohort(treated: int, cohorts: int) -> list[int]:
    """Treated municipalities per start cohort, as even as possible (earlier cohorts larger)."""
    return [len(part) for part in np.array_split(np.arange(treated), cohorts)]


def _panel(design: dict[str, Any], effect: float, seed: int) -> Any:
    """A panel of the planned design with the effect ``effect`` planted."""
    from outcomelab.example.planned import generate_planned_panel

    common = {
        "cohorts": design["cohorts"],
        "periods_before": design["periods_before"],
        "periods_after": design["periods_after"],
        "n_comparison": design["comparison_pool"],
        "effect": effect,
        "icc": design["icc"],
        "seed": seed,
    }
    if design["unit"] == "aggregate":
        # the municipal key figure: its mean (a share's base rate) and spread between
        # municipalities; attrition of participants does not change the number of municipalities
        level = design["base_rate"] if design["outcome_kind"] == "rate" else design["mean"]
        return generate_planned_panel(
            n_per_cohort=_treated_per_cohort(design["treated_units"], design["cohorts"]),
            kind="continuous",
            mean=float(level or 0.0),
            sd=float(design["sd"]),
            **common,
        )
    n_per_cohort = max(1, math.floor(design["participants_per_cohort"] * (1 - design["attrition"])))
    return generate_planned_panel(
        n_per_cohort=n_per_cohort,
        kind="binary" if design["outcome_kind"] == "rate" else "continuous",
        base_rate=design["base_rate"],
        mean=design["mean"] or 0.0,
        sd=design["sd"] or 1.0,
        **common,
    )


def _replicate(
    design: dict[str, Any], estimator: str, effect: float, seed: int, placebo: int
) -> dict[str, Any]:
    """One replication (runs in a worker process)."""
    from outcomelab.evaluation.estimation import did_effect, matching_effect, matching_sample

    panel = _panel(design, effect, seed)
    alpha = design["alpha"]
    res: Any
    try:
        if estimator == "sdid":
            from outcomelab.synth import synthdid

            res = synthdid(
                panel,
                outcome="y",
                unit="unit",
                time="period",
                cohort="cohort",
                se="placebo",
                replications=placebo,
                seed=seed,
                alpha=alpha,
            )
        elif estimator == "did":
            res = did_effect(
                panel,
                outcome="y",
                follow_up_months=design["follow_up_months"],
                covariates=["cov_x"],
                alpha=alpha,
                seed=seed,
            ).effect
        else:
            sample, match_on = matching_sample(
                panel,
                outcomes=["y"],
                follow_up_months=design["follow_up_months"],
                covariates=["cov_x"],
            )
            res = matching_effect(
                sample.dropna(), outcomes=["y"], covariates=match_on, alpha=alpha, seed=seed
            ).effects["y"]
    except OutcomelabError as err:
        return {"ok": False, "reason": f"{type(err).__name__}: {err}"}
    ok = bool(np.isfinite(res.estimate) and np.isfinite(res.p_value))
    return {
        "ok": ok,
        "reason": "" if ok else "estimate not finite",
        "estimate": res.estimate,
        "reject": bool(res.p_value < alpha),
        "covered": bool(res.conf_low <= effect <= res.conf_high),
    }


def simulate_power(
    design: PlannedDesign,
    *,
    effect: float | None = None,
    estimator: str | None = None,
    replications: int = 200,
    workers: int = 1,
    seed: int = 20270101,
    progress: bool | Callable[[int, int], None] = False,
    placebo_replications: int = PLACEBO_REPLICATIONS,
) -> SimulatedPower:
    """Power of the lab's estimator for ``design`` by simulation with a known effect.

    Parameters
    ----------
    design
        The planned design.
    effect
        The true effect to plant (default: the design's hoped-for effect).
    estimator
        ``"did"`` (staggered group-time DiD, doubly robust on the covariate) or ``"matching"``
        (1:1 nearest neighbour on the propensity score within start cohorts) for a person-level
        design; ``"sdid"`` (synthetic DiD of :func:`outcomelab.synth.synthdid` with placebo
        standard errors; treated municipalities spread evenly over the start cohorts) for an
        aggregate one; default: the design's own.
    replications
        Number of simulated data sets (the Monte Carlo SE of the power is at most
        ``0.5 / sqrt(replications)``).
    workers
        Worker processes (1: run in this process).
    seed
        Replication ``r`` uses seed ``seed + r`` (same seed, same result, whatever ``workers``).
    progress
        ``True`` for a rich progress bar on the terminal, or a callable ``(done, total)``.
    placebo_replications
        ``"sdid"``: placebo replications behind each data set's standard error (the evaluation's
        200 by default; fewer make the simulation faster and each standard error noisier).

    Returns
    -------
    SimulatedPower

    Raises
    ------
    ParameterError
        An unknown estimator, an estimator that does not fit the design's unit (``"sdid"``
        compares municipalities, ``"did"`` and ``"matching"`` persons), fewer than 10
        replications or fewer than 2 placebo replications.
    """
    name = estimator or design.design
    _check_options(design, name, replications, workers, placebo_replications)
    truth = design.hoped_effect if effect is None else float(effect)
    results = _run_replications(
        design.to_dict(), name, truth, replications, workers, seed, progress, placebo_replications
    )
    ok = [r for r in results if r["ok"]]
    reasons = tuple(sorted({r["reason"] for r in results if not r["ok"]}))
    n_ok = len(ok)
    power = sum(r["reject"] for r in ok) / n_ok if n_ok else float("nan")
    estimates = np.array([r["estimate"] for r in ok], dtype=float)
    return SimulatedPower(
        estimator=name,
        effect=truth,
        alpha=design.alpha,
        power=power,
        power_se=math.sqrt(power * (1 - power) / n_ok) if n_ok else float("nan"),
        mean_estimate=float(estimates.mean()) if n_ok else float("nan"),
        bias=float(estimates.mean() - truth) if n_ok else float("nan"),
        coverage=sum(r["covered"] for r in ok) / n_ok if n_ok else float("nan"),
        empirical_se=float(estimates.std(ddof=1)) if n_ok > 1 else float("nan"),
        replications=replications,
        failures=replications - n_ok,
        failure_reasons=reasons,
        seed=seed,
    )


def _is_count(value: object, low: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= low


def _check_options(
    design: PlannedDesign, name: str, replications: int, workers: int, placebo_replications: int
) -> None:
    """Raise ParameterError for an estimator that does not fit the design or a bad count."""
    check_choice("estimator", name, SIMULATED_ESTIMATORS)
    if (name == "sdid") != (design.unit == "aggregate"):
        raise ParameterError(
            f"The {name!r} estimator does not fit a design with `unit: {design.unit}`: an "
            "aggregate (municipality-level) design is simulated with `--estimator sdid`, a "
            "person-level design with `did` or `matching`."
        )
    if not _is_count(placebo_replications, 2):
        raise ParameterError(
            f"`placebo_replications` must be a whole number >= 2; got {placebo_replications!r}."
        )
    if not _is_count(replications, 10):
        raise ParameterError(f"`replications` must be a whole number >= 10; got {replications!r}.")
    if not _is_count(workers, 1):
        raise ParameterError(f"`workers` must be a whole number >= 1; got {workers!r}.")


def _run_replications(
    spec: dict[str, Any],
    name: str,
    truth: float,
    replications: int,
    workers: int,
    seed: int,
    progress: bool | Callable[[int, int], None],
    placebo_replications: int,
) -> list[dict[str, Any]]:
    """Every replication's outcome, in this process or in ``workers`` processes."""
    results: list[dict[str, Any]] = []
    bar: Any = None
    callback: Callable[[int, int], None] | None = progress if callable(progress) else None
    if progress is True:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task(f"Simulating {name} ({replications} data sets)", total=replications)
        bar.start()

        def callback(done: int, total: int) -> None:
            bar.update(task, completed=done)

    try:
        if workers == 1:
            for r in range(replications):
                results.append(_replicate(spec, name, truth, seed + r, placebo_replications))
                if callback:
                    callback(len(results), replications)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(_replicate, spec, name, truth, seed + r, placebo_replications)
                    for r in range(replications)
                ]
                for done, future in enumerate(as_completed(futures), start=1):
                    future.result()  # a failing replication raises here, as soon as it fails
                    if callback:
                        callback(done, replications)
                # in replication order: sums (mean, sd) must not depend on which worker ends first
                results = [future.result() for future in futures]
    finally:
        if bar is not None:
            bar.stop()
    return results
