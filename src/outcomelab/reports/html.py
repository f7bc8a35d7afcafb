"""Render an executed report notebook as a self-contained HTML page without code.

Code cells are hidden (``exclude_input``); cells tagged ``remove_cell``/``private`` are dropped and
outputs of cells tagged ``remove_output`` are removed, so nothing that could show person-level data
reaches the page; stderr streams (warnings) are dropped too. Figures stay inlined as base64 PNG. A
small stylesheet makes the page readable on screen and clean on paper. The page runs no script and
loads nothing from a network (:func:`outcomelab.webpage.with_csp`, policy ``report``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from outcomelab.webpage import with_csp

__all__ = ["REMOVE_CELL_TAGS", "REMOVE_OUTPUT_TAGS", "export_html"]

#: cells with these tags are left out of the HTML entirely
REMOVE_CELL_TAGS = ("remove_cell", "private", "parameters", "injected-parameters")
#: cells with these tags keep their place but lose all outputs
REMOVE_OUTPUT_TAGS = ("remove_output",)

STYLE = """
<style>
  body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; }
  .jp-Notebook, main { max-width: 60rem; margin: 0 auto; }
  .jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
  .ol-headline { font-size: 1.25rem; border-left: 6px solid #2b6cb0; padding: .6rem 1rem;
                 background: #f2f7fc; }
  .ol-verdict-positive { border-left-color: #2f855a; }
  .ol-verdict-negative { border-left-color: #c53030; }
  .ol-verdict-inconclusive { border-left-color: #975a16; }
  table.ol-table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
  table.ol-table th, table.ol-table td { border-bottom: 1px solid #ddd; padding: .25rem .6rem;
                                         text-align: right; }
  table.ol-table th:first-child, table.ol-table td:first-child { text-align: left; }
  table.ol-text td { text-align: left; }
  .ol-note { color: #444; font-size: .95rem; }
  dl.ol-glossary dt { font-weight: bold; margin-top: .5rem; }
  dl.ol-glossary dd { margin-left: 1.5rem; }
  figure.ol-figure { margin: 1rem 0; }
  figure.ol-figure img { max-width: 100%; height: auto; }
  figure.ol-figure figcaption { color: #444; font-size: .95rem; margin-top: .3rem; }
  @media print {
    body { font-size: 11pt; color: #000; background: #fff; }
    .jp-Notebook, main { max-width: none; margin: 0; }
    h2 { page-break-before: auto; page-break-after: avoid; }
    img, table, .ol-headline { page-break-inside: avoid; }
    table.ol-table { font-size: 8pt; }
    .jp-OutputArea-output { overflow: visible !important; }
    img { max-width: 100% !important; }
    a { color: #000; text-decoration: none; }
  }
</style>
"""


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop stderr streams and error outputs; the page must never show warnings or tracebacks."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [
            o
            for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            and o.get("output_type") != "error"
        ]
    return nb


def export_html(
    notebook: str | Path, html_path: str | Path, *, title: str = "Report", lang: str = "en"
) -> Path:
    """Write ``notebook`` as an HTML report without code cells.

    Parameters
    ----------
    notebook
        The executed notebook.
    html_path
        Where to write the page.
    title
        Text of the page's ``<title>``.
    lang
        The page's language (``<html lang>``), so that a screen reader reads Swedish as Swedish.

    Returns
    -------
    pathlib.Path
        ``html_path``.
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    nb = _clean(nbformat.read(str(notebook), as_version=4))
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    exporter = HTMLExporter(config=config, template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exporter.language_code = lang
    resources: dict[str, Any] = {"metadata": {"name": title}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace("</head>", STYLE + "</head>", 1)
    out = Path(html_path)
    out.write_text(with_csp(body, "report"), encoding="utf-8")
    return out
