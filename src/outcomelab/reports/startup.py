"""Start-up of the processes outcomelab owns (the command, batch workers): one slow import less.

Every report run imports jsonschema (papermill and nbformat validate notebooks with it). When the
GPL package ``rfc3987`` is not installed, jsonschema imports ``rfc3987_syntax`` for its ``iri`` and
``iri-reference`` formats, and that package builds some 35 Earley parsers while it is imported:
1.7 s of CPU, on the way to every report (python-jsonschema/jsonschema#1428). No schema of
outcomelab (``data_schemas/``, results.json) or of Jupyter uses those two formats.
:func:`skip_iri_grammar` marks ``rfc3987_syntax`` as absent in this process, so jsonschema leaves
the two formats unchecked; it is called where outcomelab owns the process (``outcomelab`` on the
command line, batch worker processes), not when outcomelab is imported as a library.
"""

from __future__ import annotations

import sys

__all__ = ["skip_iri_grammar"]


def skip_iri_grammar() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process (see the module notes).

    Does nothing when jsonschema's format checkers are already imported (then it is too late) or
    when ``rfc3987_syntax`` was imported on purpose.
    """
    if "jsonschema._format" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
