"""Balance diagnostics: standardised differences, variance ratios, eCDF distances, effective
sample sizes, the Love and overlap plots and the WWC baseline-equivalence verdict."""

from outcomelab.balance.compute import balance
from outcomelab.balance.plots import love_plot, overlap_plot
from outcomelab.balance.table import BalanceTable
from outcomelab.balance.wwc import WWCVerdict, cox_index, hedges_g

__all__ = [
    "BalanceTable",
    "WWCVerdict",
    "balance",
    "cox_index",
    "hedges_g",
    "love_plot",
    "overlap_plot",
]
