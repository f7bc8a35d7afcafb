"""Planning an evaluation before the intervention starts.

``load_design()`` reads the design a municipality states; ``assess()`` gives the minimum detectable
effect, the participants needed and the evaluability checklist in closed form;
``simulate_power()`` checks the power of the lab's own estimators on simulated data of that
design; ``EvaluationPlan`` is the signed pre-registration stored with the intervention.
"""

from outcomelab.evaluation.planned import PlanComparison, compare_plan
from outcomelab.planning.assessment import CheckItem, PlanAssessment, assess
from outcomelab.planning.design import (
    DESIGN_TEMPLATE,
    PlannedDesign,
    design_from_dict,
    load_design,
)
from outcomelab.planning.plan import PLAN_SCHEMA, EvaluationPlan
from outcomelab.planning.power import (
    did_variance_factor,
    power_two_group,
    solve_effect_size,
    solve_treated,
)
from outcomelab.planning.simulate import SIMULATED_ESTIMATORS, SimulatedPower, simulate_power

__all__ = [
    "DESIGN_TEMPLATE",
    "PLAN_SCHEMA",
    "SIMULATED_ESTIMATORS",
    "CheckItem",
    "EvaluationPlan",
    "PlanAssessment",
    "PlanComparison",
    "PlannedDesign",
    "SimulatedPower",
    "assess",
    "compare_plan",
    "design_from_dict",
    "did_variance_factor",
    "load_design",
    "power_two_group",
    "simulate_power",
    "solve_effect_size",
    "solve_treated",
]
