"""outcomelab.did"""

from outcomelab.did.aggregation import AggregatedEffectResult
from outcomelab.did.att_gt import att_gt, att_gt_many
from outcomelab.did.att_gt_moments import att_gt_moments
from outcomelab.did.bacon import BaconDecomposition, bacon_decomposition
from outcomelab.did.did_2x2 import did_2x2
from outcomelab.did.event_study_plot import event_study_plot
from outcomelab.did.event_study_result import EventStudyResult
from outcomelab.did.group_time import GroupTimeResult
from outcomelab.did.imputation import imputation
from outcomelab.did.pretest import PreTest
from outcomelab.did.sun_abraham import sun_abraham
from outcomelab.did.twfe import twfe

__all__ = [
    "AggregatedEffectResult",
    "BaconDecomposition",
    "EventStudyResult",
    "GroupTimeResult",
    "PreTest",
    "att_gt",
    "att_gt_many",
    "att_gt_moments",
    "bacon_decomposition",
    "did_2x2",
    "event_study_plot",
    "imputation",
    "sun_abraham",
    "twfe",
]
