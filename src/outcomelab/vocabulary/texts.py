"""Every word the lab shows a reader, in Swedish and English, behind one lookup.

The texts live in ``vocabulary/words/*.toml`` (report, site, evidence, economics, contract,
codes, covariates): one entry per key with an ``sv`` and an ``en`` text. The table is checked when
it is first read: every entry has both languages, non-empty and with the same ``{placeholders}``,
and no key is defined twice. :func:`t` is the one lookup and has one fallback rule: a key that is
not in the table is an error, unless the caller passes ``default=`` (only for codes that come from
data, such as a submission's own target group, which are then shown as given).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from outcomelab._checks import LANGUAGES, check_lang
from outcomelab.errors import OutcomelabError
from outcomelab.vocabulary import lab_catalogue

if TYPE_CHECKING:
    from outcomelab.vocabulary import Catalogue

__all__ = ["TextError", "code_label", "covariate_label", "has_text", "t", "texts"]

_WORDS = Path(__file__).resolve().parent / "words"


class TextError(OutcomelabError, KeyError):
    """A text key is missing from the table, or the table itself is broken (a bug, not input)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_entry(key: str, entry: Any, file: str) -> list[str]:
    where = f"{file}: [{key}]"
    if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
        return [f"{where} must have exactly the keys sv and en."]
    problems = [
        f"{where}: the {lang} text is empty."
        for lang in LANGUAGES
        if not isinstance(entry[lang], str) or not entry[lang].strip()
    ]
    if not problems and _placeholders(entry["sv"]) != _placeholders(entry["en"]):
        problems.append(
            f"{where}: the placeholders differ ({sorted(_placeholders(entry['sv']))} in sv, "
            f"{sorted(_placeholders(entry['en']))} in en)."
        )
    return problems


def load_texts(folder: Path = _WORDS) -> Mapping[str, Mapping[str, str]]:
    """Read and check every ``*.toml`` text file in ``folder``.

    Raises
    ------
    TextError
        Listing every broken entry and every key defined twice.
    """
    table: dict[str, Mapping[str, str]] = {}
    where: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            entries = tomllib.load(handle)
        for key, entry in entries.items():
            if key in table:
                problems.append(f"{path.name}: [{key}] is already defined in {where[key]}.")
                continue
            problems += _check_entry(key, entry, path.name)
            table[key], where[key] = MappingProxyType(dict(entry)), path.name
    if problems:
        raise TextError("The text table is broken: " + " ".join(problems))
    return MappingProxyType(table)


@lru_cache(maxsize=1)
def texts() -> Mapping[str, Mapping[str, str]]:
    """The text table (key -> ``{"sv": ..., "en": ...}``), read once."""
    return load_texts()


def has_text(key: str) -> bool:
    """Whether ``key`` is in the text table."""
    return key in texts()


def t(key: str, lang: str, *, default: str | None = None, **values: Any) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Parameters
    ----------
    key
        A key of the text table.
    lang
        ``"sv"`` or ``"en"``.
    default
        Shown (as given) when ``key`` is not in the table; only for codes that come from data.
    **values
        The text's placeholders.

    Raises
    ------
    ParameterError
        For a language other than ``sv`` or ``en``.
    TextError
        If ``key`` is not in the table and no ``default`` is given.

    Examples
    --------
    >>> t("h_results", "sv")
    'Resultat per utfall'
    >>> t("code_own_target_group", "en", default="own target group")
    'own target group'
    """
    lang = check_lang(lang)
    entry = texts().get(key)
    if entry is None:
        if default is not None:
            return default
        raise TextError(f"There is no text {key!r} in outcomelab/vocabulary/words; add it.")
    text = entry[lang]
    return text.format(**values) if values else text


def code_label(code: str | None, lang: str) -> str:
    """The reader's word for a code of the standard tables (target group, funding form, ...).

    Unknown codes are returned as they are; ``None`` becomes a dash.
    """
    if code is None:
        return "–"
    return t(f"code_{code}", lang, default=str(code))


def covariate_label(column: str, lang: str, catalogue: Catalogue | None = None) -> str:
    """A covariate column as the reader's words in ``lang``.

    Parameters
    ----------
    column
        A baseline column made by :func:`outcomelab.evaluation.estimation.baseline_covariates`
        (``cov_birth_year``, a dummy such as ``cov_sex_male``), an outcome-history column
        (``<outcome>_before``) or any other column.
    lang
        ``"sv"`` or ``"en"``.
    catalogue
        The outcome catalogue that names outcome-history columns (default the lab's).

    Returns
    -------
    str
        ``födelseår``, ``kön: man``, ``förvärvsarbete, året före start``; an unknown column with
        underscores as spaces and without the ``cov_`` prefix.

    Examples
    --------
    >>> covariate_label("cov_education_level_post_secondary", "sv")
    'utbildningsnivå: eftergymnasial'
    """
    for variable in ("cov_sex", "cov_education_level"):
        if column.startswith(variable + "_"):
            level = column.removeprefix(variable + "_")
            shown = t(column, lang, default=level.replace("_", " "))
            return t("cov_level", lang, variable=t(variable, lang), level=shown)
    if column.startswith("cov_") and has_text(column):
        return t(column, lang)
    outcomes = catalogue or lab_catalogue()
    code = column.removesuffix("_before")
    if column.endswith("_before") and not column.startswith("cov_") and code in outcomes:
        name = outcomes[code].name(lang)
        return t("cov_history", lang, outcome=name[:1].lower() + name[1:])
    return column.removeprefix("cov_").replace("_", " ")
