"""``att_gt_moments``: ``att_gt`` without covariates from per-cohort sufficient statistics.

Without covariates the doubly robust, IPW and regression estimators of a cell ATT(g,t) are all
the difference in mean outcome changes ``Y_t - Y_b`` between cohort ``g`` and the comparison
cohorts, and a unit's influence function is ``n / n_g (dY_i - mean_g)`` in cohort ``g``,
``-n / n_C (dY_i - mean_C)`` in the comparison cohorts ``C`` and 0 elsewhere. Everything
aggregation, the uniform band and the pre-test read -- the Gram matrix of the influence functions
and their sums by cohort -- is then a function of each cohort's size, period means and centred
cross-products (:class:`~outcomelab.did.moments.CohortMoments`): the ``n x K`` matrix of
influence functions is never formed, so 10 million units x 10 periods need a few hundred bytes
per cohort instead of gigabytes, and the data stay where they are (DuckDB reads them).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from outcomelab.did.assemble import group_time_result
from outcomelab.did.att_gt import BasePeriod, ControlGroup, Method, _cells, _check_options
from outcomelab.did.drdid_core import OVERLAP_LIMIT, TRIM_LEVEL
from outcomelab.did.group_time import GroupTimeResult
from outcomelab.did.influence import GroupTimeState
from outcomelab.did.moments import CohortMoments, MomentsSource, cohort_moments
from outcomelab.did.notes import (
    dropped_cells_note,
    dropped_units_note,
    late_cohorts_note,
    skipped_cells_note,
    small_groups_note,
)
from outcomelab.errors import EmptyGroupError
from outcomelab.results.estimability import check_spread

__all__ = ["att_gt_moments", "group_time_state_from_moments"]


@dataclass(frozen=True)
class _Cell:
    """One estimable cell: cohort index, comparison cohort indices and its period contrast."""

    k: int
    g: int
    ctrl: np.ndarray
    contrast: np.ndarray  # +1 at t, -1 at b


def _overlap_reason(share: float, method: Method, where: str) -> str | None:
    """R did's overlap guard without covariates (the messages of ``estimate_cells``)."""
    if method == "reg":
        return None
    if share >= OVERLAP_LIMIT:
        return (
            f"The overlap condition is violated in {where}: {100 * share:.2f}% of the units "
            f"are treated, at or above {OVERLAP_LIMIT} (R did's rule); use more comparison units."
        )
    if share >= TRIM_LEVEL:
        return (
            f"In {where} {100 * share:.2f}% of the units are treated, so every comparison unit "
            "has a propensity score above 0.995 and is trimmed; use more comparison units."
        )
    return None


@dataclass
class _CellPlan:
    """Which cells are kept (in the table) and estimated, and why the others are not."""

    kept: list[int]
    estimable: list[_Cell]
    skipped: list[str]
    dropped: list[dict[str, Any]]
    used_as_control: np.ndarray


def _plan_cells(
    mom: CohortMoments,
    cells: list[tuple[float, float, float]],
    control_group: ControlGroup,
    anticipation: int,
    method: Method,
) -> _CellPlan:
    """Each cell's comparison cohorts and period contrast; cells without comparison units are
    skipped, cells failing R did's overlap guard dropped (with the reason)."""
    codes = {float(c): i for i, c in enumerate(mom.cohorts)}
    tindex = {float(p): i for i, p in enumerate(mom.periods)}
    sizes = mom.counts.astype(np.float64)
    plan = _CellPlan([], [], [], [], np.zeros(len(mom.cohorts), dtype=bool))
    for k, (g, t, b) in enumerate(cells):
        if t == b:
            plan.kept.append(k)  # reference cell of a universal base: effect 0 by construction
            continue
        if control_group == "never_treated":
            ctrl = [0.0]
        else:
            limit = max(t, b) + anticipation
            # as att_gt: never treated (listed even when absent) and cohorts not yet treated
            ctrl = [0.0, *(float(c) for c in mom.cohorts if c > limit and c != g)]
        ctrl_idx = np.array([codes[c] for c in ctrl if c in codes], dtype=np.int64)
        if ctrl_idx.size == 0:
            plan.skipped.append(f"ATT({g:g},{t:g})")
            continue
        plan.used_as_control[ctrl_idx] = True
        gi = codes[g]
        share = sizes[gi] / (sizes[gi] + sizes[ctrl_idx].sum())
        listed = ", ".join(f"{c:g}" for c in ctrl)
        where = f"the sample of cohort {g:g} and comparison cohorts {listed}"
        reason = _overlap_reason(float(share), method, where)
        if reason is not None:
            plan.dropped.append(
                {"cell": f"ATT({g:g},{t:g})", "group": g, "time": t, "reason": reason}
            )
            continue
        contrast = np.zeros(mom.periods.size)
        contrast[tindex[t]] += 1.0
        contrast[tindex[b]] -= 1.0
        plan.kept.append(k)
        plan.estimable.append(_Cell(k=len(plan.kept) - 1, g=gi, ctrl=ctrl_idx, contrast=contrast))
    return plan


