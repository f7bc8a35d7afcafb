"""``att_gt``: Callaway & Sant'Anna (2021) group-time average treatment effects (panels, unbalanced
panels and repeated cross-sections)."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar, cast, overload

import numpy as np
import pandas as pd

from outcomelab._checks import (
    check_alpha,
    check_choice,
    cluster_columns,
    covariate_columns,
    require_dataframe,
)
from outcomelab.did._cells import CellEstimation, dropped_cell
from outcomelab.did._cross_sections import (
    CrossSectionArrays,
    cross_section_arrays,
    estimate_cross_sections,
)
from outcomelab.did._panel_arrays import (
    PanelArrays,
    check_remaining,
    panel_arrays,
    panel_arrays_many,
)
from outcomelab.did._panel_cells import estimate_panel_cells
from outcomelab.did.assemble import group_time_result
from outcomelab.did.group_time import GroupTimeResult
from outcomelab.did.influence import GroupTimeState
from outcomelab.did.notes import (
    dropped_cells_note,
    dropped_units_note,
    late_cohorts_note,
    skipped_cells_note,
    small_groups_note,
)
from outcomelab.errors import (
    EmptyGroupError,
    OutcomelabError,
    ParameterError,
)
from outcomelab.results.estimability import check_outcome_varies

__all__ = ["att_gt", "att_gt_many"]

ControlGroup = Literal["never_treated", "not_yet_treated"]
Method = Literal["dr", "ipw", "reg"]
BasePeriod = Literal["varying", "universal"]
#: a balanced panel (wide arrays) or rows of repeated cross-sections / an unbalanced panel
_Arrays = PanelArrays | CrossSectionArrays


def _cells(
    periods: np.ndarray, glist: np.ndarray, anticipation: int, base_period: BasePeriod
) -> list[tuple[float, float, float]]:
    """(group, time, base period) of every cell, in R ``did``'s order (by group, then time)."""
    cells = []
    for g in glist:
        pre = periods[periods + anticipation < g]
        universal_base = pre[-1]
        for i, t in enumerate(periods):
            if base_period == "varying":
                if i == 0:
                    continue
                base = periods[i - 1] if t < g else universal_base
            else:
                base = universal_base
            cells.append((float(g), float(t), float(base)))
    return cells


@dataclass(frozen=True)
class _Options:
    """The checked options of one ``att_gt`` call."""

    control_group: ControlGroup
    method: Method
    anticipation: int
    base_period: BasePeriod
    alpha: float
    bootstrap: int | None
    bootstrap_weights: Literal["mammen", "rademacher"]
    seed: int | None
    panel: bool = True
    allow_unbalanced_panel: bool = False


