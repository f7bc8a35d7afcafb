"""``SynthResult``: the common result of the synthetic designs (SDID, synthetic control, DiD)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from outcomelab.numerics import json_safe
from outcomelab.results import EffectResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SynthResult"]


def _frozen(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True).copy()


@dataclass(frozen=True)
class SynthResult(EffectResult):
    """Result of :func:`~outcomelab.synth.synthdid` or :func:`~outcomelab.synth.synthetic_control`.

    The headline (``estimate``, ``std_error``, interval, p-value) is the average effect on the
    treated units over the post-treatment periods. ``tidy()`` has one row for it (and, with
    several cohorts, one per cohort).

    Attributes
    ----------
    unit_weights
        ``unit, weight`` (and ``cohort`` with several cohorts): how much each comparison unit
        (donor) counts in the synthetic comparison; weights are >= 0 and sum to 1 per cohort.
    time_weights
        ``period, weight``: weights of the pre-treatment periods (SDID; zero for synthetic control,
        uniform for DiD).
    trajectory
        ``cohort, period, treated, synthetic, gap, post``: the treated units' mean, the synthetic
        comparison (shifted by the time-weighted pre-period difference for SDID) and their gap.
    replicates
        Replicate estimates behind the standard error (placebo, bootstrap or jackknife).
    event_study
        ``event_time, estimate, std_error``: effect by period relative to the last pre-treatment
        period (left out), from the same replicates; ``None`` without replicates.
    event_vcov
        Covariance of ``event_study["estimate"]`` (for :func:`outcomelab.honest.honest_did`).
    """

    unit_weights: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    time_weights: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    replicates: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    event_study: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    event_vcov: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("unit_weights", "time_weights", "trajectory"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        rep = np.array(self.replicates, dtype=float)
        rep.setflags(write=False)
        object.__setattr__(self, "replicates", rep)
        if self.event_vcov is not None:
            cov = np.array(self.event_vcov, dtype=float)
            cov.setflags(write=False)
            object.__setattr__(self, "event_vcov", cov)
        if self.event_study is not None:
            object.__setattr__(self, "event_study", _frozen(self.event_study))

    def donors(self, min_weight: float = 0.001) -> pd.DataFrame:
        """Comparison units with a weight of at least ``min_weight``, largest first."""
        w = self.unit_weights
        return w[w["weight"] >= min_weight].sort_values(
            "weight", ascending=False, ignore_index=True
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: the headline and terms, plus weights and trajectory."""
        out = super().to_dict()
        out["unit_weights"] = json_safe(self.unit_weights)
        out["time_weights"] = json_safe(self.time_weights)
        out["trajectory"] = json_safe(self.trajectory)
        if self.event_study is not None:
            out["event_study"] = json_safe(self.event_study)
        return out

    def plot(self, ax: Any = None) -> Figure:
        """Treated units against their synthetic comparison, treatment start marked."""
        from outcomelab.synth.plots import trajectory_plot

        return trajectory_plot(self, ax=ax)

    def plot_weights(self, ax: Any = None, top: int = 15) -> Figure:
        """Horizontal bars of the largest donor weights."""
        from outcomelab.synth.plots import weights_plot

        return weights_plot(self, ax=ax, top=top)

    def plot_replicates(self, ax: Any = None) -> Figure:
        """Histogram of the replicate (placebo) estimates with the estimate marked."""
        from outcomelab.synth.plots import replicates_plot

        return replicates_plot(self, ax=ax)
