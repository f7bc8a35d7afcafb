"""Thin data never crash the report: no covariates, single-unit cohorts, no costs, foreign data.

The castle-doctrine state panel (``tests/reference/castle_submission``) has all of these: no
background variables, cohorts of one state (2006, 2010), no costs, US data. Before issue 10 the
diagnostics section raised ``KeyError: 'smd'`` and the pre-trend test printed a chi-squared of
NaN as "no sign" of different trends.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

CASE = Path(__file__).resolve().parents[1] / "reference" / "castle_submission"


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("causaldata", reason="the castle data ship in causaldata (dev extra)")
    from outcomelab.evaluation import run_evaluation

    spec = importlib.util.spec_from_file_location("castle_convert", CASE / "convert.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = module.convert(tmp_path_factory.mktemp("castle") / "castle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small cohorts: R did warns too
        return run_evaluation({"data_dir": str(folder), "lang": "sv", "follow_up_months": 24})


def test_no_covariates_are_said_in_words(evaluation):
    from outcomelab.reports import render

    text = render.section_diagnostics(evaluation)
    assert "inga bakgrundsvariabler som varierar" in text
    assert render.figure_balance(evaluation) is None
    assert evaluation.evidence is not None and evaluation.evidence.wwc_verdict == "not_applicable"


def test_an_undefined_pretrend_test_is_not_computable_and_does_not_lower_the_rating(evaluation):
    from outcomelab.reports import render

    pretrend = evaluation.diagnostics.pretrend
    assert pretrend is not None and pretrend.p_value is None
    text = render.section_diagnostics(evaluation)
    assert "kan inte beräknas" in text and "chi-två" not in text
    assert evaluation.evidence.sms_level == 3


def test_persons_behind_states_and_the_foreign_country_shape_the_caveats(evaluation):
    from outcomelab.reports import render

    unit = evaluation.results()["unit_of_analysis"]
    assert unit["unit"] == "state" and unit["persons_analysed"] > 100_000_000
    caveats = render.section_caveats(evaluation)
    assert "Färre än 60" not in caveats  # 18 states, but 110 million persons behind them
    assert "gäller US, inte Sverige" in caveats


def test_foreign_data_are_not_valued_and_the_reason_is_in_the_reader_s_words(evaluation):
    from outcomelab.reports import render

    assert evaluation.valuation.result is None
    assert evaluation.valuation.reason == "other_country"
    text = render.section_economics(evaluation)
    assert "annat land än Sverige" in text
    assert "unit-value table" not in text and "None of the outcomes" not in text


def test_states_are_called_states_not_participants(evaluation):
    from outcomelab.reports import render

    headline = render.section_headline(evaluation)
    assert "delstater" in headline and "deltagare" not in headline
    assert "Delstater per startår" in render.section_intervention(evaluation)
