"""The choices one standard evaluation is run with (the report template's parameters)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from outcomelab._checks import Lang, check_lang

__all__ = ["PATH_PARAMETERS", "EvaluationSettings"]

#: parameters that are local paths: never written into results.json
PATH_PARAMETERS = ("data_dir", "store_dir", "output_dir")


@dataclass(frozen=True)
class EvaluationSettings:
    """The choices of one evaluation, read once from the template's parameters.

    Attributes
    ----------
    params
        Every parameter as given (read-only), for provenance.
    lang
        Report language, ``"sv"`` or ``"en"``.
    alpha, seed
        Significance level and random seed.
    follow_up_months
        When the effect is read (months after the start).
    control_group
        DiD comparison group: ``"never_treated"`` or ``"not_yet_treated"``.
    design
        The requested design: ``"auto"``, ``"did"``, ``"matching"`` or ``"both"``.
    primary_outcome, secondary_outcomes
        The outcomes fixed before the analysis (empty/``None``: the registered primary outcome and
        every other outcome of the submission).
    discount_rate, horizon_years
        Of the socio-economic value.
    """

    params: Mapping[str, Any] = field(repr=False)
    lang: Lang = "sv"
    alpha: float = 0.05
    seed: int = 0
    follow_up_months: int = 24
    control_group: str = "never_treated"
    design: str = "auto"
    primary_outcome: str = ""
    secondary_outcomes: tuple[str, ...] | None = None
    discount_rate: float = 0.035
    horizon_years: int = 10

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EvaluationSettings:
        """Read the settings from template parameters (checked by
        :func:`outcomelab.reports.parameters.check_parameters` before a kernel starts)."""
        secondary = params.get("secondary_outcomes")
        return cls(
            params=params,
            lang=check_lang(params.get("lang", "sv")),
            alpha=float(params.get("alpha", 0.05)),
            seed=int(params.get("seed", 0)),
            follow_up_months=int(params.get("follow_up_months", 24)),
            control_group=str(params.get("control_group", "never_treated")),
            design=str(params.get("design", "auto")),
            primary_outcome=str(params.get("primary_outcome") or ""),
            secondary_outcomes=None if secondary is None else tuple(str(o) for o in secondary),
            discount_rate=float(params.get("discount_rate", 0.035)),
            horizon_years=int(params.get("horizon_years", 10)),
        )

    def public_params(self) -> dict[str, Any]:
        """The parameters without local paths (for results.json)."""
        return {k: v for k, v in self.params.items() if k not in PATH_PARAMETERS}
