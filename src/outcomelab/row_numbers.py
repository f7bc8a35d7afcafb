"""The row number each data row had in its file, carried with a table through every step.

The reader records them (header = row 1, first data row = 2, as a person sees the file in a
spreadsheet) in ``DataFrame.attrs["source_rows"]``; validation and pseudonymisation report
failures by them. This module sits on the lowest floor so that every package may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SOURCE_ROWS_ATTR", "RowNumbers", "source_rows"]

#: key in ``DataFrame.attrs`` holding the file row number of each data row (header = row 1)
SOURCE_ROWS_ATTR = "source_rows"


@dataclass(frozen=True)
class RowNumbers:
    """File row numbers of a table's data rows, stored compactly as runs ``(first, length)``.

    Kept in ``DataFrame.attrs``; a small immutable value (not an array) so that pandas can
    compare and copy ``attrs`` when frames are merged or concatenated.
    """

    runs: tuple[tuple[int, int], ...]

    @classmethod
    def from_array(cls, numbers: np.ndarray | list[int]) -> RowNumbers:
        """Compress an array of row numbers into runs of consecutive numbers."""
        arr = np.asarray(numbers, dtype=np.int64)
        if len(arr) == 0:
            return cls(())
        breaks = np.flatnonzero(np.diff(arr) != 1) + 1
        starts = np.concatenate(([0], breaks))
        ends = np.concatenate((breaks, [len(arr)]))
        return cls(tuple((int(arr[a]), int(b - a)) for a, b in zip(starts, ends, strict=True)))

    def __len__(self) -> int:
        return sum(length for _, length in self.runs)

    def to_array(self) -> np.ndarray:
        """The row numbers as an int64 array."""
        if not self.runs:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(
            [np.arange(first, first + length, dtype=np.int64) for first, length in self.runs]
        )


def source_rows(data: pd.DataFrame) -> np.ndarray:
    """Return the row number each data row had in its file (header = row 1, first data row = 2).

    Uses ``data.attrs["source_rows"]`` when :func:`read_table` recorded it and it still matches the
    table's length; otherwise assumes a file written from ``data`` as is (row ``i`` -> ``i + 2``).
    """
    recorded = data.attrs.get(SOURCE_ROWS_ATTR)
    if isinstance(recorded, RowNumbers) and len(recorded) == len(data):
        return recorded.to_array()
    return np.arange(2, len(data) + 2, dtype=np.int64)
