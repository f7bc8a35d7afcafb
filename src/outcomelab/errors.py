"""The exceptions outcomelab raises.

Every error the package raises on purpose derives from :class:`OutcomelabError`. Messages are whole
sentences that say what is wrong, where (column, row, value) and what to do about it. The command
line turns any of them into one readable line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

__all__ = [
    "ContractError",
    "DisclosureError",
    "EmptyGroupError",
    "EstimationError",
    "InputError",
    "NoOverlapError",
    "OutcomelabError",
    "ParameterError",
    "ReadError",
    "ReportError",
    "SchemaError",
    "SingularDesignError",
    "StoreError",
]


class OutcomelabError(Exception):
    """Base class of every error outcomelab raises on purpose.

    Parameters
    ----------
    *args
        The message (English, for the caller and the log).
    key
        Optionally, the text key of ``outcomelab/vocabulary/words`` that says the same to a
        report's reader in their language, with ``values`` for its placeholders: a report shows
        an estimator's failure on a secondary outcome in Swedish too
        (``outcomelab.evaluation.estimates.failure_phrase``).
    values
        The values of ``key``'s placeholders (numbers, years: language-neutral).
    """

    #: exit code the command line uses for this kind of error
    exit_code: int = 1

    def __init__(
        self, *args: object, key: str | None = None, values: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(*args)
        self.key = key
        self.values = dict(values or {})


class InputError(OutcomelabError, ValueError):
    """The caller's data or arguments are not usable as given (unknown column, wrong type, ...)."""


class ParameterError(InputError):
    """An option or parameter has a value outside the allowed set or range."""


class ReadError(OutcomelabError):
    """A file could not be read at all: missing, wrong encoding, not a table."""

    exit_code = 2


class SchemaError(OutcomelabError):
    """Data do not fit a standard schema.

    Parameters
    ----------
    message
        One-sentence summary.
    failures
        Table of every failure with columns ``row, column, value, check, message``.
    """

    def __init__(self, message: str, failures: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        self.failures = failures


class StoreError(OutcomelabError):
    """The submission store cannot complete an operation (missing version, locked, damaged)."""


class EstimationError(OutcomelabError):
    """An estimator cannot produce a trustworthy number from the data given."""


class NoOverlapError(EstimationError):
    """Treated and comparison units do not overlap on the propensity score or covariates."""


class EmptyGroupError(EstimationError):
    """A group or cell the estimator needs has no observations."""


class SingularDesignError(EstimationError):
    """The design matrix is singular (collinear covariates, a constant regressor, ...)."""


class ReportError(OutcomelabError):
    """A report template failed to run or to render."""


class ContractError(InputError):
    """An outcome-contract definition is invalid."""


class DisclosureError(OutcomelabError):
    """Output would reveal information about too few people to be published."""
