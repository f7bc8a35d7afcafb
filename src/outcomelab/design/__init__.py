"""The analysis design: the person-period panel (who was treated when) and follow-up windows.

``build_panel()`` pivots a submission's long outcomes into one row per person and period with the
cohort (start period), event time, treatment flags and baseline covariates; ``write_panel()`` does
the same straight to Parquet for panels larger than memory.
"""

from __future__ import annotations

from outcomelab.design.covariates import RECOMMENDED, CovariateSet, analysis_covariates
from outcomelab.design.followup import (
    followup_event_time,
    followup_windows,
    in_followup,
    restrict_to_followup,
)
from outcomelab.design.panel import (
    PANEL_COLUMNS,
    PanelInfo,
    build_panel,
    format_period,
    panel_info,
    period_to_int,
    write_panel,
)

__all__ = [
    "PANEL_COLUMNS",
    "RECOMMENDED",
    "CovariateSet",
    "PanelInfo",
    "analysis_covariates",
    "build_panel",
    "followup_event_time",
    "followup_windows",
    "format_period",
    "in_followup",
    "panel_info",
    "period_to_int",
    "restrict_to_followup",
    "write_panel",
]
