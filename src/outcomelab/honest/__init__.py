"""HonestDiD: sensitivity of event-study conclusions to violations of parallel trends.

:func:`honest_did` takes event-study coefficients and their covariance; :func:`honest_did_for`
takes an outcomelab event study (``att_gt(...).aggregate("dynamic")`` or a synthetic DiD result).
Both return a :class:`HonestResult` with the robust confidence set for each bound ``M``, the
breakdown value and a sensitivity plot (Rambachan and Roth 2023).
"""

from outcomelab.honest.result import HonestResult
from outcomelab.honest.sensitivity import honest_did, honest_did_for

__all__ = ["HonestResult", "honest_did", "honest_did_for"]
