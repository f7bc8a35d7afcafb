"""Reading YAML that someone else wrote: bounded work, no alias bombs, no deep nesting.

Every YAML file outcomelab reads (a batch manifest, a parameters file, an outcome contract, a
disclosure policy, an evaluation plan, a ``--param`` value) goes through here. PyYAML's safe
loader already refuses arbitrary Python objects; what it does not refuse is *work*:

* an alias repeated inside an alias ("billion laughs": 444 bytes that stand for 10^9 list items)
  is cheap to load, because every alias is the same Python object, but anything that walks the
  result -- writing it as JSON for a cache key, checking parameters -- walks all 10^9 items
  (57 s and 6.3 GB in the batch runner before any check ran);
* an alias inside its own anchor makes a structure that contains itself;
* thousands of nested brackets overflow the parser's recursion.

So a document is scanned (without recursion) for its nesting depth, composed, and refused when its
nodes, with every alias expanded, would exceed :data:`MAX_NODES`, or when an alias refers to a
node that contains it. The limits are far above any real manifest, contract or policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from outcomelab.errors import ReadError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "compose_text", "load_file", "load_text"]

#: largest YAML text read (bytes of UTF-8)
MAX_BYTES = 2_000_000
#: deepest nesting of lists and mappings
MAX_DEPTH = 100
#: most nodes a document may stand for with every alias expanded
MAX_NODES = 200_000

_OPEN = (
    yaml.FlowSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.BlockMappingStartToken,
)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _check_depth(text: str, source: str) -> None:
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                line = token.start_mark.line + 1
                raise ReadError(
                    f"{source} line {line}: lists and mappings are nested more than {MAX_DEPTH} "
                    "deep; outcomelab does not read such a file."
                )
        elif isinstance(token, _CLOSE):
            depth -= 1


def _expanded_size(root: yaml.Node, source: str) -> int:
    """Nodes of ``root`` with every alias expanded; refuses a node that contains itself.

    An alias is the same node object as its anchor, so sizes are memoised by identity and the
    count costs one visit per distinct node, however often it is repeated.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            if isinstance(node, yaml.SequenceNode):
                children: list[yaml.Node] = list(node.value)
            elif isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            else:
                children = []
            total = 1 + sum(sizes[id(child)] for child in children)
            if total > MAX_NODES:
                raise ReadError(
                    f"{source}: the file stands for more than {MAX_NODES:,} values once its "
                    "aliases (*name) are expanded; outcomelab refuses such a file (an alias bomb). "
                    "Write the values out instead of repeating aliases."
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in active:
            line = node.start_mark.line + 1
            raise ReadError(
                f"{source} line {line}: an alias refers to a list or mapping that contains it; "
                "outcomelab does not read self-referring YAML."
            )
        active.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, False) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((part, False) for pair in node.value for part in pair)
    return sizes[id(root)]


def compose_text(text: str, *, source: str = "YAML") -> yaml.Node | None:
    """Compose YAML text into nodes (with positions), within the limits of this module.

    Parameters
    ----------
    text
        The YAML document.
    source
        Where it came from (a file name, ``--param alpha``), for messages.

    Returns
    -------
    yaml.Node or None
        ``None`` for an empty document.

    Raises
    ------
    ReadError
        The text is too large, nested too deeply, refers to itself, or its aliases expand
        beyond :data:`MAX_NODES` values.
    yaml.YAMLError
        The text is not valid YAML (callers turn this into their own message).
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ReadError(
            f"{source} is larger than {MAX_BYTES // 1_000_000} MB; outcomelab reads YAML files "
            "of settings, not data."
        )
    _check_depth(text, source)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        _expanded_size(root, source)
    return root


def load_text(text: str, *, source: str = "YAML") -> Any:
    """Load YAML text with the safe loader after :func:`compose_text`'s checks.

    Raises
    ------
    ReadError
        See :func:`compose_text`.
    yaml.YAMLError
        The text is not valid YAML.
    """
    compose_text(text, source=source)
    return yaml.safe_load(text)


def load_file(path: str | Path, *, what: str = "YAML file") -> Any:
    """Read and load a YAML file within the limits of this module.

    Parameters
    ----------
    path
        The file.
    what
        What the file is (``"Manifest"``), for messages.

    Raises
    ------
    ReadError
        The file is missing, unreadable, not UTF-8, over a limit, or not valid YAML.
    """
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise ReadError(
                f"{what} {file} is larger than {MAX_BYTES // 1_000_000} MB; outcomelab reads "
                "YAML files of settings, not data."
            )
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ReadError(f"{what} {file} does not exist.") from err
    except UnicodeDecodeError as err:
        raise ReadError(f"{what} {file} is not UTF-8 text; save it as UTF-8.") from err
    except OSError as err:
        raise ReadError(f"{what} {file} cannot be read: {err.strerror}.") from err
    try:
        return load_text(text, source=f"{what} {file}")
    except yaml.YAMLError as err:
        raise ReadError(f"{what} {file} is not valid YAML: {err}") from err
