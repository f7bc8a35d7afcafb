"""Helpers the report template's cells call: show HTML, show and save figures, write the outputs.

The notebook writes ``results.json`` itself (no scrapbook) and puts run-time facts (time, package
versions) into ``provenance.json``, so ``results.json`` stays byte-identical for the same inputs.
"""

from __future__ import annotations

import base64
import json
import platform
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcomelab.reports.results_json import write_results
from outcomelab.webpage import fragment

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from outcomelab.evaluation import Evaluation

#: the key of a display output's metadata that names the language it is written in; the HTML
#: export keeps one language's outputs (:func:`outcomelab.reports.html.export_html`)
LANG_METADATA = "outcomelab_lang"

__all__ = ["LANG_METADATA", "PACKAGES", "ReportContext", "package_versions"]

#: packages whose versions the provenance lists
PACKAGES = (
    "outcomelab",
    "numpy",
    "pandas",
    "scipy",
    "numba",
    "matplotlib",
    "duckdb",
    "papermill",
    "nbconvert",
)


def package_versions() -> dict[str, str]:
    """Installed versions of :data:`PACKAGES` and of Python."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@dataclass
class ReportContext:
    """Where a running report writes its files, and the figures it has written so far."""

    output_dir: Path
    figures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    run_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    lang: str = "en"
    both_languages: bool = True

    @classmethod
    def create(
        cls, output_dir: str | Path, lang: str = "en", *, both_languages: bool = True
    ) -> ReportContext:
        """A context writing into ``output_dir`` (created; ``figures/`` inside it).

        ``lang`` is the report's language: the figures' axis numbers are written in it. With
        ``both_languages`` every section and figure is shown in the other language too (the
        report's pages in both languages come from one run); without, only in ``lang`` (the
        evaluator's own notebook).
        """
        out = Path(output_dir or ".").resolve()
        (out / "figures").mkdir(parents=True, exist_ok=True)
        return cls(out, lang=lang, both_languages=both_languages)

    @property
    def languages(self) -> tuple[str, ...]:
        """The report's language first, then (with ``both_languages``) the other one."""
        from outcomelab._checks import LANGUAGES

        if not self.both_languages:
            return (self.lang,)
        return (self.lang, *(lang for lang in LANGUAGES if lang != self.lang))

    @staticmethod
    def show(fragment: str) -> None:
        """Display an HTML fragment as the cell's output."""
        from IPython.display import HTML, display

        display(HTML(fragment))

    def section(self, render: Callable[..., str], ev: Evaluation, *args: Any) -> None:
        """Display ``render(ev, *args)`` once in each language (the same numbers).

        Each output is marked with its language (:data:`LANG_METADATA`); the HTML export of one
        language keeps only its outputs.
        """
        from IPython.display import HTML, display

        for lang in self.languages:
            fragment = render(ev.in_language(lang), *args)
            display(HTML(fragment), metadata={LANG_METADATA: lang})

    def chart(
        self,
        draw: Callable[[Evaluation], Figure | None],
        ev: Evaluation,
        name: str,
        words: Callable[[Evaluation, str], tuple[str, str]] | None = None,
    ) -> None:
        """Draw, save and display a figure once in each language.

        ``words(ev, name)`` gives the caption and alternative text. The report language's figure
        is ``figures/<name>.png``, the other's ``figures/<name>.<lang>.png``.
        """
        for lang in self.languages:
            shown = ev.in_language(lang)
            fig = draw(shown)
            if fig is None:  # nothing to draw (no covariates, no synthetic placebos)
                continue
            caption, alt = words(shown, name) if words is not None else (None, None)
            self.figure(fig, name, caption, alt, lang=lang)

    def figure(
        self,
        fig: Figure | None,
        name: str,
        caption: str | None = None,
        alt: str | None = None,
        *,
        lang: str | None = None,
    ) -> None:
        """Save ``fig`` as ``figures/<name>.png``, display it inline and close it.

        With ``caption`` and ``alt`` the figure is shown as ``<figure>`` with a caption in words
        and an alternative text that states its result (for screen readers), both escaped.
        ``lang`` (default the report's) is the language the figure is drawn in: its axis numbers
        are written in it, and a figure in the other language is saved as
        ``figures/<name>.<lang>.png`` and marked with its language.
        """
        if fig is None:
            return
        import matplotlib.pyplot as plt
        from IPython.display import HTML, Image, display

        from outcomelab.reports.figure_numbers import localise_ticks

        lang = lang or self.lang
        file = f"figures/{name}.png" if lang == self.lang else f"figures/{name}.{lang}.png"
        path = self.output_dir / file
        localise_ticks(fig, lang)  # "0,5" and "−10 000" in a Swedish report
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        self.figures.append(file)
        mark = {LANG_METADATA: lang}
        # show the saved file: the page and figures/ hold the same image, drawn once
        if caption is None and alt is None:
            display(Image(filename=str(path)), metadata=mark)
            return
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        figure = fragment(
            '<figure class="ol-figure"><img src="data:image/png;base64,{{ data }}" alt="{{ alt }}">'
            "<figcaption>{{ caption }}</figcaption></figure>",
            data=data,
            alt=alt or caption or name,
            caption=caption or "",
        )
        display(HTML(figure), metadata=mark)

    def facts(self) -> dict[str, Any]:
        """Run-time facts for the provenance section."""
        return {"run_at": self.run_at, "versions": package_versions()}

    def write(self, ev: Evaluation) -> dict[str, Any]:
        """Write ``results.json`` and ``provenance.json``; return the results dict."""
        results = ev.results(figures=self.figures)
        # validated against the JSON Schema by the caller (outcomelab.reports.evaluate): importing
        # jsonschema in the kernel costs seconds
        write_results(results, self.output_dir / "results.json", validate=False)
        inputs = ev.setup.inputs
        provenance = {
            "evaluation_id": results["evaluation_id"],
            "submission_id": inputs.submission_id,
            "version_hash": inputs.version_hash,
            "parameters": dict(ev.settings.params),
            "seed": ev.settings.seed,
            "run_at": self.run_at,
            "analysis_seconds": round(time.time() - self.started, 3),
            "versions": package_versions(),
        }
        (self.output_dir / "provenance.json").write_text(
            json.dumps(provenance, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        return results
