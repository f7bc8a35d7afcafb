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

import ast
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


#: the packages that write report and site pages: their HTML comes from outcomelab.webpage only
HTML_PACKAGES = ("reports", "evaluation", "publish")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?=[\s>/]|$)")


def _tag_literal(node: ast.AST | None) -> bool:
    """A string literal (or f-string part) that holds an HTML tag."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _TAG.search(node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_tag_literal(part) for part in node.values)
    return False


def html_built_from_strings(source: str) -> list[tuple[int, str]]:
    """Places in ``source`` where HTML tags are written by string building: an f-string holding
    a tag, a tag literal joined with ``+``/``+=``/``%``, ``"<p>{}".format(...)`` or
    ``"".join(["<li>", ...])``. Such HTML escapes only what its author remembered to escape."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr) and _tag_literal(node):
            found.append((node.lineno, "f-string"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            if _tag_literal(node.left) or _tag_literal(node.right):
                found.append((node.lineno, "string + tag"))
        elif isinstance(node, ast.AugAssign) and _tag_literal(node.value):
            found.append((node.lineno, "+= tag"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, method = node.func.value, node.func.attr
            items = [e for a in node.args if isinstance(a, ast.List | ast.Tuple) for e in a.elts]
            if (method == "format" and _tag_literal(owner)) or (
                method == "join" and any(_tag_literal(e) for e in items)
            ):
                found.append((node.lineno, f".{method}() of a tag"))
    return sorted(set(found))


def test_the_rule_finds_every_way_of_building_html_from_strings() -> None:
    """The rule below cannot pass by missing what it is after (each form once, and clean code)."""
    built = [
        'x = f"<li>{name}</li>"',
        'x = f"<h{level}>{text}</h{level}>"',
        'x = "<ul>" + items',
        'x = head + "</ul>"',
        'x += "<p>"',
        'x = "<td>%s</td>" % cell',
        'x = "<td>{}</td>".format(cell)',
        'x = "".join(["<tr>", cells, "</tr>"])',
    ]
    for line in built:
        assert html_built_from_strings(line), line
    clean = [
        'x = fragment("<p>{{ text }}</p>", text=name)',
        'x = f"{a} < {b}"',
        'x = "p < 0.05" + note',
        '"""A docstring that shows <p> markup."""',
        'x = page.replace("</head>", style)',
    ]
    for line in clean:
        assert html_built_from_strings(line) == [], line


def test_report_and_site_html_is_built_only_by_the_templating_path() -> None:
    """No HTML tag is written by string building in the packages that make report and site pages:
    they build it through :mod:`outcomelab.webpage` (``fragment``, ``table``, ``heading``,
    ``paragraph``, ``bullets``, ``definitions``, ``join``), which escapes by construction."""
    src = Path(outcomelab.__file__).resolve().parent
    found = []
    for package in HTML_PACKAGES:
        for path in sorted((src / package).rglob("*.py")):
            for line, how in html_built_from_strings(path.read_text(encoding="utf-8")):
                found.append(f"{path.relative_to(src)}:{line} {how}")
    assert found == [], "build HTML through outcomelab.webpage, not strings: " + str(found)
