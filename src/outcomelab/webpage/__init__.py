"""Every HTML page outcomelab writes goes through here: one autoescaping templating path and one
Content-Security-Policy.

* :func:`fragment` and :func:`table` render HTML from templates in which every value is escaped
  (jinja2 with autoescape); a value is inserted unescaped only when it is already a fragment made
  here (:class:`markupsafe.Markup`). Names from a contract file, a submission or a results file can
  therefore never become markup. :func:`heading`, :func:`paragraph`, :func:`bullets`,
  :func:`definitions` and :func:`join` are the small blocks pages are made of, built the same way.
* :func:`with_csp` gives a finished page its Content-Security-Policy: a report runs no script at
  all (and loads nothing from a network); the published site runs only the script files it ships.
  :func:`with_style` adds a stylesheet to a finished page.
"""

from outcomelab.webpage.blocks import bullets, definitions, heading, join, paragraph
from outcomelab.webpage.csp import POLICIES, PageKind, policy_of, with_csp
from outcomelab.webpage.style import with_style
from outcomelab.webpage.templating import Markup, environment, fragment, table

__all__ = [
    "POLICIES",
    "Markup",
    "PageKind",
    "bullets",
    "definitions",
    "environment",
    "fragment",
    "heading",
    "join",
    "paragraph",
    "policy_of",
    "table",
    "with_csp",
    "with_style",
]
