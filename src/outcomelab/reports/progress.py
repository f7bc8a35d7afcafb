"""Progress of a report run, cell by cell, for whoever wants to show it (the CLI's progress bar).

Papermill runs a template through an *engine*; :class:`ReportingEngine` is papermill's own nbclient
engine that also tells a callback when each cell starts and finishes, with the report section the
cell belongs to (its ``section:<key>`` tag or the nearest one above it). It also writes the
executed notebook less often: papermill writes the whole notebook (validated, figures inlined)
when each cell starts and when it finishes, between the cells, so a report of 25 cells waited
for 50 writes (2.9 s of a small report's 31 s at load 10); here the cell hooks write at most
every :data:`SAVE_EVERY` seconds, and the notebook is always written when the run ends (also when
a cell fails, times out or the kernel dies: papermill's ``notebook_complete``). Nothing else
changes: the same kernel, time limits, saved notebook and error handling.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from papermill.engines import NBClientEngine, papermill_engines

__all__ = ["ENGINE_NAME", "CellEvent", "ProgressCallback", "ReportingEngine", "cell_sections"]

#: the name the engine is registered under with papermill
ENGINE_NAME = "outcomelab-progress"

SECTION_TAG = "section:"

#: seconds between two writes of the executed notebook while a report runs
SAVE_EVERY = 30.0


@dataclass(frozen=True)
class CellEvent:
    """One cell of a report run started (``seconds`` None) or finished.

    Attributes
    ----------
    index, total
        The cell's position and the number of cells in the notebook.
    section
        The report section of the cell (``None`` before the first tagged cell).
    finished
        False when the cell starts, True when it has run (also when it failed).
    seconds
        How long the finished cell took.
    """

    index: int
    total: int
    section: str | None
    finished: bool
    seconds: float | None = None


ProgressCallback = Callable[[CellEvent], None]


def cell_sections(cells: list[Any]) -> list[str | None]:
    """The section of every cell: its own ``section:`` tag or the nearest one above it."""
    current: str | None = None
    found = []
    for cell in cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith(SECTION_TAG):
                current = tag[len(SECTION_TAG) :]
        found.append(current)
    return found


def _watch(nb_man: Any, progress: ProgressCallback) -> None:
    """Wrap the execution manager's cell hooks so that ``progress`` hears of every code cell."""
    sections = cell_sections(nb_man.nb.cells)
    total = len(nb_man.nb.cells)
    started: dict[int, float] = {}
    start, complete = nb_man.cell_start, nb_man.cell_complete

    def cell_start(cell: Any, cell_index: int | None = None, **kwargs: Any) -> Any:
        if cell_index is not None:
            started[cell_index] = time.perf_counter()
            progress(CellEvent(cell_index, total, sections[cell_index], finished=False))
        return start(cell, cell_index, **kwargs)

    def cell_complete(cell: Any, cell_index: int | None = None, **kwargs: Any) -> Any:
        result = complete(cell, cell_index, **kwargs)
        if cell_index is not None:
            seconds = time.perf_counter() - started.get(cell_index, time.perf_counter())
            progress(CellEvent(cell_index, total, sections[cell_index], True, seconds))
        return result

    nb_man.cell_start = cell_start
    nb_man.cell_complete = cell_complete


def _save_seldom(nb_man: Any) -> Any:
    """Make the execution manager's saves during the run write at most every
    :data:`SAVE_EVERY` seconds; return its own ``save`` (to restore before the final write)."""
    save = nb_man.save
    last = [time.monotonic()]

    def seldom(**kwargs: Any) -> None:
        if time.monotonic() - last[0] >= SAVE_EVERY:
            save(**kwargs)
            last[0] = time.monotonic()

    nb_man.save = seldom
    return save


class ReportingEngine(NBClientEngine):
    """Papermill's nbclient engine, telling ``progress`` (an engine keyword) about every cell and
    writing the notebook seldom while it runs."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        progress: ProgressCallback | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the notebook as papermill's engine does; report each cell to ``progress``."""
        if progress is not None:
            _watch(nb_man, progress)
        save = _save_seldom(nb_man)
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            nb_man.save = save  # papermill's notebook_complete writes the final notebook


papermill_engines.register(ENGINE_NAME, ReportingEngine)
