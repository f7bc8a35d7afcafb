"""Build the competence centre's static catalogue of evaluations.

The site needs no server: it opens from disk and from any web server, loads no assets from a
network, and works without JavaScript (the script only adds filtering and search to a table that
is complete without it). Every page is written in Swedish and English.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from outcomelab.disclosure import DisclosurePolicy, scan_tree
from outcomelab.errors import DisclosureError
from outcomelab.evaluation.aggregate import units_word
from outcomelab.printing import find_chromium
from outcomelab.publish.catalogue import Catalogue, CatalogueEntry, collect
from outcomelab.publish.i18n import LANGUAGES, label, local_outcome_names, term
from outcomelab.publish.paper import inline_image, print_css, print_page
from outcomelab.publish.swap import replace_folder
from outcomelab.publish.synthetic import synthetic_section
from outcomelab.publish.what_works import what_works_figure, what_works_pages
from outcomelab.vocabulary.numbers import ShownEffect, fmt_int, fmt_p, show_effect
from outcomelab.webpage import environment, with_csp

__all__ = ["SiteInfo", "build_site"]

_HERE = Path(__file__).resolve().parent
_FILTERS = ("target_group", "organisation_name", "primary_outcome", "design", "sms_level", "result")


@dataclass(frozen=True)
class SiteInfo:
    """What :func:`build_site` wrote."""

    root: Path
    index: Path
    evaluations: tuple[str, ...]
    withheld: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...]
    pdfs: tuple[Path, ...] = ()


def _environment() -> jinja2.Environment:
    env = environment(jinja2.FileSystemLoader(_HERE / "templates"))
    env.filters["effect"] = _effect
    env.filters["count"] = fmt_int
    env.filters["p"] = fmt_p
    return env


def _effect(record: Mapping[str, Any], lang: str) -> ShownEffect:
    """A record's effect and interval as the report shows them."""
    return show_effect(
        record.get("estimate"),
        record.get("conf_low"),
        record.get("conf_high"),
        str(record.get("kind")),
        lang,
    )


