"""The disclosure-control policy: thresholds that published output must respect.

Defaults follow the practice cited in the domain notes: the UK Justice Data Lab publishes only
for an analysed cohort of 60 or more people and rounds small counts; Statistics Norway
suppresses cells below 3; outcomelab's default cell threshold is 5 with secondary suppression
and every suppression logged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from outcomelab.errors import ParameterError
from outcomelab.safe_yaml import load_file

__all__ = ["DisclosurePolicy", "load_policy"]


@dataclass(frozen=True)
class DisclosurePolicy:
    """Thresholds for publishing results derived from personal data.

    Attributes
    ----------
    min_cohort
        Smallest analysed group (treated persons) for which an evaluation may be published at all;
        subgroup analyses below it are withheld.
    min_cell
        Smallest count a published table cell may show; smaller counts, and rates or means derived
        from them, are suppressed (primary suppression).
    rounding_base
        Published person counts are rounded to a multiple of this number (1 = no rounding).
    secondary_suppression
        Whether to suppress further cells so that a suppressed cell cannot be recovered from a
        row or column total.
    """

    min_cohort: int = 60
    min_cell: int = 5
    rounding_base: int = 5
    secondary_suppression: bool = True

    def __post_init__(self) -> None:
        for name in ("min_cohort", "min_cell", "rounding_base"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParameterError(
                    f"Disclosure policy field `{name}` must be a whole number >= 1; got {value!r}."
                )
        if not isinstance(self.secondary_suppression, bool):
            raise ParameterError(
                "Disclosure policy field `secondary_suppression` must be true or false; "
                f"got {self.secondary_suppression!r}."
            )

    def to_dict(self) -> dict[str, Any]:
        """The policy as a plain dict (for provenance in published output)."""
        return asdict(self)


def load_policy(path: str | Path | None = None) -> DisclosurePolicy:
    """Read a disclosure policy from YAML, or return the default policy.

    Parameters
    ----------
    path
        A YAML file with any of the fields of :class:`DisclosurePolicy`; missing fields keep
        their defaults. ``None`` returns the default policy.

    Returns
    -------
    DisclosurePolicy

    Raises
    ------
    ReadError
        The file is missing or not YAML.
    ParameterError
        An unknown field or a value out of range.
    """
    if path is None:
        return DisclosurePolicy()
    file = Path(path)
    raw = load_file(file, what="Disclosure policy file") or {}
    if not isinstance(raw, dict):
        raise ParameterError(f"Disclosure policy file {file} must hold a mapping of fields.")
    known = {f.name for f in fields(DisclosurePolicy)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParameterError(
            f"Disclosure policy file {file} has unknown fields {unknown}; "
            f"allowed fields are {sorted(known)}."
        )
    return DisclosurePolicy(**raw)
