"""Groups of studies as integer codes, and sums within each group in one pass.

Pooling many outcomes at once is arithmetic on segments: every per-group sum the estimators need
(sum of weights, of weighted effects, of squared weights, ...) is one ``numpy.bincount`` over all
studies, so fitting 50 meta-analyses costs about as much as fitting one of the same total size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Segments"]


@dataclass(frozen=True)
class Segments:
    """Integer group codes ``0 .. n_groups - 1`` for every study.

    Attributes
    ----------
    codes
        Group code of each study (int64, length ``n_studies``).
    n_groups
        Number of groups.
    counts
        Studies per group (float64, so it can divide without casts).
    """

    codes: np.ndarray
    n_groups: int
    counts: np.ndarray

    @classmethod
    def from_codes(cls, codes: np.ndarray, n_groups: int) -> Segments:
        """Segments from group codes already in ``0 .. n_groups - 1``."""
        codes = np.ascontiguousarray(codes, dtype=np.int64)
        counts = np.bincount(codes, minlength=n_groups).astype(np.float64)
        return cls(codes=codes, n_groups=n_groups, counts=counts)

    @classmethod
    def single(cls, n_studies: int) -> Segments:
        """One group holding all ``n_studies`` studies."""
        return cls.from_codes(np.zeros(n_studies, dtype=np.int64), 1)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` within each group (length ``n_groups``)."""
        return np.bincount(self.codes, weights=values, minlength=self.n_groups)

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """The per-group value repeated for every study of the group."""
        return per_group[self.codes]