def _whole_number(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _check_options(
    *,
    panel: object = True,
    allow_unbalanced_panel: object = False,
    control_group: object,
    method: object,
    anticipation: object,
    base_period: object,
    alpha: object,
    bootstrap: object,
    bootstrap_weights: object,
    seed: object,
) -> _Options:
    """Check every option up front; each error names its argument."""
    check_choice("control_group", control_group, ("never_treated", "not_yet_treated"))
    check_choice("method", method, ("dr", "ipw", "reg"))
    check_choice("base_period", base_period, ("varying", "universal"))
    check_choice("bootstrap_weights", bootstrap_weights, ("mammen", "rademacher"))
    level = check_alpha(alpha)
    for name, flag in (("panel", panel), ("allow_unbalanced_panel", allow_unbalanced_panel)):
        if not isinstance(flag, bool | np.bool_):
            raise ParameterError(f"`{name}` must be True or False; got {flag!r}.")
    if not _whole_number(anticipation) or int(anticipation) < 0:  # type: ignore[call-overload]
        raise ParameterError(f"`anticipation` must be a whole number >= 0; got {anticipation!r}.")
    if bootstrap is not None and (not _whole_number(bootstrap) or int(bootstrap) < 50):  # type: ignore[call-overload]
        raise ParameterError(
            f"`bootstrap` must be None (analytic standard errors) or a number of draws of at "
            f"least 50, e.g. 999; got {bootstrap!r}."
        )
    if seed is not None and not _whole_number(seed):
        raise ParameterError(f"`seed` must be None or a whole number; got {seed!r}.")
    return _Options(
        panel=bool(panel),
        allow_unbalanced_panel=bool(allow_unbalanced_panel),
        control_group=control_group,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        anticipation=int(anticipation),  # type: ignore[call-overload]
        base_period=base_period,  # type: ignore[arg-type]
        alpha=level,
        bootstrap=None if bootstrap is None else int(bootstrap),  # type: ignore[call-overload]
        bootstrap_weights=bootstrap_weights,  # type: ignore[arg-type]
        seed=None if seed is None else int(seed),  # type: ignore[call-overload]
    )


@dataclass(frozen=True)
class _Plan:
    """Which cells are estimated, and on which samples.

    Attributes
    ----------
    cells
        ``(group, time, base)`` of every cell.
    samples
        ``(cohort, comparison cohorts, covariate period index) -> cell indices`` sharing one
        estimation sample (``-1``: covariates do not vary over time).
    valid
        Cells with comparison units.
    skipped
        Labels of the cells without comparison units.
    codes_list
        ``0`` then the treated cohorts; ``ucode`` indexes it per unit.
    """

    cells: list[tuple[float, float, float]]
    samples: dict[tuple[float, tuple[float, ...], int], list[int]]
    valid: np.ndarray
    skipped: list[str]
    codes_list: np.ndarray
    ucode: np.ndarray
    cohort_size: dict[float, int]


def _without_never_treated(pa: _Arrays, opts: _Options) -> tuple[_Arrays, float | None, list[str]]:
    """R ``did`` 2.5's rule when no unit is never treated.

    The periods from the last cohort's start (less anticipation) on have no comparison units and
    are dropped. With ``never_treated`` the last cohort becomes the comparison group; with
    ``not_yet_treated`` it stays a (not yet treated) comparison group and gets no cells of its
    own. Returns the panel to use, the cohort that gets no cells (or ``None``) and notes.
    """
    coh = pa.cohort
    if (coh == 0).any():
        return pa, None, []
    latest = float(coh.max())
    keep = pa.periods < latest - opts.anticipation
    if keep.sum() < 2:
        raise EmptyGroupError(
            f"There are no never-treated units, and before the last cohort starts ({latest:g}) "
            f"there are fewer than two periods, so no cohort has a comparison group. Add "
            "never-treated units or periods before the last cohort starts."
        )
    last_kept = float(pa.periods[keep][-1])
    if opts.control_group == "never_treated":
        coh = np.where(coh == latest, 0.0, coh)
        msg = (
            f"No unit is never treated, so, as R did does, the last cohort ({latest:g}) is the "
            f"comparison group and the periods from {latest - opts.anticipation:g} on are "
            f"dropped (estimates use the periods up to {last_kept:g})."
        )
        excluded = None
    else:
        msg = (
            f"No unit is never treated, so, as R did does, the periods from "
            f"{latest - opts.anticipation:g} on are dropped (no comparison units are left "
            f"there) and the last cohort ({latest:g}) is only a not-yet-treated comparison group, "
            "with no effects of its own."
        )
        excluded = latest
    warnings.warn(msg, UserWarning, stacklevel=3)
    return pa.restrict_periods(keep, coh), excluded, [msg]


def _arrays(
    frame: pd.DataFrame,
    columns: dict[str, Any],
    covs: list[str],
    weights: str | None,
    opts: _Options,
) -> _Arrays:
    """The data as arrays: a balanced panel (R ``did``'s ``panel=TRUE``, units missing in some
    period dropped), rows of an unbalanced panel (``allow_unbalanced_panel=TRUE``, unless the
    complete rows are balanced) or rows of repeated cross-sections (``panel=FALSE``)."""
    kwargs = dict(columns, covariates=covs, anticipation=opts.anticipation, weights=weights)
    if opts.panel and columns["unit"] is None:
        raise ParameterError(
            "`unit` is required with panel=True (it identifies each unit across periods); for "
            "repeated cross-sections without a unit identifier pass panel=False."
        )
    if opts.panel and not opts.allow_unbalanced_panel:
        return panel_arrays(frame, **kwargs)
    rows = cross_section_arrays(frame, panel_units=opts.panel, **kwargs)
    if opts.panel and rows.n_rows == rows.n_units * len(rows.periods):
        return panel_arrays(frame, **kwargs)  # balanced after all: R did uses the panel path
    return rows


#: a post-treatment cell whose propensity-weighted comparison group keeps less than this share of
#: its effective size gets a warning. Simulation (notes/did.md, session 4; cohorts 2003/2005/never,
#: DR with one covariate whose cohort means differ by 0.6-1.5 SD, 200 draws): 95 % intervals of
#: cells with a share <= 0.2 covered 0.878 (200 units) and 0.908 (800 units), SE/sd 0.77 and
#: 0.84; cells above 0.2 covered 0.92-0.96 with SE/sd 0.91-1.05
WEAK_OVERLAP_SHARE = 0.2


def _overlap(plan: _Plan, est: CellEstimation, valid: np.ndarray) -> list[dict[str, Any]]:
    """Per estimated cell: comparison units, the Kish effective size of their weights and its
    share of the comparison group's effective size before propensity weighting."""
    rows = []
    for k in np.flatnonzero(valid & (est.n_comparison > 0)):
        g, t, _ = plan.cells[k]
        rows.append(
            {
                "cell": f"ATT({g:g},{t:g})",
                "group": g,
                "time": t,
                "n_comparison": int(est.n_comparison[k]),
                "ess_comparison": float(est.comparison_ess[k]),
                "ess_share": float(est.overlap_share[k]),
            }
        )
    return rows


def _weak_overlap_note(overlap: list[dict[str, Any]], anticipation: int) -> list[str]:
    """A note (and warning) when post-treatment cells keep little of their comparison group."""
    weak = [
        o
        for o in overlap
        if o["time"] >= o["group"] - anticipation and o["ess_share"] < WEAK_OVERLAP_SHARE
    ]
    if not weak:
        return []
    worst = min(weak, key=lambda o: o["ess_share"])
    msg = (
        f"Weak overlap: in {len(weak)} post-treatment group-time cells the propensity weights "
        f"leave the comparison group less than {WEAK_OVERLAP_SHARE:.0%} of its effective size "
        f"(smallest {worst['ess_share']:.0%} in {worst['cell']}; diagnostics['overlap']). A few "
        "comparison units then carry most of the weight and the standard errors tend to be too "
        "small (95 % intervals covered 88-91 % in simulations); consider fewer or coarser "
        "covariates, or read the intervals as too narrow."
    )
    warnings.warn(msg, UserWarning, stacklevel=3)
    return [msg]


def _data_shape(pa: _Arrays) -> str:
    """``"balanced_panel"``, ``"unbalanced_panel"`` or ``"repeated_cross_sections"``."""
    if isinstance(pa, PanelArrays):
        return "balanced_panel"
    return "repeated_cross_sections" if pa.repeated else "unbalanced_panel"


def _plan(pa: _Arrays, opts: _Options, excluded: float | None = None) -> _Plan:
    coh = pa.cohort
    cohorts = np.unique(coh[coh > 0])
    glist = cohorts[cohorts != excluded]
    values, counts = np.unique(coh, return_counts=True)
    cohort_size = {float(v): int(c) for v, c in zip(values, counts, strict=True)}
    codes_list = np.concatenate([[0.0], cohorts])
    tindex = {float(p): i for i, p in enumerate(pa.periods)}
    cells = _cells(pa.periods, glist, opts.anticipation, opts.base_period)
    samples: dict[tuple[float, tuple[float, ...], int], list[int]] = {}
    skipped: list[str] = []
    valid = np.ones(len(cells), dtype=bool)
    for k, (g, t, b) in enumerate(cells):
        if t == b:
            continue  # reference cell of a universal base: effect 0 by construction
        if opts.control_group == "never_treated":
            ctrl: tuple[float, ...] = (0.0,)
        else:
            limit = max(t, b) + opts.anticipation
            ctrl = tuple(float(c) for c in codes_list if c == 0 or (c > limit and c != g))
        if not any(cohort_size.get(c, 0) for c in ctrl):
            skipped.append(f"ATT({g:g},{t:g})")
            valid[k] = False
            continue
        # R did 2.5: covariates of the earlier of the base and the current period
        xper = tindex[min(b, t)] if pa.x_time_varying else -1
        samples.setdefault((g, ctrl, xper), []).append(k)
    return _Plan(
        cells=cells,
        samples=samples,
        valid=valid,
        skipped=skipped,
        codes_list=codes_list,
        ucode=np.searchsorted(codes_list, coh),
        cohort_size=cohort_size,
    )


def _estimate(
    pas: list[_Arrays], plan: _Plan, method: Method, covs: list[str]
) -> list[CellEstimation]:
    """Estimate every planned cell of each outcome's arrays (the same units and plan): by sample
    on a balanced panel (the outcomes share each sample's fits), by cell on rows."""
    first = pas[0]
    if isinstance(first, CrossSectionArrays):
        return [estimate_cross_sections(first, plan.cells, plan.samples, method, covs)]
    return estimate_panel_cells(
        cast("list[PanelArrays]", pas),
        cells=plan.cells,
        samples=plan.samples,
        codes_list=plan.codes_list,
        ucode=plan.ucode,
        method=method,
        covs=covs,
    )


def _sample_notes(pa: _Arrays) -> list[str]:
    """Notes (and warnings) on the sample: the data shape, late cohorts and what was dropped."""
    notes: list[str] = []
    what = "units"
    if isinstance(pa, CrossSectionArrays):
        if pa.repeated:
            what = "observations"
            notes.append(
                f"Repeated cross-sections (panel=False): each of the {pa.n_units} observations is "
                "its own sampling unit; each group-time effect compares the observations of its "
                "two periods (R did's repeated-cross-section estimators)."
            )
        else:
            notes.append(
                f"Unbalanced panel (allow_unbalanced_panel=True): {pa.n_units} units with "
                f"{pa.n_rows} observations, kept although not every unit is observed in every "
                "period; estimated as repeated cross-sections with standard errors clustered on "
                "the unit, as R did does."
            )
    late = late_cohorts_note(pa.n_late_never, pa.periods[-1], what)
    if late:
        notes.append(late)
    if pa.dropped:
        reasons = "; ".join(f"{v} {k}" for k, v in pa.dropped.items())
        if isinstance(pa, CrossSectionArrays):
            msg = f"Dropped {reasons}, as R did does; estimates use the remaining observations."
        else:
            msg = str(dropped_units_note(pa.dropped, pa.n_units_input))
        notes.append(msg)
        if isinstance(pa, PanelArrays):
            msg += " To keep units missing in some periods, use allow_unbalanced_panel=True."
        warnings.warn(msg, UserWarning, stacklevel=4)
    return notes


def _notes(
    pa: _Arrays,
    plan: _Plan,
    est: CellEstimation,
    covs: list[str],
    cluster: str | None,
    n_clusters: int,
    dropped_cells: list[dict[str, Any]],
) -> list[str]:
    """Plain-language notes (and warnings) about dropped units, skipped cells, small groups."""
    notes = _sample_notes(pa)
    skipped = skipped_cells_note(plan.skipped)
    if skipped:
        notes.append(skipped)
    for msg in (
        dropped_cells_note(dropped_cells),
        small_groups_note(
            ((float(c), plan.cohort_size.get(float(c), 0)) for c in plan.codes_list), len(covs) + 5
        ),
    ):
        if msg:
            notes.append(msg)
            warnings.warn(msg, stacklevel=3)
    if est.n_trimmed:
        msg = (
            f"{est.n_trimmed} comparison-unit observations (summed over cells) had a propensity "
            "score of at least 0.995 and were trimmed, as in R did/DRDID; overlap is weak."
        )
        notes.append(msg)
        warnings.warn(msg, stacklevel=3)
    if cluster is not None:
        notes.append(f"Standard errors are clustered by {cluster!r} ({n_clusters} clusters).")
        if n_clusters < 30:
            notes.append(
                f"Only {n_clusters} clusters: cluster-robust standard errors can be too small "
                "with few clusters; interpret intervals with care."
            )
    return notes


def att_gt(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str | None = None,
    time: str,
    cohort: str,
    control_group: ControlGroup = "never_treated",
    covariates: Sequence[str] | str | None = None,
    method: Method = "dr",
    anticipation: int = 0,
    base_period: BasePeriod = "varying",
    alpha: float = 0.05,
    bootstrap: int | None = None,
    bootstrap_weights: Literal["mammen", "rademacher"] = "mammen",
    seed: int | None = None,
    cluster: str | Sequence[str] | None = None,
    weights: str | None = None,
    panel: bool = True,
    allow_unbalanced_panel: bool = False,
) -> GroupTimeResult:
    """Group-time average treatment effects ATT(g,t) with staggered adoption.

    Parameters
    ----------
    data
        Long panel, one row per unit and period (e.g. from ``outcomelab.design.build_panel``).
    outcome
        Numeric outcome column.
    unit
        Unit (person) identifier column; standard errors are clustered by unit. Required with
        ``panel=True``; with ``panel=False`` leave it out (or name a column that identifies each
        row).
    time
        Period column (numeric, e.g. year).
    cohort
        First period of treatment of the unit; 0 or missing for never-treated units.
    control_group
        ``"never_treated"``: compare with units never treated in the panel. ``"not_yet_treated"``:
        compare with never-treated units and units first treated after ``max(t, base) +
        anticipation``.
    covariates
        Baseline covariates for conditional parallel trends, a list of column names or a plain
        sum ``"x1 + x2"`` (a bare string is a formula; ``"x1"`` is the column ``x1``); values of
        the base period are used when they vary over time; ``None`` for unconditional parallel
        trends.
    method
        ``"dr"`` doubly robust (default, as R ``did``), ``"ipw"`` inverse probability weighting or
        ``"reg"`` outcome regression.
    anticipation
        Number of periods before treatment in which units may already react.
    base_period
        ``"varying"``: pre-treatment cells compare consecutive periods (R ``did`` default);
        ``"universal"``: every cell compares with period ``g - anticipation - 1``, whose cell is
        reported with effect 0.
    alpha
        1 - confidence level of intervals and bands.
    bootstrap
        ``None`` for analytic (influence-function) standard errors, or the number of multiplier
        bootstrap draws (e.g. 999); the bootstrap also gives the uniform band.
    bootstrap_weights
        ``"mammen"`` (as R ``did``) or ``"rademacher"`` multipliers.
    seed
        Seed of the bootstrap and of the simulated uniform critical value.
    cluster
        ``None`` (default): each unit is its own cluster. A column of a cluster that contains
        whole units (e.g. municipality) to cluster standard errors on instead; influence
        functions are summed within clusters (CR0) and the bootstrap draws one multiplier per
        cluster. A list ``[unit, column]`` means the same as ``column`` (R ``did``'s
        ``clustervars``); two columns besides the unit are refused.
    weights
        ``None`` or a column of non-negative sampling or population weights, constant within a
        unit (R ``did``'s ``weightsname``): each cell's 2x2 estimator is weighted (DRDID's
        ``i.weights``, normalised to mean one in the cell's sample) and so are the cohort shares
        that weight cells in the aggregates and the influence of estimating them. Weights that
        change over time are refused (R ``did`` 2.5 would take each cell's earlier period's
        weight, ``fix_weights``); fix one weight per unit.
    panel
        ``True`` (default): panel data, one row per unit and period. ``False``: repeated
        cross-sections, every row a different observation (R ``did``'s ``panel=FALSE``); each
        cell compares the observations of its two periods with DRDID's repeated-cross-section
        estimators (``drdid_rc``, ``std_ipw_did_rc``, ``reg_did_rc``), each row using its own
        covariate values.
    allow_unbalanced_panel
        ``False`` (default): units not observed with complete data in every period are dropped
        (R ``did``'s default), with a warning and the count in ``notes`` and
        ``diagnostics["dropped_units"]``. ``True``: an unbalanced panel is kept and estimated as
        repeated cross-sections whose standard errors are clustered on the unit (influence
        functions summed within units), as R ``did``'s ``allow_unbalanced_panel=TRUE``; a panel
        that is balanced after dropping incomplete rows uses the panel estimator.

    Returns
    -------
    GroupTimeResult
        Terms = ATT(g,t) table; headline = the ``simple`` aggregate; ``.aggregate(...)``,
        ``.pretest()`` and ``.plot()``; ``diagnostics`` has the dropped units, cell counts,
        trimmed units and the pre-test.

    Raises
    ------
    InputError
        Missing or non-numeric columns, duplicate unit-period rows, cohorts that change within a
        unit, cohorts after the last period or without a pre-treatment period.
    ParameterError
        An option outside its allowed values or of the wrong type (each named).
    EmptyGroupError
        No never-treated units with ``control_group="never_treated"``; no usable cell.
    SingularDesignError
        Collinear covariates.
    NoOverlapError
        Propensity scores separate treated and comparison units in every cell (a cell where they
        do is left out and listed in ``diagnostics["dropped_cells"]``).
    EstimationError
        A degenerate outcome: constant in every unit and period, or with changes that give the
        headline a standard error of zero (no test is defined, so no p-value is given).

    Notes
    -----
    The estimand of each cell is ``ATT(g,t) = E[Y_t(g) - Y_t(0) | G = g]``, the average effect in
    period ``t`` for the cohort first treated in ``g``. Under (conditional) parallel trends and no
    anticipation it is identified by a 2x2 comparison of the change ``Y_t - Y_b`` (``b`` the base
    period) between cohort ``g`` and the comparison units, estimated by the doubly robust,
    IPW or regression panel estimator of Sant'Anna & Zhao (2020); without covariates all three
    are the difference in mean changes. Each cell's influence function, rescaled to the whole
    panel, gives unit-clustered standard errors and the joint covariance used by aggregation, the
    uniform band and the pre-test.

    The panel is balanced first, as R ``did`` does with ``panel=TRUE``: units not observed with
    complete data in every period are dropped, and how many is reported in ``notes`` and
    ``diagnostics["dropped_units"]`` (and warned). With ``panel=False`` or
    ``allow_unbalanced_panel=True`` rows with missing values are dropped instead, cells whose
    cohort or comparison group has no observation in one of the two periods are left out (R
    sets them to NA) and listed in ``diagnostics["dropped_cells"]``; ``diagnostics["data_shape"]``
    says which estimator was used. On repeated cross-sections with covariates the doubly
    robust standard errors deliberately differ from R ``did`` 2.5 (by 0.1 % on mpdta, 46 % on
    Wooldridge's kielmc): R's ``drdid_rc`` adds one estimation effect it should subtract (see
    :func:`outcomelab.did.drdid_rc.drdid_rc`); the estimates are R's and the standard errors
    csdid 0.4.3's.

    References
    ----------
    Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
    periods. Journal of Econometrics 225(2), 200-230.
    Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust difference-in-differences estimators.
    Journal of Econometrics 219(1), 101-122.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> n, years = 400, np.arange(2015, 2021)
    >>> g = rng.choice([0, 2017, 2019], n)
    >>> df = pd.DataFrame({"id": np.repeat(np.arange(n), len(years)),
    ...                    "year": np.tile(years, n), "g": np.repeat(g, len(years))})
    >>> df["y"] = rng.normal(size=len(df)) + 1.0 * ((df.g > 0) & (df.year >= df.g))
    >>> res = att_gt(df, outcome="y", unit="id", time="year", cohort="g")
    >>> round(res.estimate, 1)
    1.0
    >>> res.aggregate("dynamic").tidy()["term"].tolist()[:2]
    ['e=-3', 'e=-2']
    """
    opts = _check_options(
        panel=panel,
        allow_unbalanced_panel=allow_unbalanced_panel,
        control_group=control_group,
        method=method,
        anticipation=anticipation,
        base_period=base_period,
        alpha=alpha,
        bootstrap=bootstrap,
        bootstrap_weights=bootstrap_weights,
        seed=seed,
    )
    frame = require_dataframe(data)
    call = _columns(frame, unit, time, cohort, covariates, cluster, weights)
    pa = _arrays(frame, call.columns(outcome), call.covs, weights, opts)
    ready = _prepare(pa, outcome, opts)
    (est,) = _estimate([ready.pa], ready.plan, opts.method, call.covs)
    return _result(ready, est, opts, call)


@dataclass(frozen=True)
class _Columns:
    """The checked column arguments of one call (all but the outcome)."""

    unit: str | None
    time: str
    cohort: str
    covs: list[str]
    cluster: str | None
    weights: str | None

    def columns(self, outcome: str) -> dict[str, Any]:
        return dict(
            outcome=outcome,
            unit=self.unit,
            time=self.time,
            cohort=self.cohort,
            cluster=self.cluster,
        )


def _columns(
    frame: pd.DataFrame,
    unit: str | None,
    time: str,
    cohort: str,
    covariates: Sequence[str] | str | None,
    cluster: str | Sequence[str] | None,
    weights: str | None,
) -> _Columns:
    covs = covariate_columns(frame, covariates)
    cl_names = cluster_columns(frame, cluster, unit=unit)
    cluster_col = cl_names[0] if cl_names and cl_names[0] != unit else None
    return _Columns(unit, time, cohort, covs, cluster_col, weights)


@dataclass(frozen=True)
class _Prepared:
    """One outcome's arrays after R did's no-never-treated rule, with its plan."""

    outcome: str
    pa: _Arrays
    plan: _Plan
    spread: float
    rule_notes: list[str]


def _prepare(pa: _Arrays, outcome: str, opts: _Options) -> _Prepared:
    """The outcome must vary; R did's rule without never-treated units; the plan of cells."""
    spread = check_outcome_varies(pa.y.ravel(), outcome, "unit-period values")
    pa, excluded, rule_notes = _without_never_treated(pa, opts)
    plan = _plan(pa, opts, excluded)
    if not plan.valid.any():
        raise EmptyGroupError(
            "No group-time cell has comparison units; add never-treated units or use a panel "
            "in which some cohorts start later.",
            key="ne_no_comparison_cells",
        )
    return _Prepared(outcome, pa, plan, spread, rule_notes)


def _result(
    ready: _Prepared, est: CellEstimation, opts: _Options, call: _Columns
) -> GroupTimeResult:
    """The result of one outcome from its estimated cells."""
    pa, plan = ready.pa, ready.plan
    coh = pa.cohort
    valid = plan.valid.copy()
    valid[list(est.dropped)] = False
    if not valid.any():
        if est.first_error is not None:
            raise est.first_error
        raise EmptyGroupError("No group-time cell can be estimated.")
    dropped_cells = [
        dropped_cell(plan.cells[k][0], plan.cells[k][1], err)
        for k, err in sorted(est.dropped.items())
    ]
    cell_arr = np.asarray(plan.cells)[valid]
    state = GroupTimeState.build(
        group=cell_arr[:, 0],
        time=cell_arr[:, 1],
        base=cell_arr[:, 2],
        att=est.att[valid],
        influence=est.influence[:, valid] if not valid.all() else est.influence,
        unit_cohort=coh,
        periods=pa.periods,
        anticipation=opts.anticipation,
        bootstrap=opts.bootstrap,
        bootstrap_weights=opts.bootstrap_weights,
        seed=opts.seed,
        n_control=int(est.used_as_control.sum()),
        cluster_codes=pa.cluster,
        unit_weights=None if pa.weights is None else pa.weights / pa.weights.mean(),
    )
    n_clusters = pa.n_units if pa.cluster is None else int(pa.cluster.max()) + 1
    overlap = _overlap(plan, est, valid)
    notes_t = (
        *ready.rule_notes,
        *_notes(pa, plan, est, call.covs, call.cluster, n_clusters, dropped_cells),
        *_weak_overlap_note(overlap, opts.anticipation),
    )
    glist = plan.codes_list[1:]
    diagnostics = {
        "n_units": pa.n_units,
        "n_units_input": pa.n_units_input,
        "dropped_units": dict(pa.dropped),
        "n_cells": int(valid.sum()),
        "cells_without_controls": plan.skipped,
        "dropped_cells": dropped_cells,
        "overlap": overlap,
        "cohorts": [float(c) for c in glist],
        "cohort_sizes": {f"{c:g}": int((coh == c).sum()) for c in glist},
        "n_never_treated": int((coh == 0).sum()),
        "control_group": opts.control_group,
        "base_period": opts.base_period,
        "anticipation": opts.anticipation,
        "covariates": call.covs,
        "covariates_time_varying": pa.x_time_varying,
        "n_trimmed": est.n_trimmed,
        "bootstrap": opts.bootstrap,
        "cluster": call.cluster,
        "n_clusters": n_clusters,
        "weights": call.weights,
        "data_shape": _data_shape(pa),
        "n_observations": pa.n_rows if isinstance(pa, CrossSectionArrays) else pa.y.size,
    }
    return group_time_result(
        state,
        outcome=ready.outcome,
        method=f"att_gt/{opts.method}",
        alpha=opts.alpha,
        notes=notes_t,
        spread=ready.spread,
        n_treated=int((coh > 0).sum()),
        diagnostics=diagnostics,
    )


@overload
def att_gt_many(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    errors: Literal["raise"] = ...,
    **options: Any,
) -> dict[str, GroupTimeResult]: ...


@overload
def att_gt_many(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    errors: Literal["return"],
    **options: Any,
) -> dict[str, GroupTimeResult | OutcomelabError]: ...


def att_gt_many(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    errors: Literal["raise", "return"] = "raise",
    **options: Any,
) -> dict[str, GroupTimeResult] | dict[str, GroupTimeResult | OutcomelabError]:
    """:func:`att_gt` of several outcomes of one panel in one call (the same units, cohorts and
    options), sharing the work that does not depend on the outcome.

    The long data are checked and reshaped once (row keys, cohorts, covariates, weights,
    clusters); outcomes whose balanced panels keep the same units (the usual case: no outcome
    is missing where another is observed) share the plan of cells and each estimation sample:
    its units, covariates, propensity score fit and comparison-group regression design. Each
    result equals ``att_gt(data, outcome=o, **options)`` (tested to 1e-12), notes and diagnostics
    included; an outcome missing in some periods is balanced on its own, as its own call would.

    Parameters
    ----------
    data
        Long panel, as :func:`att_gt`.
    outcomes
        Outcome columns (at least one, each once).
    errors
        ``"raise"`` (default): the first outcome that cannot be estimated raises its error.
        ``"return"``: an outcome that cannot be estimated (constant, no treated units left after
        balancing, no estimable cell, a standard error of zero) maps to its error instead of a
        result, and the others are estimated. Errors of the call itself (options, columns,
        duplicate rows, cohorts) are raised either way.
    **options
        Every other argument of :func:`att_gt` (``unit``, ``time``, ``cohort``, ``covariates``,
        ``method``, ``control_group``, ``weights``, ...), by keyword.

    Returns
    -------
    dict
        Outcome -> :class:`GroupTimeResult` (or, with ``errors="return"``, the
        :class:`~outcomelab.errors.OutcomelabError` that says why not), in the order of
        ``outcomes``.

    Raises
    ------
    ParameterError
        ``outcomes`` empty, repeated or not column names; ``outcome=`` given; an unknown option.
    InputError, EmptyGroupError, SingularDesignError, NoOverlapError, EstimationError
        As :func:`att_gt`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> units = pd.DataFrame({"id": range(400), "g": rng.choice([0, 2018], 400)})
    >>> df = units.merge(pd.DataFrame({"year": range(2015, 2021)}), how="cross")
    >>> post = (df.g > 0) & (df.year >= df.g)
    >>> df["y1"] = rng.normal(size=len(df)) + 2.0 * post
    >>> df["y2"] = rng.normal(size=len(df)) - 1.0 * post
    >>> res = att_gt_many(df, outcomes=["y1", "y2"], unit="id", time="year", cohort="g")
    >>> {k: round(r.estimate) for k, r in res.items()}
    {'y1': 2, 'y2': -1}
    """
    names = _outcome_names(outcomes, options)
    if errors not in ("raise", "return"):
        raise ParameterError(f"`errors` must be 'raise' or 'return'; got {errors!r}.")
    call_options = _many_options(options)
    opts = _check_options(**call_options["opts"])
    frame = require_dataframe(data)
    call = _columns(frame, **call_options["columns"])
    results: dict[str, GroupTimeResult | OutcomelabError] = {}
    if not opts.panel or opts.allow_unbalanced_panel:
        # rows: each outcome keeps its own observations, so each is its own call
        for o in names:
            results[o] = _guarded(errors, partial(att_gt, data, outcome=o, **options))
        return results
    panels = panel_arrays_many(
        frame,
        outcomes=names,
        unit=cast("str", call.unit),
        time=call.time,
        cohort=call.cohort,
        covariates=call.covs,
        anticipation=opts.anticipation,
        cluster=call.cluster,
        weights=call.weights,
    )
    groups: dict[int, list[_Prepared]] = {}
    for o, pa in zip(names, panels, strict=True):
        ready = _guarded(errors, partial(_prepare_panel, pa, o, opts, call))
        if isinstance(ready, OutcomelabError):
            results[o] = ready
        else:
            # panels of the same units share their unit-level arrays (panel_arrays_many)
            groups.setdefault(id(pa.unit_ids), []).append(ready)
    for members in groups.values():
        plan = members[0].plan
        ests = _estimate([m.pa for m in members], plan, opts.method, call.covs)
        for ready, est in zip(members, ests, strict=True):
            results[ready.outcome] = _guarded(errors, partial(_result, ready, est, opts, call))
    return {o: results[o] for o in names}


def _prepare_panel(pa: PanelArrays, outcome: str, opts: _Options, call: _Columns) -> _Prepared:
    check_remaining(pa.n_units, pa.cohort, call.cohort, bool(pa.dropped))
    return _prepare(pa, outcome, opts)


_T = TypeVar("_T")


def _guarded(errors: Literal["raise", "return"], step: Callable[[], _T]) -> _T | OutcomelabError:
    """``step()``, or with ``errors="return"`` the OutcomelabError it raises."""
    if errors == "raise":
        return step()
    try:
        return step()
    except OutcomelabError as err:
        return err


def _outcome_names(outcomes: object, options: dict[str, Any]) -> list[str]:
    if "outcome" in options:
        raise ParameterError(
            "att_gt_many takes `outcomes` (a list of columns), not `outcome`; for one outcome "
            "call att_gt."
        )
    if isinstance(outcomes, str) or not isinstance(outcomes, Sequence):
        raise ParameterError(
            f"`outcomes` must be a list of outcome columns, e.g. ['y1', 'y2']; got {outcomes!r}."
        )
    names = list(outcomes)
    if not names or not all(isinstance(o, str) for o in names):
        raise ParameterError(
            f"`outcomes` must be a non-empty list of column names; got {outcomes!r}."
        )
    repeated = sorted({o for o in names if names.count(o) > 1})
    if repeated:
        raise ParameterError(f"`outcomes` names {repeated} more than once; name each once.")
    return names


#: att_gt's keyword arguments: options checked by _check_options, and the columns
_OPTION_NAMES = (
    "panel",
    "allow_unbalanced_panel",
    "control_group",
    "method",
    "anticipation",
    "base_period",
    "alpha",
    "bootstrap",
    "bootstrap_weights",
    "seed",
)
_COLUMN_NAMES = ("unit", "time", "cohort", "covariates", "cluster", "weights")


def _many_options(options: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """att_gt's defaults updated with ``options``; unknown or missing ones refused."""
    params = inspect.signature(att_gt).parameters
    unknown = sorted(set(options) - set(_OPTION_NAMES) - set(_COLUMN_NAMES))
    if unknown:
        raise ParameterError(
            f"att_gt_many got unknown arguments {unknown}; it takes `outcomes`, `errors` and "
            f"att_gt's arguments ({', '.join(_COLUMN_NAMES + _OPTION_NAMES)})."
        )
    missing = [c for c in ("time", "cohort") if c not in options]
    if missing:
        raise ParameterError(f"att_gt_many needs {missing} (as att_gt).")

    def value(name: str) -> Any:
        return options.get(name, params[name].default)

    return {
        "opts": {name: value(name) for name in _OPTION_NAMES},
        "columns": {name: value(name) for name in _COLUMN_NAMES},
    }