def _influence_moments(
    mom: CohortMoments, estimable: list[_Cell], n_cells: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ATT of each kept cell, the Gram matrix of the influence functions and their cohort sums
    (zero rows for reference cells)."""
    n = mom.n_units
    sizes = mom.counts.astype(np.float64)
    n_coh = len(mom.cohorts)
    att = np.zeros(n_cells)
    # coef[k, c]: the influence function of cell k is coef[k, c] (dY_i - centre[k, c]) in cohort c
    coef = np.zeros((n_cells, n_coh))
    centre = np.zeros((n_cells, n_coh))
    contrasts = np.zeros((n_cells, mom.periods.size))
    for cell in estimable:
        changes = mom.means @ cell.contrast  # mean outcome change of every cohort
        n_c = sizes[cell.ctrl].sum()
        m_g = float(changes[cell.g])
        m_c = float(sizes[cell.ctrl] @ changes[cell.ctrl]) / n_c
        att[cell.k] = m_g - m_c
        coef[cell.k, cell.g] = n / sizes[cell.g]
        coef[cell.k, cell.ctrl] = -n / n_c
        centre[cell.k, cell.g] = m_g
        centre[cell.k, cell.ctrl] = m_c
        contrasts[cell.k] = cell.contrast
    gram = np.zeros((n_cells, n_cells))
    cohort_sums = np.zeros((n_cells, n_coh))
    for c in range(n_coh):
        a = coef[:, c][:, None] * contrasts  # (K, T): the cells' weights on cohort c's outcomes
        # sum over the cohort's units of (a y_i - coef * centre): centred part + mean offset
        offset = coef[:, c] * (contrasts @ mom.means[c] - centre[:, c])
        gram += a @ mom.comoments[c] @ a.T + sizes[c] * np.outer(offset, offset)
        cohort_sums[:, c] = sizes[c] * offset
    return att, gram, cohort_sums


def group_time_state_from_moments(
    mom: CohortMoments,
    cells: list[tuple[float, float, float]],
    *,
    control_group: ControlGroup,
    anticipation: int,
    method: Method = "dr",
    bootstrap_weights: Any = "mammen",
    seed: int | None = None,
) -> tuple[GroupTimeState, list[str], list[dict[str, Any]]]:
    """ATT(g,t) and the sufficient statistics of their influence functions, from cohort moments.

    Parameters
    ----------
    mom
        The balanced panel's cohort moments.
    cells
        ``(group, time, base)`` of every cell, in R ``did``'s order.
    control_group, anticipation, method
        As in :func:`~outcomelab.did.att_gt` (``method`` only decides R did's overlap guard).
    bootstrap_weights, seed
        Kept in the state (the Gaussian uniform critical value draws from ``seed``).

    Returns
    -------
    state
        A :class:`GroupTimeState` without unit-level influence functions (analytic inference).
    skipped
        Labels of cells without comparison units.
    dropped
        Cells left out by the overlap guard, with the reason.
    """
    plan = _plan_cells(mom, cells, control_group, anticipation, method)
    if not plan.estimable:
        raise EmptyGroupError(
            "No group-time cell can be estimated (no cell has comparison units, or every cell "
            "fails the overlap guard); add never-treated units."
        )
    att, gram, cohort_sums = _influence_moments(mom, plan.estimable, len(plan.kept))
    cell_arr = np.asarray(cells, dtype=np.float64)[plan.kept]
    state = GroupTimeState(
        group=cell_arr[:, 0],
        time=cell_arr[:, 1],
        base=cell_arr[:, 2],
        att=att,
        influence=None,
        unit_cohort=np.repeat(mom.cohorts, mom.counts),
        periods=mom.periods,
        anticipation=anticipation,
        bootstrap=None,
        bootstrap_weights=bootstrap_weights,
        seed=seed,
        n_control=int(mom.counts[plan.used_as_control].sum()),
        cluster_codes=None,
        unit_weights=None,
        gram=gram,
        cohort_values=mom.cohorts,
        cohort_cross=np.diag(mom.counts.astype(np.float64)),
        cohort_sums=cohort_sums,
    )
    return state, plan.skipped, plan.dropped


def _notes(mom: CohortMoments, skipped: list[str], dropped: list[dict[str, Any]]) -> list[str]:
    """att_gt's notes (and warnings) that apply without covariates, clusters and weights."""
    said = [
        late_cohorts_note(mom.n_late_never, mom.periods[-1]),
        dropped_units_note(mom.dropped, mom.n_units_input),
        skipped_cells_note(skipped),
    ]
    notes = [note for note in said if note]
    warned = [
        dropped_cells_note(dropped),
        small_groups_note(
            ((float(c), int(n)) for c, n in zip(mom.cohorts, mom.counts, strict=True)), 5
        ),
    ]
    for msg in warned:
        if msg:
            notes.append(msg)
            warnings.warn(msg, stacklevel=3)
    return notes


def att_gt_moments(
    data: MomentsSource,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control_group: ControlGroup = "never_treated",
    method: Method = "dr",
    anticipation: int = 0,
    base_period: BasePeriod = "varying",
    alpha: float = 0.05,
    seed: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> GroupTimeResult:
    """:func:`~outcomelab.did.att_gt` without covariates, from sufficient statistics in DuckDB.

    The same estimates, standard errors, aggregates, uniform bands and pre-test as ``att_gt``
    with ``covariates=None`` (equal to rounding), for panels too large for memory: DuckDB reads
    the long data (a DataFrame, an Arrow table or Parquet files) and returns, per cohort, the
    number of units, the mean outcome of each period and the centred cross-products between
    periods; the group-time effects and the covariance of their influence functions follow
    from these (see the module's notes). Analytic standard errors only: no bootstrap, no
    ``cluster`` and no ``weights`` (use ``att_gt`` for those and for covariates).

    Parameters
    ----------
    data
        Long panel, one row per unit and period: a DataFrame, a pyarrow Table, or Parquet
        file(s) (a path, a folder, a glob or a list).
    outcome, unit, time, cohort
        Column names as in ``att_gt``; ``cohort`` 0 or missing for never-treated units.
    control_group, method, anticipation, base_period, alpha, seed
        As in ``att_gt``. Without covariates ``"dr"``, ``"ipw"`` and ``"reg"`` give the same
        estimates; ``method`` decides only R did's overlap guard (``"reg"`` has none).
    memory_limit, temp_directory, threads
        DuckDB settings for data larger than memory (e.g. ``memory_limit="4GB"``).

    Returns
    -------
    GroupTimeResult
        As from ``att_gt``; ``.aggregate(...)``, ``.pretest()`` and ``.plot()`` work the same,
        ``diagnostics["sufficient_statistics"]`` is True.

    Raises
    ------
    InputError
        Missing or non-numeric columns, duplicate unit-period rows, cohorts that change within a
        unit.
    ParameterError
        An option outside its allowed values.
    EmptyGroupError
        No never-treated units (``att_gt`` handles them as R did 2.5); no estimable cell.
    EstimationError
        A degenerate outcome (constant, or a headline standard error of zero), as ``att_gt``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> n, years = 400, np.arange(2015, 2021)
    >>> g = rng.choice([0, 2017, 2019], n)
    >>> df = pd.DataFrame({"id": np.repeat(np.arange(n), len(years)),
    ...                    "year": np.tile(years, n), "g": np.repeat(g, len(years))})
    >>> df["y"] = rng.normal(size=len(df)) + 1.0 * ((df.g > 0) & (df.year >= df.g))
    >>> res = att_gt_moments(df, outcome="y", unit="id", time="year", cohort="g")
    >>> round(res.estimate, 1)
    1.0
    """
    opts = _check_options(
        control_group=control_group,
        method=method,
        anticipation=anticipation,
        base_period=base_period,
        alpha=alpha,
        bootstrap=None,
        bootstrap_weights="mammen",
        seed=seed,
    )
    mom = cohort_moments(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        anticipation=opts.anticipation,
        memory_limit=memory_limit,
        temp_directory=temp_directory,
        threads=threads,
    )
    if not (mom.cohorts == 0).any():
        raise EmptyGroupError(
            "There are no never-treated units (cohort 0 or missing); att_gt_moments does not "
            "apply R did's rule for such panels (the last cohort as comparison group, later "
            "periods dropped). Use att_gt, which does."
        )
    n_values = mom.n_units * mom.periods.size
    example = float(mom.means[0, 0])
    spread = check_spread(
        mom.spread(), mom.max_abs, n_values, example, outcome, "unit-period values"
    )
    glist = mom.cohorts[mom.cohorts > 0]
    cells = _cells(mom.periods, glist, opts.anticipation, opts.base_period)
    state, skipped, dropped = group_time_state_from_moments(
        mom,
        cells,
        control_group=opts.control_group,
        anticipation=opts.anticipation,
        method=opts.method,
        seed=opts.seed,
    )
    sizes = dict(zip(mom.cohorts, mom.counts, strict=True))
    diagnostics = {
        "n_units": mom.n_units,
        "n_units_input": mom.n_units_input,
        "dropped_units": dict(mom.dropped),
        "n_cells": len(state.att),
        "cells_without_controls": skipped,
        "dropped_cells": dropped,
        "cohorts": [float(c) for c in glist],
        "cohort_sizes": {f"{c:g}": int(sizes[c]) for c in glist},
        "n_never_treated": int(sizes.get(0.0, 0)),
        "control_group": opts.control_group,
        "base_period": opts.base_period,
        "anticipation": opts.anticipation,
        "covariates": [],
        "covariates_time_varying": False,
        "n_trimmed": 0,
        "bootstrap": None,
        "cluster": None,
        "n_clusters": mom.n_units,
        "weights": None,
        "sufficient_statistics": True,
    }
    return group_time_result(
        state,
        outcome=outcome,
        method=f"att_gt/{opts.method}",
        alpha=opts.alpha,
        notes=tuple(_notes(mom, skipped, dropped)),
        spread=spread,
        n_treated=int(mom.counts[mom.cohorts > 0].sum()),
        diagnostics=diagnostics,
    )
