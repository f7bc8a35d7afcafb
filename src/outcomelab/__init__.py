"""outcomelab: standard data, standard methods and standard published evaluations of social
investments by municipalities and regions.

The flow of data, one subpackage per step::

    schemas -> identity -> store -> design -> did / matching / balance -> economics / contracts
            -> evaluation -> reports -> disclosure -> publish / batch

The packages stand on floors and import only lower ones (see the README's "Architecture" section
and ``tests/test_architecture.py``); the lab's words live in :mod:`outcomelab.vocabulary`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from outcomelab._version import __version__
from outcomelab.errors import OutcomelabError

if TYPE_CHECKING:
    from outcomelab.results import EffectResult

__all__ = ["EffectResult", "OutcomelabError", "__version__"]


def __getattr__(name: str) -> Any:
    # imported on first use: ``import outcomelab`` (and the CLI's start) stays free of pandas/SciPy
    if name == "EffectResult":
        from outcomelab.results import EffectResult

        return EffectResult
    raise AttributeError(f"module 'outcomelab' has no attribute {name!r}")
