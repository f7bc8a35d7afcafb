"""Read an evaluation's ``results.json`` (schema 1.0, written by the standard report).

This is the one place that knows the file's layout (``data_schemas/results/results.md``): each entry
of ``outcomes[]`` becomes an :class:`~outcomelab.results.EffectResult` keyed by its ``code``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outcomelab.errors import InputError, ReadError
from outcomelab.results import EffectResult
from outcomelab.vocabulary import check_direction

__all__ = ["EvaluationResults", "load_evaluation"]

_NEEDED = ("estimate", "std_error", "conf_low", "conf_high", "p_value", "n_treated", "n_control")


@dataclass(frozen=True)
class EvaluationResults:
    """Effects per outcome from one evaluation, with what the settlement needs to cite it."""

    effects: dict[str, EffectResult] = field(repr=False)
    directions: dict[str, str] = field(repr=False)
    evaluation_id: str
    path: str
    skipped: tuple[str, ...] = ()


def _number(entry: dict[str, Any], key: str, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InputError(f"{where}: `{key}` must be a number, got {value!r}.")
    return float(value)


def load_evaluation(folder: str | Path) -> EvaluationResults:
    """Read ``results.json`` from an evaluation output folder (or the file itself).

    Parameters
    ----------
    folder
        The folder ``outcomelab evaluate`` wrote (holding ``results.json``) or the JSON file.

    Returns
    -------
    EvaluationResults
        ``effects`` maps outcome code to EffectResult; outcomes the evaluation could not estimate
        (``error`` set, numbers null) are listed in ``skipped``.

    Raises
    ------
    ReadError
        If there is no readable ``results.json``.
    InputError
        If the file is not schema 1.x or an outcome entry lacks its numbers.
    """
    path = Path(folder)
    if path.is_dir():
        path = path / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReadError(
            f"There is no {path}; pass the output folder of `outcomelab evaluate` (it holds "
            "results.json)."
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ReadError(f"{path} could not be read as JSON: {err}.") from None
    if not isinstance(data, dict) or not str(data.get("schema_version", "")).startswith("1."):
        version = data.get("schema_version") if isinstance(data, dict) else None
        raise InputError(
            f"{path} is not an outcomelab results.json of schema version 1.x (found "
            f"{version!r}); re-run the evaluation with this outcomelab version."
        )
    alpha = float((data.get("design") or {}).get("alpha") or 0.05)
    effects: dict[str, EffectResult] = {}
    directions: dict[str, str] = {}
    skipped: list[str] = []
    for i, entry in enumerate(data.get("outcomes") or []):
        code = str(entry.get("code"))
        where = f"{path}: outcomes[{i}] ({code})"
        if entry.get("error") or entry.get("estimate") is None:
            skipped.append(code)
            continue
        numbers = {k: _number(entry, k, where) for k in _NEEDED}
        effects[code] = EffectResult(
            estimate=numbers["estimate"],
            std_error=numbers["std_error"],
            conf_low=numbers["conf_low"],
            conf_high=numbers["conf_high"],
            p_value=numbers["p_value"],
            n_treated=int(numbers["n_treated"]),
            n_control=int(numbers["n_control"]),
            method=str(entry.get("method") or ""),
            estimand=str(entry.get("estimand") or "ATT"),
            outcome=code,
            alpha=alpha,
        )
        if entry.get("direction"):
            directions[code] = check_direction(entry["direction"], f"{where}: `direction`")
    return EvaluationResults(
        effects=effects,
        directions=directions,
        evaluation_id=str(data.get("evaluation_id") or ""),
        path=str(path),
        skipped=tuple(skipped),
    )
