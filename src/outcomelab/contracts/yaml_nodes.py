"""Typed access to a composed YAML document that remembers where every value was written.

``yaml.compose`` keeps each node's position (``start_mark``), so every error can name the file, the
line and the field: ``contract.yaml line 14: outcome_metrics[1].price_per_unit_sek must be a
number >= 0, got 'tio'.``
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from outcomelab.errors import ContractError, ReadError
from outcomelab.safe_yaml import compose_text

__all__ = ["Node", "compose_file"]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_SCIENTIFIC = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)[eE][-+]?\d+")


class Node:
    """One node of the document with its dotted path (``outcome_metrics[1].price``)."""

    def __init__(self, node: yaml.Node, path: str, file: str) -> None:
        self.node = node
        self.path = path
        self.file = file

    @property
    def line(self) -> int:
        """1-based line where the node starts."""
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ContractError:
        """A ContractError that names the file, line and field."""
        return ContractError(f"{self.file} line {self.line}: {self.path} {message}")

    def _shown(self) -> str:
        if isinstance(self.node, yaml.ScalarNode):
            return repr(self.node.value)
        return "a list" if isinstance(self.node, yaml.SequenceNode) else "a mapping"

    @property
    def is_null(self) -> bool:
        """Whether the value is YAML null (``~``, ``null`` or empty)."""
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == _NULL

    def _child(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def mapping(self, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Node]:
        """The keys of a mapping node; unknown keys and missing required keys are errors."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"must be a mapping of fields, got {self._shown()}.")
        allowed = tuple(allowed)
        out: dict[str, Node] = {}
        for key_node, value_node in self.node.value:
            key = str(key_node.value)
            child = Node(value_node, self._child(key), self.file)
            if key not in allowed:
                where = Node(key_node, self._child(key), self.file)
                raise where.error(
                    f"is not a known field; the fields here are {', '.join(allowed)}."
                )
            if key in out:
                raise Node(key_node, child.path, self.file).error(
                    "is given twice; keep one of them."
                )
            out[key] = child
        missing = [k for k in required if k not in out or out[k].is_null]
        if missing:
            name = self.path or "the document"
            raise ContractError(
                f"{self.file} line {self.line}: {name} lacks the required field "
                f"{', '.join(missing)}; add it."
            )
        return out

    def sequence(self, *, min_items: int = 0) -> list[Node]:
        """The items of a list node."""
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error(f"must be a list, got {self._shown()}.")
        items = [Node(n, f"{self.path}[{i}]", self.file) for i, n in enumerate(self.node.value)]
        if len(items) < min_items:
            raise self.error(f"must list at least {min_items} item(s); it has {len(items)}.")
        return items

    def string(self, *, choices: Iterable[str] | None = None) -> str:
        """A text value (numbers written without quotes are accepted as text too)."""
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag == _NULL:
            raise self.error(f"must be text, got {self._shown() if not self.is_null else 'null'}.")
        value = str(self.node.value)
        if choices is not None:
            options = tuple(choices)
            if value not in options:
                raise self.error(
                    f"must be one of {', '.join(repr(c) for c in options)}, got {value!r}."
                )
        return value

    def number(
        self,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: bool = False,
        exclusive_maximum: bool = False,
        integer: bool = False,
    ) -> float:
        """A number within the given bounds."""
        kind = "a whole number" if integer else "a number"
        bounds = []
        if minimum is not None:
            bounds.append(f"{'>' if exclusive_minimum else '>='} {minimum:g}")
        if maximum is not None:
            bounds.append(f"{'<' if exclusive_maximum else '<='} {maximum:g}")
        wanted = f"must be {kind}{' ' + ' and '.join(bounds) if bounds else ''}"
        value = self._numeric_value()
        if value is None or (integer and value != int(value)):
            hint = ""
            if isinstance(self.node, yaml.ScalarNode) and " " in str(self.node.value).strip():
                hint = " (write numbers without spaces, e.g. 10000000)"
            raise self.error(f"{wanted}, got {self._shown()}{hint}.")
        too_low = minimum is not None and (
            value <= minimum if exclusive_minimum else value < minimum
        )
        too_high = maximum is not None and (
            value >= maximum if exclusive_maximum else value > maximum
        )
        if too_low or too_high or value != value:
            raise self.error(f"{wanted}, got {self.node.value!r}.")
        return value

    def _numeric_value(self) -> float | None:
        if not isinstance(self.node, yaml.ScalarNode):
            return None
        if self.node.tag in (_INT, _FLOAT):
            return float(yaml.safe_load(self.node.value))
        if self.node.tag == _STR and _SCIENTIFIC.fullmatch(str(self.node.value).strip()):
            # YAML 1.1 reads 1e6 as text; accept it as the number the author meant
            return float(self.node.value)
        return None

    def boolean(self) -> bool:
        """``true`` or ``false``."""
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != _BOOL:
            raise self.error(f"must be true or false, got {self._shown()}.")
        return bool(yaml.safe_load(self.node.value))

    def strings(self) -> tuple[str, ...]:
        """A list of text items."""
        return tuple(item.string() for item in self.sequence())


def compose_file(text: str, file: str) -> Node:
    """Compose ``text`` into a :class:`Node` tree, turning YAML syntax errors into ContractError."""
    try:
        root = compose_text(text, source=file)
    except ReadError as err:
        raise ContractError(str(err)) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise ContractError(
            f"{file}{line}: the file is not valid YAML ({err.problem or err.context}); check the "
            "indentation and quoting there."
        ) from None
    except yaml.YAMLError as err:
        raise ContractError(f"{file}: the file is not valid YAML ({err}).") from None
    if root is None:
        raise ContractError(f"{file}: the file is empty; write the contract as a YAML mapping.")
    return Node(root, "", file)
