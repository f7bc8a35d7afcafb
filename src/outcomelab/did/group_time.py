"""``GroupTimeResult``: group-time effects ATT(g,t), their aggregates and the pre-test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from outcomelab._checks import check_choice
from outcomelab.did.aggregation import (
    AggregatedEffectResult,
    AggregationType,
    aggregate_group_time,
)
from outcomelab.did.event_study_plot import group_time_plot
from outcomelab.did.influence import GroupTimeState
from outcomelab.did.pretest import PreTest, wald_pretest
from outcomelab.errors import ParameterError
from outcomelab.results import EffectResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["GroupTimeResult"]


@dataclass(frozen=True)
class GroupTimeResult(EffectResult):
    """Group-time average treatment effects from :func:`outcomelab.did.att_gt`.

    The terms table (``tidy()``) has one row per cell: ``term`` ("ATT(g,t)"), ``estimate``,
    ``std_error``, ``conf_low``/``conf_high`` (pointwise), ``p_value``, ``group``, ``time``,
    ``base_period``, ``event_time`` (``t - g``), ``post`` and ``cband_low``/``cband_high`` (uniform
    band over all cells). The headline is the ``simple`` aggregate (see :meth:`aggregate`).

    Attributes
    ----------
    state
        The arrays behind the result (ATT, influence functions, cohorts); used by
        :meth:`aggregate` and :meth:`pretest`.
    critical_value
        Critical value of the uniform band over all cells.
    """

    state: GroupTimeState | None = None
    critical_value: float = float("nan")

    def _state(self) -> GroupTimeState:
        if self.state is None:
            raise ParameterError(
                "This GroupTimeResult has no influence functions (it was not made by att_gt); "
                "re-run outcomelab.did.att_gt."
            )
        return self.state

    def aggregate(
        self,
        kind: AggregationType = "simple",
        *,
        min_e: float = -np.inf,
        max_e: float = np.inf,
        balance_e: int | None = None,
        alpha: float | None = None,
    ) -> AggregatedEffectResult:
        """Aggregate ATT(g,t) into a summary parameter (R ``did::aggte``).

        Parameters
        ----------
        kind
            ``"simple"``: average of all post-treatment ATT(g,t) weighted by cohort size.
            ``"dynamic"``: event study ATT(e), the cohort-size weighted average of ATT(g, g+e) for
            each event time ``e``; headline = mean of ATT(e) over ``e >= 0``.
            ``"group"``: ATT(g), the mean of a cohort's post-treatment effects; headline = their
            cohort-size weighted average.
            ``"calendar"``: ATT(t), the cohort-size weighted average of the effects in period
            ``t``; headline = their mean.
        min_e, max_e
            Event-time window for ``dynamic``; ``max_e`` also caps the post-treatment cells used
            by ``simple`` and ``group``.
        balance_e
            For ``dynamic``: keep only cohorts observed for at least ``balance_e`` periods after
            treatment, so the event-study composition does not change with ``e``.
        alpha
            1 - confidence level (default: the level of this result).

        Returns
        -------
        AggregatedEffectResult
            Headline = the overall aggregate; terms = the per-event-time / cohort / period
            effects with pointwise (``conf_low``/``conf_high``) and uniform
            (``cband_low``/``cband_high``) bands.

        Raises
        ------
        ParameterError
            Unknown ``kind``.
        EmptyGroupError
            No cells in the requested window.

        Notes
        -----
        With ``w_{gt} = P(G = g) / sum P(G = g')`` over the cells aggregated, e.g.
        ``theta_S = sum_{g <= t} w_{gt} ATT(g,t)``. Standard errors use the influence function of
        the aggregate, ``sum w psi_{gt} + sum ATT(g,t) psi_w`` where ``psi_w`` accounts for
        estimating the cohort shares (Callaway & Sant'Anna 2021, Theorem 3 and Appendix).

        References
        ----------
        Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
        periods. Journal of Econometrics 225(2), 200-230.
        """
        check_choice("kind", kind, ("simple", "dynamic", "group", "calendar"))
        return aggregate_group_time(
            self._state(),
            kind,
            min_e=min_e,
            max_e=max_e,
            balance_e=balance_e,
            alpha=self.alpha if alpha is None else alpha,
            outcome=self.outcome,
            method=self.method,
            notes=self.notes,
        )

    def pretest(self) -> PreTest:
        """Wald pre-test of parallel trends: all pre-treatment ATT(g,t) = 0.

        Returns
        -------
        PreTest
            ``(statistic, df, p_value)``; chi-squared with ``df`` = number of pre-treatment cells.
        """
        return wald_pretest(self._state())

    def plot(self, ax: Any = None) -> Figure:
        """ATT(g,t) by period, one panel per cohort, with pointwise and uniform bands.

        Pre-treatment cells are drawn in a different colour from post-treatment ones.

        Returns
        -------
        matplotlib.figure.Figure
        """
        return group_time_plot(self)
