"""The report page built from the outputs equals nbconvert's page, and falls back to it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from markupsafe import escape

from outcomelab.reports import html as report_html
from outcomelab.reports.html import export_html, page_from_outputs
from outcomelab.webpage import POLICIES, policy_of

VOID = {"img", "br", "hr", "meta", "input", "link"}


class _Events(HTMLParser):
    """The page as a list of (start tag + attributes | end tag | text) events: the document
    tree, independent of how an HTML writer spells it (``<img/>``, ``&#x27;``, line breaks)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, *sorted(f"{k}={v or ''}" for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.events.append(("end", tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.events.append(("text", " ".join(data.split())))


def _body(page: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(page[page.index("<body") : page.index("</body>")])
    return parser.events


def _notebook(tmp_path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, path)
    return path


def _code(tags: list[str], *outputs: dict[str, str]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("report.show(...)")
    cell.metadata["tags"] = tags
    cell.outputs = [nbformat.v4.new_output("display_data", data=data) for data in outputs]
    return cell


def _report_cells() -> list[nbformat.NotebookNode]:
    hidden = nbformat.v4.new_markdown_cell("# template notes")
    hidden.metadata["tags"] = ["remove_cell"]
    return [
        hidden,
        _code(["parameters"]),
        _code(["remove_cell", "section:data"], {"text/html": "<p>person-level rows</p>"}),
        _code(
            ["section:headline"],
            {"text/html": "<h1>Titel &amp; år</h1>", "text/plain": "<IPython.HTML>"},
            {"text/html": "<h2>Sammanfattning</h2><p class='x'>Sant'Anna: 5,6 fler</p>"},
        ),
        _code(["section:plan"]),  # a section without output keeps its (empty) place
        _code(
            ["section:results"],
            {"text/html": '<figure><img src="data:image/png;base64,iVBO" alt="a"/></figure>'},
        ),
        _code(["remove_output", "section:private"], {"text/html": "<p>hidden output</p>"}),
        _code([], {"text/html": "<table><tr><td>1</td></tr></table>"}),
    ]


def test_page_from_outputs_is_nbconvert_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = _notebook(tmp_path, _report_cells())
    fast = export_html(notebook, tmp_path / "fast.html", title="A <b>", lang="sv").read_text()
    monkeypatch.setattr(report_html, "page_from_outputs", lambda *a, **k: None)
    slow = export_html(notebook, tmp_path / "slow.html", title="A <b>", lang="sv").read_text()
    assert _body(fast) == _body(slow)
    assert "Sant'Anna: 5,6 fler" in [e[1] for e in _body(fast) if e[0] == "text"]
    assert "person-level rows" not in fast and "hidden output" not in fast
    for page in (fast, slow):
        assert '<html lang="sv">' in page
        assert "<title>A &lt;b&gt;</title>" in page
        assert policy_of(page) == POLICIES["report"]
        assert "<script" not in page.lower()
    # the same stylesheets: nbconvert's lab sheets and the report's own
    for sheet in report_html._lab_stylesheets() or []:
        assert sheet.strip()[:2000] in fast and sheet.strip()[:2000] in slow
    assert report_html.STYLE in fast and report_html.STYLE in slow


@pytest.mark.parametrize(
    "cell",
    [
        nbformat.v4.new_markdown_cell("# A visible heading"),
        _code([], {"text/plain": "42"}),
        _code([], {"image/png": "iVBORw0KGgo="}),
    ],
    ids=["markdown", "plain-text", "image"],
)
def test_anything_but_html_goes_through_nbconvert(
    cell: nbformat.NotebookNode, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_code([], {"text/html": "<p>ok</p>"}), cell]
    assert page_from_outputs(nb, title="t", lang="en") is None
    notebook = _notebook(tmp_path, nb.cells)
    page = export_html(notebook, tmp_path / "r.html", title="t", lang="en").read_text()
    assert "<p>ok</p>" in page and policy_of(page) == POLICIES["report"]


def test_without_nbconvert_stylesheets_nbconvert_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_html, "_lab_stylesheets", lambda: None)
    nb = nbformat.v4.new_notebook()
    nb.cells = [_code([], {"text/html": "<p>ok</p>"})]
    assert page_from_outputs(nb, title="t", lang="en") is None


def test_hostile_title_and_cell_id_are_escaped() -> None:
    nb = nbformat.v4.new_notebook()
    cell = _code(['x" onload="alert(1)'], {"text/html": "<p>ok</p>"})
    cell.id = "abc"
    nb.cells = [cell]
    page = page_from_outputs(nb, title="</title><script>alert(1)</script>", lang='en"')
    assert page is not None
    assert "<script>" not in page
    assert str(escape("</title><script>alert(1)</script>")) in page  # webpage's escaping
    assert 'lang="en&#34;"' in page
    assert 'onload="alert' not in page


@pytest.mark.parametrize("fast", [True, False])
def test_each_language_page_keeps_its_own_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    from outcomelab.reports.notebook import LANG_METADATA

    cell = _code(
        ["section:headline"],
        {"text/html": "<p>Per 100 deltagare</p>"},
        {"text/html": "<p>For every 100 participants</p>"},
        {"text/html": "<p>Norrköping</p>"},  # unmarked: in every language
    )
    cell.outputs[0].metadata[LANG_METADATA] = "sv"
    cell.outputs[1].metadata[LANG_METADATA] = "en"
    notebook = _notebook(tmp_path, [cell])
    if not fast:
        monkeypatch.setattr(report_html, "page_from_outputs", lambda *a, **k: None)
    sv = export_html(notebook, tmp_path / "sv.html", title="t", lang="sv").read_text()
    en = export_html(notebook, tmp_path / "en.html", title="t", lang="en").read_text()
    assert "Per 100 deltagare" in sv and "For every 100" not in sv
    assert "For every 100" in en and "Per 100 deltagare" not in en
    assert "Norrköping" in sv and "Norrköping" in en
