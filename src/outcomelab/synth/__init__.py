"""Designs for a few treated aggregate units (municipalities, regions).

* :func:`synthdid` -- synthetic difference-in-differences (and its synthetic control and DiD
  special cases) with placebo, bootstrap and jackknife standard errors, one or several cohorts;
* :func:`synthetic_control` -- Abadie-Diamond-Hainmueller synthetic control with predictors and
  V-weights, with in-space placebo tests; :func:`in_time_placebo` -- the same with the start moved
  back in time;
* :func:`interrupted_time_series` -- segmented regression for a unit with no usable donors.
"""

from outcomelab.synth.choice import DesignChoice, choose_aggregate_design
from outcomelab.synth.control import SyntheticControlResult, synthetic_control
from outcomelab.synth.its import MARYLAND_LEVEL_ITS, ITSResult, interrupted_time_series
from outcomelab.synth.placebo_time import in_time_placebo
from outcomelab.synth.result import SynthResult
from outcomelab.synth.sdid import synthdid

__all__ = [
    "MARYLAND_LEVEL_ITS",
    "DesignChoice",
    "ITSResult",
    "SynthResult",
    "SyntheticControlResult",
    "choose_aggregate_design",
    "in_time_placebo",
    "interrupted_time_series",
    "synthdid",
    "synthetic_control",
]
