"""Paper: a finished HTML page printed to a paginated PDF by a headless Chromium.

* :func:`page_rules` is the CSS that makes a page print well: A4 pages with the document's name in
  the header and "page n of m" in the footer (CSS page-margin boxes), figures and table rows that
  are never split across pages, headings kept with what follows them.
* :func:`print_pdf` prints a page (an HTML file on disk) to PDF with Chromium's own print engine
  (``--print-to-pdf``), the browser the lab's tests already use; :func:`find_chromium` says where it
  is or how to install it.

Committee papers are circulated as PDF; an evaluation a municipality acts on must print well.
"""

from outcomelab.printing.chromium import CHROMIUM_ENV, find_chromium, has_chromium, print_pdf
from outcomelab.printing.page import page_rules

__all__ = ["CHROMIUM_ENV", "find_chromium", "has_chromium", "page_rules", "print_pdf"]
