"""Every HTML page we write escapes what it is given and carries a Content-Security-Policy.

Attack (issue 14): names from a contract YAML were written raw into ``outcome_contract.html`` and an
``onerror`` handler ran in Chromium (stored XSS). Rules under test:

* one templating path (:mod:`outcomelab.webpage`) escapes every value: no text given to it can
  become markup (a property test over arbitrary text);
* every page outcomelab writes (report, contract report, site) declares a Content-Security-Policy
  as the first element of its head: a report runs no script and loads nothing from a network, the
  site runs only the script files it ships. The browser tests in ``test_csp_browser.py`` show the
  policies hold in Chromium.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomelab
from outcomelab.publish import build_site
from outcomelab.reports.html import export_html
from outcomelab.webpage import POLICIES, Markup, fragment, policy_of, table, with_csp

PAYLOAD = "<img src=x onerror=\"document.title='pwned'\">"


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_no_text_becomes_markup(text: str) -> None:
    page = fragment("<p title='{{ t }}'>{{ t }}</p>", t=text)
    found = re.fullmatch(r"<p title='([^<>\"']*)'>([^<>\"']*)</p>", page, flags=re.DOTALL)
    assert found is not None, page
    assert html.unescape(found.group(1)) == text == html.unescape(found.group(2))
    cells = table(["h", text], [[text, None, 3]])
    stripped = re.sub(r"</?(table|caption|thead|tbody|tr|th|td)\b[^>]*>", "", cells)
    assert "<" not in stripped and ">" not in stripped


def test_fragments_nest_without_double_escaping() -> None:
    inner = fragment("<em>{{ x }}</em>", x="a & b")
    outer = fragment("<p>{{ inner }} {{ raw }}</p>", inner=inner, raw="<b>")
    assert outer == "<p><em>a &amp; b</em> &lt;b&gt;</p>"
    assert isinstance(outer, Markup)


def test_with_csp_puts_the_policy_first_and_strips_report_scripts() -> None:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        '<meta http-equiv="Content-Security-Policy" content="script-src *">'
        "<script src='https://cdn.example/x.js'></script></head>"
        "<body><script>alert(1)</script><SCRIPT type=module>x()</SCRIPT></body></html>"
    )
    report = with_csp(page, "report")
    assert policy_of(report) == POLICIES["report"]
    assert report.index("Content-Security-Policy") < report.index("charset")
    assert "<script" not in report.lower() and "script-src *" not in report
    site = with_csp(page, "site")
    assert policy_of(site) == POLICIES["site"]
    assert "script-src 'self'" in POLICIES["site"] and "unsafe-inline" not in POLICIES["site"]
    assert "script-src" not in POLICIES["report"]  # default-src 'none': no script at all


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, name) for name, _ in attrs)


def _attributes(page: str) -> list[tuple[str, str]]:
    """(tag, attribute name) of every start tag, as a browser's parser sees them."""
    parser = _Attributes()
    parser.feed(page)
    return parser.found


def _html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_every_site_page_has_the_site_policy_and_no_inline_script(
    tmp_path: Path, results_maker
) -> None:
    make_results, write_evaluation = results_maker
    results = make_results(
        "INT-X",
        name=PAYLOAD,
        organisation="</script><script>alert(1)</script>",
        code="0581",
        target_group="unemployed",
        estimate=0.05,
    )
    write_evaluation(tmp_path / "evals", results)
    info = build_site(tmp_path / "evals", tmp_path / "site")
    pages = _html_pages(info.root)
    assert len(pages) >= 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert policy_of(text) == POLICIES["site"], page
        assert PAYLOAD not in text and "<script>alert" not in text, page
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (page, tag)
        handlers = [(tag, name) for tag, name in _attributes(text) if name.startswith("on")]
        assert handlers == [], page  # no inline event handler


def test_the_report_exporter_writes_the_report_policy(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(HTML(...))")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": "<p>" + html.escape(PAYLOAD) + "</p>"}
        )
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), cell]
    notebook = tmp_path / "r.ipynb"
    nbformat.write(nb, notebook)
    page = export_html(notebook, tmp_path / "r.html", title="<b>t</b>").read_text()
    assert policy_of(page) == POLICIES["report"]
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)  # nothing from a network
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", page)
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page


def test_every_html_template_environment_is_the_autoescaping_one() -> None:
    """The rule behind the contract-report XSS: no page is rendered by a jinja2 environment (or
    template) built anywhere but :func:`outcomelab.webpage.environment`, which escapes always."""
    import ast

    src = Path(outcomelab.__file__).resolve().parent
    home = src / "webpage" / "templating.py"
    found = []
    for path in sorted(src.rglob("*.py")):
        if path == home:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                last = name.split(".")[-1]
                if last in ("Environment", "from_string") or name == "jinja2.Template":
                    found.append(f"{path.relative_to(src)}:{node.lineno} {name}")
    assert found == [], "render HTML through outcomelab.webpage (autoescape on): " + str(found)
