"""The common result type every estimator returns, and the protocols every result follows."""

from outcomelab.results.effect import EffectResult, normal_inference
from outcomelab.results.protocol import EffectLike, Result

__all__ = ["EffectLike", "EffectResult", "Result", "normal_inference"]
