"""outcomelab.did"""

from outcomelab.did.twfe import twfe

__all__ = ["twfe"]