def _headline_csv(entries: tuple[CatalogueEntry, ...]) -> str:
    rows = [e.summary_row() for e in entries]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["evaluation_id"])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _filter_options(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for key in _FILTERS:
        values = {str(r[key]) for r in rows if r.get(key) not in (None, "")}
        options[key] = sorted(values)
    return options


def build_site(
    evaluations: str | Path,
    out: str | Path,
    *,
    policy: DisclosurePolicy | None = None,
    pdf: bool = False,
) -> SiteInfo:
    """Build the static catalogue site from a folder of evaluations.

    Parameters
    ----------
    evaluations
        Folder of evaluation output folders (each with ``results.json``). The report's figures
        are not published (they are drawn from unpublished numbers); every figure of the site
        is drawn from published numbers.
    out
        Folder to write the site to: a new or empty folder, or a site published here before
        (replaced as a whole; see :func:`outcomelab.publish.swap.replace_folder`). The site is
        built in a temporary sibling first, so a failed build leaves the previous site in place.
    policy
        Disclosure policy; the default (cohort >= 60, cells >= 5, rounding to 5) when ``None``.
    pdf
        Also print each evaluation page (Swedish and English) to a PDF beside it, linked from
        the page and the catalogue (Chromium; see :mod:`outcomelab.publish.paper`). The PDF is
        printed from a print copy of the published page, never copied from the evaluation, and
        its text is checked as the published files are.

    Returns
    -------
    SiteInfo

    Raises
    ------
    InputError
        ``out`` is a file, a link, holds the evaluations, or is a non-empty folder outcomelab
        did not create (nothing is written or deleted).
    ReadError
        No or invalid ``results.json`` files.
    DisclosureError
        The finished site (or, with ``pdf``, a PDF's text) still contains something that looks
        like a person identifier, or a PDF holds a number its published page does not show;
        nothing is written then.
    ReportError
        With ``pdf``: no Chromium, or it could not print (nothing is written).
    """
    if pdf:
        find_chromium()  # before any work: say at once how to install it
    catalogue = collect(evaluations, policy)
    target = Path(out)

    def build(staging: Path) -> None:
        _write_site(catalogue, staging, pdf)
        allow = [str(e.results["submission"]["version_hash"]) for e in catalogue.entries]
        findings = scan_tree(staging, allow=allow)
        if findings:
            first = findings[0]
            raise DisclosureError(
                f"The built site contains what looks like a {first.kind} in "
                f"{Path(first.path).relative_to(staging)} ({len(findings)} finding(s)); nothing "
                "was published. Remove person-level data from the evaluation output and publish "
                "again."
            )

    replace_folder(target, build, keep=(Path(evaluations),))
    outcomes = sorted(
        {code for e in catalogue.entries for code in e.summary_row()["outcomes"].split(";")}
    )
    return SiteInfo(
        root=target,
        index=target / "index.html",
        evaluations=tuple(e.id for e in catalogue.entries),
        withheld=catalogue.withheld,
        outcomes=tuple(outcomes),
        pdfs=tuple(sorted(target.glob("*/evaluations/*.pdf"))) if pdf else (),
    )


def _figures_of(entry: CatalogueEntry, pages: list[Any]) -> list[dict[str, str]]:
    """The site's "what works" figures (drawn from published numbers) of an entry's outcomes."""
    shown = {o["code"] for o in entry.results["outcomes"] if o.get("estimate") is not None}
    return [
        {"code": ww.code, "file": ww.figure_name, "alt": str(ww.context.get("forest_alt", ""))}
        for ww in pages
        if ww.code in shown and ww.figure_name
    ]


def _page_texts(results: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The texts of an evaluation's page in ``lang`` (``texts.<lang>`` of the results).

    An evaluation published before results.json held both languages has its texts in its own
    language only: they are shown as they are, and ``lang`` says which language they are in (the
    page marks them, so that a screen reader reads them in that language).
    """
    given = (results.get("texts") or {}).get(lang)
    if given:
        return {**given, "lang": lang}
    dropped = (results.get("sample_flow") or {}).get("dropped") or []
    return {
        "headline": (results.get("headline") or {}).get("text", ""),
        "design_reason": (results.get("design") or {}).get("reason", ""),
        "sms_reasons": (results.get("evidence") or {}).get("sms_reasons", []),
        "dropped_reasons": [d.get("reason", "") for d in dropped],
        "lang": results.get("language") or lang,
    }


def _units(results: Mapping[str, Any], lang: str) -> dict[str, str | None]:
    """The aggregate unit's words ("kommuner", "kommunerna") for an evaluation of aggregate
    units (its counts are units, not persons), or None for persons."""
    unit = (results.get("unit_of_analysis") or {}).get("unit")
    if unit in (None, "", "person"):
        return {"units": None, "units_def": None}
    return {
        "units": units_word(str(unit), lang),
        "units_def": units_word(str(unit), lang, definite=True),
    }


def _write_page(path: Path, html: str) -> None:
    """Write one page of the site with the site's Content-Security-Policy."""
    path.write_text(with_csp(html, "site"), encoding="utf-8")


def _evaluation_page(
    env: jinja2.Environment,
    entry: CatalogueEntry,
    folder: Path,
    common: dict[str, Any],
    figures: list[dict[str, str]],
    pdf: bool,
) -> str | None:
    """Write one evaluation's page (and with ``pdf`` its PDF beside it); the PDF's file name."""
    lang = str(common["lang"])
    own = local_outcome_names([entry.results], lang)

    def entry_term(value: object, lang: str = lang, own: dict[str, str] = own) -> str:
        return term(value, lang, own)

    assets = folder.parent / "assets"
    context = {
        **common,
        "term": entry_term,
        "entry": entry,
        "row": entry.summary_row(),
        "results": entry.results,
        "words": _page_texts(entry.results, lang),
        "synthetic": synthetic_section(entry.results, lang),
        "figures": figures,
        **_units(entry.results, lang),
    }
    template = env.get_template("evaluation.html.j2")
    pdf_name = f"{entry.id}.pdf" if pdf else None
    page = template.render(
        **context, pdf=pdf_name, print_css=None, asset=lambda name: f"../../assets/{name}"
    )
    _write_page(folder / "evaluations" / f"{entry.id}.html", page)
    if pdf_name is None:
        return None
    row = context["row"]
    header = str(row["intervention_name"] or row["intervention_id"])
    site_css = (assets / "style.css").read_text(encoding="utf-8")
    copy = template.render(
        **context,
        pdf=None,
        print_css=print_css(site_css, header, lang),
        asset=lambda name: inline_image(assets / name),
    )
    allow = [str(entry.results["submission"]["version_hash"])]
    print_page(copy, page, folder / "evaluations" / pdf_name, header=header, allow=allow)
    return f"evaluations/{pdf_name}"


def _write_site(catalogue: Catalogue, root: Path, pdf: bool = False) -> None:
    env = _environment()
    assets = root / "assets"
    assets.mkdir()
    for name in ("style.css", "catalogue.js"):
        shutil.copyfile(_HERE / "assets" / name, assets / name)
    data = root / "data"
    (data / "results").mkdir(parents=True)
    (data / "headline_results.csv").write_text(_headline_csv(catalogue.entries), encoding="utf-8")
    for entry in catalogue.entries:
        payload = json.dumps(entry.results, indent=2, sort_keys=True, ensure_ascii=False)
        (data / "results" / f"{entry.id}.json").write_text(payload + "\n", encoding="utf-8")

    rows = [e.summary_row() for e in catalogue.entries]
    # "what works" pages: only the disclosure-controlled results of the published entries
    published = [e.results for e in catalogue.entries]
    what_works = {lang: what_works_pages(published, lang) for lang in LANGUAGES}
    for lang, pages in what_works.items():
        for ww in pages:
            if ww.figure_name:
                fig = what_works_figure(ww.evidence, lang)
                # tight: a long study label or axis label is never cut off
                fig.savefig(assets / ww.figure_name, dpi=110, bbox_inches="tight")
    outcome_codes = sorted({ww.code for ww in what_works["sv"]})

    policy = catalogue.policy
    for lang in LANGUAGES:
        other = "en" if lang == "sv" else "sv"
        folder = root / lang
        (folder / "evaluations").mkdir(parents=True)
        (folder / "outcomes").mkdir()

        def t(key: str, lang: str = lang, **values: object) -> str:
            return label(key, lang, **values)

        # a local outcome is named as its submission names it (it is not in the lab's catalogue)
        names = local_outcome_names(published, lang)

        def shown(value: object, lang: str = lang, names: dict[str, str] = names) -> str:
            return term(value, lang, names)

        common = {"lang": lang, "other": other, "t": t, "policy": policy}
        pdfs = {}
        for entry in catalogue.entries:
            figures = _figures_of(entry, what_works[lang])
            printed = _evaluation_page(env, entry, folder, common, figures, pdf)
            if printed is not None:
                pdfs[entry.id] = printed
        index = env.get_template("index.html.j2").render(
            **common,
            term=shown,
            rows=rows,
            filters=_filter_options(rows),
            filter_keys=_FILTERS,
            outcome_codes=outcome_codes,
            pdfs=pdfs,
            aggregate=any(_units(e.results, lang)["units"] for e in catalogue.entries),
        )
        _write_page(folder / "index.html", index)
        for code in outcome_codes:
            sections = [ww for ww in what_works[lang] if ww.code == code]
            page = env.get_template("what_works.html.j2").render(
                **common, term=shown, code=code, sections=sections
            )
            _write_page(folder / "outcomes" / f"{code}.html", page)
    landing = env.get_template("landing.html.j2").render(t=label, count=len(rows))
    _write_page(root / "index.html", landing)
