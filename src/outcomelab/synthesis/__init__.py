"""Evidence synthesis: random-effects meta-analysis of published evaluations' effects.

``meta_analysis()`` pools one outcome; ``meta_analysis_by()`` pools every outcome (and follow-up)
at once; ``meta_regression()`` relates effects to a study-level moderator; ``subgroup_analysis()``
pools within groups (target group, design) and tests their difference; ``egger_test()`` and
``funnel_plot()`` look for small-study asymmetry; ``forest_plot()`` draws the studies, the pooled
diamond and the prediction interval.
"""

from outcomelab.synthesis.asymmetry import (
    EGGER_MIN_STUDIES,
    AsymmetryResult,
    egger_test,
    funnel_plot,
)
from outcomelab.synthesis.forest import forest_plot
from outcomelab.synthesis.pooling import POOLED_COLUMNS, meta_analysis, meta_analysis_by
from outcomelab.synthesis.regression import MetaRegressionResult, meta_regression
from outcomelab.synthesis.result import MetaResult
from outcomelab.synthesis.subgroups import SubgroupResult, subgroup_analysis

__all__ = [
    "EGGER_MIN_STUDIES",
    "POOLED_COLUMNS",
    "AsymmetryResult",
    "MetaRegressionResult",
    "MetaResult",
    "SubgroupResult",
    "egger_test",
    "forest_plot",
    "funnel_plot",
    "meta_analysis",
    "meta_analysis_by",
    "meta_regression",
    "subgroup_analysis",
]
