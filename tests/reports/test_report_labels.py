"""Swedish labels of covariates and event-study axes in the report (in process, no kernel)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from outcomelab.evaluation import Evaluation, run_evaluation
from outcomelab.reports.render import (
    figure_balance,
    figure_event_study,
    figure_overlap,
    figure_results,
    figure_who_pays_who_gains,
    section_diagnostics,
)
from outcomelab.vocabulary.texts import covariate_label

matplotlib.use("Agg")

SWEDISH = {
    "cov_birth_year": "födelseår",
    "cov_sex_male": "kön: man",
    "cov_sex_unknown": "kön: okänt",
    "cov_born_abroad": "född utomlands",
    "cov_education_level_upper_secondary": "utbildningsnivå: gymnasial",
    "cov_education_level_post_secondary": "utbildningsnivå: eftergymnasial",
    "cov_education_level_unknown": "utbildningsnivå: okänd",
    "cov_employed_months_prev_year": "månader i arbete året före",
    "cov_social_assistance_months_prev_year": "månader med ekonomiskt bistånd året före",
    "cov_sick_leave_days_prev_year": "ohälsodagar året före",
    "employment_before": "förvärvsarbete, året före start",
}


def test_covariate_labels_in_swedish_and_english() -> None:
    for column, label in SWEDISH.items():
        assert covariate_label(column, "sv") == label
    assert covariate_label("cov_sex_female", "en") == "sex: female"
    assert covariate_label("cov_birth_year", "en") == "birth year"
    assert covariate_label("cov_municipality_code", "sv") == "municipality code"


@pytest.fixture(scope="module")
def submission(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from outcomelab.example import generate_example

    folder = tmp_path_factory.mktemp("labels")
    generate_example(folder, n_participants=200, n_pool=800, seed=11)
    return folder


def _evaluation(folder: Path, design: str) -> Evaluation:
    return run_evaluation({"data_dir": str(folder), "lang": "sv", "seed": 7, "design": design})


def _ticks(fig: Figure) -> list[str]:
    return [tick.get_text() for tick in fig.axes[0].get_yticklabels()]


@pytest.fixture(scope="module")
def did_evaluation(submission: Path) -> Evaluation:
    return _evaluation(submission, "did")


def test_swedish_did_report_table_and_figures(did_evaluation: Evaluation) -> None:
    import matplotlib.pyplot as plt

    ev = did_evaluation
    page = section_diagnostics(ev)
    assert "<td>födelseår</td>" in page and "<td>född utomlands</td>" in page
    assert "birth year" not in page and "born abroad" not in page
    fig = figure_event_study(ev)
    ax = fig.axes[0]
    # the y axis on the text's scale (employment is a share: per 100 participants), in words
    label = " ".join(ax.get_ylabel().split())
    assert (ax.get_xlabel(), label) == (
        "År sedan start",
        "Fler eller färre förvärvsarbetande per 100 deltagare",
    )
    table = ev.estimates.did[ev.setup.primary].dynamic.tidy()
    drawn = np.concatenate([line.get_ydata() for line in ax.lines if line.get_marker() == "o"])
    assert np.allclose(np.sort(drawn), np.sort(100 * table["estimate"].to_numpy()))
    english = figure_event_study(ev.in_language("en")).axes[0].get_ylabel()
    assert " ".join(english.split()) == "More or fewer in work per 100 participants"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend and all(x.startswith(("före start", "efter start")) for x in legend)
    # the legend (longer in Swedish) lies below the plot, never over a point or a band
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    assert not ax.get_legend().get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    balance = figure_balance(ev)
    assert "födelseår" in _ticks(balance) and "birth year" not in _ticks(balance)
    plt.close("all")


def test_swedish_love_plot_after_matching(submission: Path) -> None:
    import matplotlib.pyplot as plt

    ev = _evaluation(submission, "matching")
    overlap = {lang: _words(figure_overlap(ev.in_language(lang)))[0] for lang in ("sv", "en")}
    assert overlap["sv"] and overlap["sv"].isdisjoint(overlap["en"])
    fig = figure_balance(ev)
    ticks = _ticks(fig)
    assert "födelseår" in ticks and "förvärvsarbete, året före start" in ticks
    assert not any(tick.startswith("cov_") or tick.endswith("_before") for tick in ticks)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "|standardiserad skillnad|"
    assert [x.get_text() for x in ax.get_legend().get_texts()] == [
        "Före justering",
        "Efter viktning/matchning",
    ]
    plt.close("all")


def test_codes_of_the_standard_tables_have_reader_words() -> None:
    from outcomelab.vocabulary.texts import code_label

    assert code_label("children_young_people", "sv") == "Barn och unga"
    assert code_label("social_impact_bond", "en") == "Social impact bond"
    assert code_label("not_a_code", "en") == "not_a_code"
    assert code_label(None, "sv") == "–"


def _words(fig: Figure) -> tuple[set[str], list[str]]:
    """The words of a figure (titles, axis labels, legends, annotations) and its tick labels."""
    words: set[str] = set()
    ticks: list[str] = []
    for ax in fig.axes:
        words |= {ax.get_title(), ax.get_xlabel(), ax.get_ylabel()}
        if ax.get_legend() is not None:
            words |= {x.get_text() for x in ax.get_legend().get_texts()}
        words |= {x.get_text() for x in ax.texts}
        ticks += [x.get_text() for x in (*ax.get_xticklabels(), *ax.get_yticklabels())]
    if fig.legends:
        words |= {x.get_text() for legend in fig.legends for x in legend.get_texts()}
    return {w for w in words if re.search("[A-Za-zÅÄÖåäö]{3}", w)}, ticks


@pytest.mark.parametrize(
    "draw",
    [figure_results, figure_event_study, figure_balance, figure_who_pays_who_gains],
)
def test_one_estimation_draws_each_figure_in_each_language(
    did_evaluation: Evaluation, draw: Any
) -> None:
    import matplotlib.pyplot as plt

    from outcomelab.reports.figure_numbers import localise_ticks

    drawn = {}
    for lang in ("sv", "en"):
        fig = draw(did_evaluation.in_language(lang))
        assert fig is not None, draw.__name__
        fig.canvas.draw()
        drawn[lang] = _words(localise_ticks(fig, lang))
    (sv_words, sv_ticks), (en_words, en_ticks) = drawn["sv"], drawn["en"]
    assert sv_words and en_words
    # no label of the English figure in the Swedish one, and the reverse
    assert sv_words.isdisjoint(en_words), sv_words & en_words
    # Swedish decimals with a comma, English with a point
    assert not any(re.fullmatch(r"[−-]?\d+\.\d+", x) for x in sv_ticks), sv_ticks
    assert not any(re.fullmatch(r"[−-]?\d+,\d+", x) for x in en_ticks), en_ticks
    plt.close("all")
