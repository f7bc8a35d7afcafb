"""Socio-economic value of social investments: unit values, prices, discounting, the calculation.

Flow: the evaluation's effects per outcome x unit values per payer -> yearly flows per payer ->
discounted NPV, benefit-cost ratio, ROI, payback and break-even, with Monte Carlo uncertainty.
"""

from outcomelab.economics.discounting import GREEN_BOOK_SCHEDULE, discount_factors
from outcomelab.economics.persistence import persistence_factors
from outcomelab.economics.prices import convert_price_year, load_cpi, price_factor
from outcomelab.economics.result import ValueResult, payer_label
from outcomelab.economics.unit_values import BUNDLED_VERSION, UnitValueTable, load_unit_values
from outcomelab.economics.valuation import COST_PAYERS, value

__all__ = [
    "BUNDLED_VERSION",
    "COST_PAYERS",
    "GREEN_BOOK_SCHEDULE",
    "UnitValueTable",
    "ValueResult",
    "convert_price_year",
    "discount_factors",
    "load_cpi",
    "load_unit_values",
    "payer_label",
    "persistence_factors",
    "price_factor",
    "value",
]
