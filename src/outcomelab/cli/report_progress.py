"""What ``outcomelab evaluate`` shows while a report runs: each section as it runs, and its time.

The report's cells tell :class:`SectionProgress` when they start and finish
(:mod:`outcomelab.reports.progress`); it keeps a spinner with the section in progress on the
terminal and writes one line with the time when a section is done, in the report's language.
"""

from __future__ import annotations

import time
from typing import Any

from outcomelab.reports.progress import CellEvent
from outcomelab.vocabulary.numbers import fmt_num
from outcomelab.vocabulary.texts import has_text, t

__all__ = ["SectionProgress", "section_label"]

#: report sections -> the heading they have in the report
_HEADINGS = {
    "headline": "h_headline",
    "who_was_evaluated": "h_flow",
    "intervention": "h_intervention",
    "method": "h_method",
    "plan": "h_plan",
    "results": "h_results",
    "synthetic": "h_synthetic",
    "diagnostics": "h_diagnostics",
    "robustness": "h_robustness",
    "evidence": "h_evidence",
    "economics": "h_economics",
    "caveats": "h_caveats",
    "methods_annex": "h_annex",
    "glossary": "h_glossary",
    "provenance": "h_provenance",
}
#: sections that are steps of their own, not parts of the page
_STEPS = {
    "setup": "cli_progress_setup",
    "data": "cli_progress_data",
    "results_json": "cli_progress_results_json",
}


def section_label(section: str | None, lang: str, *, computing: bool) -> str:
    """How a section is named while it runs ("Beräknar: Resultat per utfall", "Skriver: ...").

    Examples
    --------
    >>> section_label("results", "sv", computing=True)
    'Beräknar: Resultat per utfall'
    >>> section_label("who_was_evaluated", "en", computing=False)
    'Writing: Who was evaluated'
    """
    if section is None:
        return t("cli_progress_start", lang)
    if section in _STEPS:
        return t(_STEPS[section], lang)
    key = _HEADINGS.get(section)
    name = t(key, lang) if key and has_text(key) else section.replace("_", " ")
    return t("cli_progress_compute" if computing else "cli_progress_render", lang, section=name)


class SectionProgress:
    """A progress callback for :func:`outcomelab.reports.evaluate` drawing on a rich console.

    Parameters
    ----------
    console
        A :class:`rich.console.Console` (the CLI's, on stderr).
    lang
        Language of the lines.
    """

    def __init__(self, console: Any, lang: str) -> None:
        self.console = console
        self.lang = lang
        self.started = time.perf_counter()
        self._status: Any = None
        self._label: str | None = None
        self._since = self.started
        self._computing = True

    def __enter__(self) -> SectionProgress:
        self._label = section_label(None, self.lang, computing=True)
        self._status = self.console.status(self._label + " …", spinner="dots")
        self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._finish_line()
        self._status.__exit__(*exc)

    def __call__(self, event: CellEvent) -> None:
        """Hear one cell start or finish; a new section ends the line of the one before."""
        if event.finished:
            return
        if event.section in _HEADINGS and event.section == "headline":
            self._computing = False  # the report's pages are written from here on
        label = section_label(event.section, self.lang, computing=self._computing)
        if label != self._label:
            self._finish_line()
            self._label = label
            self._since = time.perf_counter()
            self._status.update(label + " …")

    def _finish_line(self) -> None:
        if self._label is None:
            return
        seconds = fmt_num(time.perf_counter() - self._since, self.lang, 1)
        self.console.print(
            "  ✓ " + t("cli_progress_section", self.lang, section=self._label, seconds=seconds),
            highlight=False,
        )
        self._label = None

    def total(self) -> str:
        """ "Klart på 23,4 s." since the callback was made."""
        seconds = fmt_num(time.perf_counter() - self.started, self.lang, 1)
        return t("cli_progress_total", self.lang, seconds=seconds)
