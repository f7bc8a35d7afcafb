"""Every reader-facing word behind one lookup: the table is checked on load, one fallback rule,
no package keeps words of its own, and the Swedish texts use the lab's terms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from outcomelab.errors import ParameterError
from outcomelab.vocabulary import lab_catalogue
from outcomelab.vocabulary.terms import avoided_words, terms_markdown
from outcomelab.vocabulary.texts import TextError, code_label, load_texts, t, texts

SRC = Path(__file__).resolve().parents[2] / "src" / "outcomelab"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_every_entry_has_both_languages_and_the_same_placeholders() -> None:
    table = texts()
    assert len(table) > 250
    for key, entry in table.items():
        assert set(entry) == {"sv", "en"}, key
        assert entry["sv"].strip() and entry["en"].strip(), key


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a.toml": '[x]\nsv = "a"\nen = "b"\n', "b.toml": '[x]\nsv = "c"\nen = "d"\n'},
            "[x] is already defined in a.toml",
        ),
        ({"a.toml": '[x]\nsv = "a"\n'}, "must have exactly the keys sv and en"),
        ({"a.toml": '[x]\nsv = "{n} fler"\nen = "{m} more"\n'}, "placeholders differ"),
        ({"a.toml": '[x]\nsv = " "\nen = "b"\n'}, "the sv text is empty"),
    ],
)
def test_a_broken_table_is_refused_on_load(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        _write(tmp_path, name, text)
    with pytest.raises(TextError) as err:
        load_texts(tmp_path)
    assert message in str(err.value)


def test_one_lookup_with_one_fallback_rule() -> None:
    assert t("h_results", "en") == "Results per outcome"
    counts = t(
        "hl_counts", "sv", analysed=1, submitted=2, comparison=3, units="x", comparison_units="y"
    )
    assert counts.startswith("1 av 2")
    with pytest.raises(TextError, match="no text 'h_no_such_heading'"):
        t("h_no_such_heading", "sv")
    # only for codes from data: the caller's default, shown as given
    assert t("code_own_group", "sv", default="own group") == "own group"
    assert code_label("social_impact_bond", "sv") == "Socialt utfallskontrakt"
    assert code_label("a_local_code", "sv") == "a_local_code"
    with pytest.raises(ParameterError, match="`lang` must be one of 'sv', 'en'"):
        t("h_results", "de")


def test_the_two_meanings_of_wwc_satisfied_have_two_keys() -> None:
    assert t("wwc_satisfied", "sv") == "uppfylld"
    assert "likvärdighet uppfylld" in t("wwc_reason_satisfied", "sv", d="0,01")


def _bilingual_dicts(path: Path) -> list[int]:
    """Lines of dict literals with both an 'sv' and an 'en' key (a private word table)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"sv", "en"} <= keys:
                found.append(node.lineno)
    return found


def test_no_package_keeps_words_of_its_own() -> None:
    offenders = {
        str(p.relative_to(SRC)): lines for p in SRC.rglob("*.py") if (lines := _bilingual_dicts(p))
    }
    assert offenders == {}


def test_swedish_texts_use_the_lab_terms() -> None:
    found = {
        key: [w for _, w in avoided_words(entry["sv"])]
        for key, entry in texts().items()
        if avoided_words(entry["sv"])
    }
    for d in lab_catalogue().values():
        for text in (d.name_sv, d.phrase_sv, d.definition_sv):
            if avoided_words(text):
                found[d.code] = [w for _, w in avoided_words(text)]
    assert found == {}


def test_the_terms_page_in_docs_is_current() -> None:
    # regenerate with: python -c "from outcomelab.vocabulary.terms import terms_markdown as m;
    # open('docs/terms.md', 'w', encoding='utf-8').write(m())"
    assert (DOCS / "terms.md").read_text(encoding="utf-8") == terms_markdown()
