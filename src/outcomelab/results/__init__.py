"""The common result type every estimator returns."""

from outcomelab.results.effect import EffectResult, normal_inference

__all__ = ["EffectResult", "normal_inference"]
