"""Report parameters: what a template declares, and checks of values before a kernel starts.

Papermill only warns about parameters a template does not declare and passes any value through.
Here every parameter is checked against the template's ``parameters`` cell (names and default
types, read with :func:`papermill.inspect_notebook`) and against per-name rules (allowed values and
ranges), so a typo or an out-of-range value is a :class:`~outcomelab.errors.ParameterError` naming
the parameter and the allowed values, raised before any kernel starts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outcomelab.errors import ParameterError

__all__ = [
    "DESIGNS",
    "LANGUAGES",
    "TemplateParameter",
    "check_parameters",
    "declared_parameters",
    "parse_value",
]

#: values of the ``design`` parameter
DESIGNS = ("auto", "did", "matching", "both")
#: report languages
LANGUAGES = ("sv", "en")
#: DiD comparison groups
CONTROL_GROUPS = ("never_treated", "not_yet_treated")
#: outcome-contract payment types (INDIGO: amounts due or amounts paid)
PAYMENT_TYPES = ("planned", "actual")


@dataclass(frozen=True)
class TemplateParameter:
    """One parameter a template declares in its ``parameters`` cell."""

    name: str
    type_name: str
    default: Any
    help: str


def declared_parameters(template: str | Path) -> dict[str, TemplateParameter]:
    """List the parameters a template declares, with their default values.

    Parameters
    ----------
    template
        Path of the ``.ipynb`` template.

    Returns
    -------
    dict
        Parameter name -> :class:`TemplateParameter`, in the order of the ``parameters`` cell.

    Raises
    ------
    ParameterError
        If the template has no cell tagged ``parameters``.
    """
    import papermill

    try:
        found = papermill.inspect_notebook(str(template))
    except ValueError as err:  # no kernelspec in the template's metadata
        raise ParameterError(
            f"The template {template} cannot be inspected ({err}); save it with a Python kernel."
        ) from None
    if not found:
        raise ParameterError(
            f"The template {template} declares no parameters: tag its first code cell `parameters`."
        )
    out = {}
    for name, info in found.items():
        try:
            default = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            default = info["default"]
        # papermill infers a type only from an annotation; otherwise take the default's type
        annotated = str(info["inferred_type_name"])
        type_name = annotated if annotated != "None" else type(default).__name__
        out[name] = TemplateParameter(
            name=name,
            type_name=type_name,
            default=default,
            help=str(info.get("help") or ""),
        )
    return out


def parse_value(text: str) -> Any:
    """Parse a ``--param k=v`` value as YAML (``0.05`` -> float, ``[a, b]`` -> list).

    Raises
    ------
    ReadError
        The value is an alias bomb or nested too deeply (see :mod:`outcomelab.safe_yaml`).
    """
    import yaml

    from outcomelab.safe_yaml import load_text

    try:
        return load_text(text, source="a --param value")
    except yaml.YAMLError:
        return text


def _choice(allowed: tuple[str, ...]) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        if value not in allowed:
            listed = ", ".join(repr(a) for a in allowed)
            raise ParameterError(f"Parameter `{name}` must be one of {listed}; got {value!r}.")

    return check


def _range(low: float, high: float, *, open_low: bool = False) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        ok = (low < value if open_low else low <= value) and value <= high
        if not ok:
            bracket = "(" if open_low else "["
            raise ParameterError(
                f"Parameter `{name}` must lie in {bracket}{low}, {high}]; got {value!r}."
            )

    return check


def _alpha(name: str, value: Any) -> None:
    if not 0 < value < 0.5:
        raise ParameterError(
            f"Parameter `{name}` (the significance level) must be between 0 and 0.5, e.g. 0.05; "
            f"got {value!r}."
        )


def _follow_up(name: str, value: Any) -> None:
    # 0 reads the outcome in the start year itself (a two-period design: before and the year of
    # the start)
    if value < 0 or value % 12:
        raise ParameterError(
            f"Parameter `{name}` must be whole years in months (0, 12, 24, 36, ...) because "
            f"outcomes are yearly; got {value!r}."
        )


def _outcome_list(name: str, value: Any) -> None:
    if value is None:  # the template's default: every other outcome
        return
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ParameterError(
            f"Parameter `{name}` must be a list of outcome codes (strings); got {value!r}."
        )
    if len(set(value)) != len(value):
        raise ParameterError(f"Parameter `{name}` lists an outcome twice: {value!r}.")


#: per-name rules applied after the type check (a template need not declare all of them)
RULES: dict[str, Callable[[str, Any], None]] = {
    "design": _choice(DESIGNS),
    "lang": _choice(LANGUAGES),
    "control_group": _choice(CONTROL_GROUPS),
    "alpha": _alpha,
    "follow_up_months": _follow_up,
    "discount_rate": _range(0.0, 0.2),
    "horizon_years": _range(1, 100),
    "seed": _range(0, 2**32 - 1),
    "secondary_outcomes": _outcome_list,
    "payment_type": _choice(PAYMENT_TYPES),
}


def _coerce(param: TemplateParameter, value: Any) -> Any:
    """Check ``value`` against the declared default's type; return it (ints widen to float)."""
    kind = param.type_name
    bad = False
    if kind == "bool":
        bad = not isinstance(value, bool)
    elif kind == "int":
        bad = isinstance(value, bool) or not isinstance(value, int)
    elif kind == "float":
        bad = isinstance(value, bool) or not isinstance(value, int | float)
        value = value if bad else float(value)
    elif kind == "str":
        bad = not isinstance(value, str)
    elif kind == "list":
        if isinstance(value, tuple):
            value = list(value)
        bad = not isinstance(value, list)
    elif kind == "dict":
        bad = not isinstance(value, dict)
    if bad:
        raise ParameterError(
            f"Parameter `{param.name}` must be of type {kind} (its default is {param.default!r}); "
            f"got {value!r} of type {type(value).__name__}."
        )
    return value


def check_parameters(
    template: str | Path,
    values: Mapping[str, Any],
    *,
    declared: Mapping[str, TemplateParameter] | None = None,
) -> dict[str, Any]:
    """Check parameter values against a template; return the full set (defaults filled in).

    Parameters
    ----------
    template
        Path of the template notebook.
    values
        The caller's parameters.
    declared
        The template's parameters, if already read with :func:`declared_parameters`.

    Returns
    -------
    dict
        Every declared parameter with the caller's value or the template default.

    Raises
    ------
    ParameterError
        For an unknown name (listing the declared names), a value of the wrong type, or a value
        outside the allowed set or range.
    """
    params = dict(declared) if declared is not None else declared_parameters(template)
    unknown = sorted(set(values) - set(params))
    if unknown:
        allowed = ", ".join(params)
        raise ParameterError(
            f"Unknown parameter(s) {', '.join(repr(u) for u in unknown)} for template "
            f"{Path(template).name}; it declares: {allowed}."
        )
    checked: dict[str, Any] = {}
    for name, param in params.items():
        if name in values:
            value = _coerce(param, values[name])
        else:
            value = param.default
        rule = RULES.get(name)
        if rule is not None:
            rule(name, value)
        checked[name] = value
    primary = checked.get("primary_outcome")
    if primary is not None and primary in (checked.get("secondary_outcomes") or []):
        raise ParameterError(
            f"The primary outcome {primary!r} is also listed in `secondary_outcomes`; "
            "an outcome is either primary or secondary."
        )
    return checked
