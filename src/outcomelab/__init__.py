"""outcomelab: standard data, standard methods and standard published evaluations of social
investments by municipalities and regions.

The flow of data, one subpackage per step::

    schemas -> identity -> store -> design -> did / matching / balance -> economics / contracts
            -> evaluation -> reports -> disclosure -> publish / batch

The packages stand on floors and import only lower ones (see the README's "Architecture" section
and ``tests/test_architecture.py``); the lab's words live in :mod:`outcomelab.vocabulary`.
"""

from __future__ import annotations

from outcomelab._version import __version__
from outcomelab.errors import OutcomelabError
from outcomelab.results import EffectResult

__all__ = ["EffectResult", "OutcomelabError", "__version__"]
