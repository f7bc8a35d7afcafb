"""outcomelab: standard data, standard methods and standard published evaluations of social
investments by municipalities and regions.

The flow, one subpackage per step (a lower step never imports a higher one)::

    schemas -> identity -> store -> design -> did / matching / balance -> economics / contracts
            -> reports -> disclosure -> publish / batch
"""

from __future__ import annotations

from outcomelab.errors import OutcomelabError
from outcomelab.results import EffectResult

__version__ = "0.1.0"

__all__ = ["EffectResult", "OutcomelabError", "__version__"]
