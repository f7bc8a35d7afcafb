"""Render an executed report notebook as a self-contained HTML page without code.

Code cells are hidden (``exclude_input``); cells tagged ``remove_cell``/``private`` are dropped and
outputs of cells tagged ``remove_output`` are removed, so nothing that could show person-level data
reaches the page; stderr streams (warnings) are dropped too. Figures stay inlined as base64 PNG. A
small stylesheet makes the page readable on screen and clean on paper. The page runs no script and
loads nothing from a network (:func:`outcomelab.webpage.with_csp`, policy ``report``).

The standard templates' pages are built directly (:func:`page_from_outputs`): every visible
output of their cells is HTML, so the page is nbconvert's ``lab`` markup for those cells with
nbconvert's own ``lab`` stylesheets, without importing nbconvert, compiling its templates and
parsing the page again (2-5 s of a report's 10-40 s; ``benchmarks/report.py``). A notebook
with anything else to show (a visible Markdown cell, a plain-text or image output) goes through
nbconvert as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from outcomelab.reports.notebook import LANG_METADATA
from outcomelab.webpage import Markup, fragment, with_csp, with_style

__all__ = ["REMOVE_CELL_TAGS", "REMOVE_OUTPUT_TAGS", "export_html", "page_from_outputs"]

#: cells with these tags are left out of the HTML entirely
REMOVE_CELL_TAGS = ("remove_cell", "private", "parameters", "injected-parameters")
#: cells with these tags keep their place but lose all outputs
REMOVE_OUTPUT_TAGS = ("remove_output",)

#: the report's stylesheet (in a ``<style>`` element of the page's head)
STYLE = """
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
  table.ol-numbers td:not(:first-child) { white-space: nowrap; }
  table.ol-text td, .jp-RenderedHTMLCommon table.ol-text td,
  .jp-RenderedHTMLCommon table.ol-text th { text-align: left; }
  .ol-note { color: #444; font-size: .95em; }
  dl.ol-glossary dt { font-weight: bold; margin-top: .5rem; float: none; width: auto; }
  dl.ol-glossary dd { margin-left: 1.5rem; float: none; width: auto; }
  figure.ol-figure { margin: 1rem 0; }
  figure.ol-figure img { max-width: 100%; height: auto; }
  figure.ol-figure figcaption { color: #444; font-size: .95rem; margin-top: .3rem; }
  @media print {
    body { font-size: 11pt; color: #000; background: #fff; }
    .jp-Notebook, main { max-width: none; margin: 0; }
    h2 { page-break-before: auto; page-break-after: avoid; }
    img, figure, .ol-headline { page-break-inside: avoid; }
    /* nbconvert keeps each output whole (a section: a table moved whole to the next page and
       left half of page 1 empty); a section may break, its rows, figures and headings do not */
    .jp-OutputArea-child { break-inside: auto; }
    table.ol-table { font-size: 8pt; }
    .jp-OutputArea-output { overflow: visible !important; }
    img { max-width: 100% !important; }
    a { color: #000; text-decoration: none; }
  }
"""


def _clean(nb: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """Drop stderr streams and error outputs (the page must never show warnings or tracebacks)
    and the outputs written in another language than ``lang``."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [
            o
            for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            and o.get("output_type") != "error"
            and o.get("metadata", {}).get(LANG_METADATA, lang) == lang
        ]
    return nb


#: what nbconvert's lab template adds to its stylesheets for a page without code
_LAB_PAGE_STYLE = """
* { -webkit-print-color-adjust: exact; }
.jp-Collapser { display: none; }
@page { margin: 0.5in; }
@media print { .jp-Cell-inputWrapper, .jp-Cell-outputWrapper { display: block; } }
"""


def _lab_stylesheets() -> list[str] | None:
    """nbconvert's ``lab`` stylesheets (light theme) as installed, or None when not found."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("nbconvert", "templates", "lab", "static"):
        files = [Path(folder) / "index.css", Path(folder) / "theme-light.css"]
        if all(f.is_file() for f in files):
            return [f.read_text(encoding="utf-8") for f in files]
    return None


def _visible_html(
    nb: nbformat.NotebookNode,
) -> list[tuple[nbformat.NotebookNode, list[str]]] | None:
    """The visible code cells with their HTML outputs, or None when a visible cell shows
    anything but HTML (nbconvert renders those)."""
    hidden = set(REMOVE_CELL_TAGS)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & hidden:
            continue
        if cell.cell_type != "code":
            return None
        outputs = [] if tags & set(REMOVE_OUTPUT_TAGS) else cell.get("outputs", [])
        shown = []
        for output in outputs:
            data = output.get("data", {})
            if output.get("output_type") != "display_data" or "text/html" not in data:
                return None
            value = data["text/html"]
            shown.append(value if isinstance(value, str) else "".join(value))
        cells.append((cell, shown))
    return cells


#: nbconvert's ``lab`` markup of a code cell without its input; ``shown`` are its HTML outputs
_CELL = """<div class="{{ classes }}" id="cell-id={{ cell_id }}">
{% if shown %}
<div class="jp-Cell-outputWrapper">
<div class="jp-Collapser jp-OutputCollapser jp-Cell-outputCollapser">
</div>
<div class="jp-OutputArea jp-Cell-outputArea">
{% for value in shown %}
<div class="jp-OutputArea-child">
<div class="jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output" \
data-mime-type="text/html" tabindex="0">
{{ value }}
</div>
</div>
{% endfor %}
</div>
</div>
{% endif %}
</div>"""


def _cell_markup(cell: nbformat.NotebookNode, shown: list[str]) -> Markup:
    """nbconvert's ``lab`` markup of a code cell without its input."""
    tags = [f"celltag_{t}" for t in cell.get("metadata", {}).get("tags", [])]
    classes = "jp-Cell jp-CodeCell jp-Notebook-cell" + ("" if shown else " jp-mod-noOutputs")
    classes = " ".join([classes, "jp-mod-noInput", *tags])
    # the outputs are the report's own HTML, made by outcomelab.webpage in the kernel
    values = [Markup(value) for value in shown]
    return fragment(_CELL, classes=classes, cell_id=str(cell.get("id", "")), shown=values)


#: the page around the cells: nbconvert's ``lab`` stylesheets and ours in the head
_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8"/>
<meta content="width=device-width, initial-scale=1.0" name="viewport"/>
<title>{{ title }}</title>
{% for sheet in sheets %}
<style type="text/css">
{{ sheet }}
</style>
{% endfor %}
<style type="text/css">{{ lab_style }}</style>
<style>{{ style }}</style>
</head>
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<main>{{ body }}
</main>
</body>
</html>
"""


def page_from_outputs(nb: nbformat.NotebookNode, *, title: str, lang: str) -> str | None:
    """The page of a notebook whose visible outputs are all HTML, built without nbconvert.

    The body is nbconvert's ``lab`` markup of the visible cells (inputs hidden), the head holds
    nbconvert's ``lab`` stylesheets and :data:`STYLE`; the result is the page
    :func:`export_html` would get from nbconvert, less its code-highlighting, MathJax and
    Mermaid parts (no code, no formulas, no scripts on a report page).

    Returns
    -------
    str or None
        The page, or None when a visible cell shows something else than HTML, or nbconvert's
        stylesheets are not installed (then nbconvert must render it).
    """
    cells = _visible_html(nb)
    sheets = _lab_stylesheets() if cells is not None else None
    if cells is None or sheets is None:
        return None
    if any("</style" in sheet.lower() for sheet in sheets):
        return None  # not a stylesheet that can sit in a style element: nbconvert renders it
    body = Markup("").join(_cell_markup(cell, shown) for cell, shown in cells)
    # the style sheets are CSS, not HTML: inserted as they are (no '</style' in them, above)
    return str(
        fragment(
            _PAGE,
            lang=lang,
            title=title,
            sheets=[Markup(sheet) for sheet in sheets],
            lab_style=Markup(_LAB_PAGE_STYLE),
            style=Markup(STYLE),
            body=body,
        )
    )


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
        Outputs marked as written in another language
        (:meth:`outcomelab.reports.notebook.ReportContext.section`) are left out.

    Returns
    -------
    pathlib.Path
        ``html_path``.
    """
    nb = _clean(nbformat.read(str(notebook), as_version=4), lang)
    out = Path(html_path)
    page = page_from_outputs(nb, title=title, lang=lang)
    if page is not None:
        out.write_text(with_csp(page, "report"), encoding="utf-8")
        return out
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

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
    out.write_text(with_csp(with_style(body, STYLE), "report"), encoding="utf-8")
    return out
