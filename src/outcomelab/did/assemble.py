"""The group-time result from its state: headline, cell table, uniform band and pre-test.

:func:`~outcomelab.did.att_gt` (unit-level influence functions) and
:func:`~outcomelab.did.att_gt_moments` (sufficient statistics) differ in how they make the
:class:`~outcomelab.did.influence.GroupTimeState`; from the state on, the result is made here, once
for both, so that the two stay equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outcomelab.did.aggregation import aggregate_group_time, group_time_table
from outcomelab.did.group_time import GroupTimeResult
from outcomelab.did.influence import GroupTimeState
from outcomelab.did.pretest import wald_pretest
from outcomelab.results.estimability import check_standard_error

__all__ = ["ESTIMAND", "group_time_result"]

#: what the group-time effects and their headline estimate
ESTIMAND = (
    "ATT(g,t) = E[Y_t(g) - Y_t(0) | G = g] per cohort g and period t; headline: their "
    "cohort-size weighted average over post-treatment cells"
)


def group_time_result(
    state: GroupTimeState,
    *,
    outcome: str,
    method: str,
    alpha: float,
    notes: tuple[str, ...],
    spread: float,
    n_treated: int,
    diagnostics: Mapping[str, Any],
) -> GroupTimeResult:
    """The :class:`GroupTimeResult` of a group-time state.

    Parameters
    ----------
    state
        ATT(g,t) and the sufficient statistics of their influence functions.
    outcome, method, alpha
        The outcome column, the method label (``"att_gt/dr"``) and the interval level.
    notes
        The notes of the estimation (kept on the result and on every aggregate).
    spread
        The outcome's spread (from ``check_outcome_varies`` or ``check_spread``), against which a
        headline standard error of zero is judged.
    n_treated
        Treated units in the balanced panel.
    diagnostics
        The estimator's diagnostics; the uniform critical value and the pre-test are added.

    Returns
    -------
    GroupTimeResult
        The headline is the ``simple`` aggregate.

    Raises
    ------
    EstimationError
        A headline standard error of zero for a varying outcome (degenerate, not significant).
    """
    headline = aggregate_group_time(
        state, "simple", alpha=alpha, outcome=outcome, method=method, notes=notes
    )
    check_standard_error(headline.std_error, spread, outcome)
    table, crit = group_time_table(state, alpha)
    return GroupTimeResult(
        estimate=headline.estimate,
        std_error=headline.std_error,
        conf_low=headline.conf_low,
        conf_high=headline.conf_high,
        p_value=headline.p_value,
        n_treated=n_treated,
        n_control=state.n_control,
        method=method,
        estimand=ESTIMAND,
        outcome=outcome,
        alpha=alpha,
        terms=table,
        diagnostics={
            **diagnostics,
            "uniform_critical_value": crit,
            "pretest": wald_pretest(state).to_dict(),
        },
        notes=notes,
        state=state,
        critical_value=crit,
    )
