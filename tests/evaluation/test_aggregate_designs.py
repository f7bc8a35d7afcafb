"""Aggregate units in the standard evaluation: the design choice, synthetic DiD with synthetic
control beside it, interrupted time series, HonestDiD, the report section (issue 11).

Real data: the California Proposition 99 panel (synthdid-py's copy of R synthdid's data, converted
to the standard tables by ``tests/reference/prop99_submission/convert.py``): the report's headline
must equal R synthdid's published estimates (Arkhangelsky et al. 2021, Table 1) to 1e-3, as the
estimator itself does (``tests/synth``). Generated data: the municipal example (290
municipalities, known truth).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from outcomelab.evaluation import run_evaluation
from outcomelab.evaluation.aggregate import synthetic_headline, treated_names
from outcomelab.example.municipal import write_municipal_example
from outcomelab.schemas import validate_package

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def _prop99(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "prop99_convert", REFERENCE / "prop99_submission" / "convert.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder: Path = module.convert(out / "prop99")
    return folder


@pytest.fixture(scope="module")
def prop99(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _prop99(tmp_path_factory.mktemp("p99"))


@pytest.fixture(scope="module")
def r_synthdid() -> dict[str, float]:
    table = pd.read_csv(REFERENCE / "synthdid_prop99" / "r_synthdid_estimates.csv")
    return dict(zip(table["estimator"], table["estimate"], strict=True))


def test_prop99_tables_validate(prop99: Path) -> None:
    report = validate_package(prop99)
    assert report.ok, report.failures.head()
    units = pd.read_csv(prop99 / "units.csv")
    assert len(units) == 39
    assert units.loc[units["group"] == "participant", "name"].tolist() == ["California"]


@pytest.mark.slow
def test_prop99_report_equals_r_synthdid(prop99: Path, r_synthdid: dict[str, float]) -> None:
    ev = run_evaluation({"data_dir": str(prop99), "lang": "en", "seed": 12345})
    assert ev.setup.design.estimator == "sdid"
    assert ev.setup.design.chosen == "synthetic"
    assert "California" in ev.text(ev.setup.design.reason)
    assert "38 other states" in ev.text(ev.setup.design.reason)
    assert "38 andra delstater" in ev.in_language("sv").text(ev.setup.design.reason)
    results = ev.results()
    syn = results["synthetic"]
    # the headline is R synthdid's SDID estimate, the robustness check its DiD estimate
    assert syn["estimate"] == pytest.approx(r_synthdid["synthdid_estimate"], abs=1e-3)
    assert results["outcomes"][0]["estimate"] == pytest.approx(syn["estimate"], abs=1e-12)
    plain = next(r for r in results["robustness"] if r["method"] == "did")
    assert plain["estimate"] == pytest.approx(r_synthdid["did_estimate"], abs=1e-3)
    assert syn["n_treated"] == 1 and syn["n_control"] == 38
    # donors: weights sum to one, names from units.csv; synthetic control beside them
    donors = pd.DataFrame(syn["donors"])
    assert donors["weight"].sum() == pytest.approx(1.0, abs=1e-9)
    assert "Nevada" in set(donors["name"])
    sc = syn["synthetic_control"]
    assert sc["exact_pre_fit"] is False  # California lies outside the donors' hull
    assert sc["units_ranked"] == 39 and 1 <= sc["rank"] <= 39
    assert sc["p_value"] == pytest.approx(sc["rank"] / 39)
    assert len(syn["placebo_estimates"]) == 200
    assert results["evidence"]["sms_level"] == 3
    assert results["design"]["control_group"] == "synthetic"
    # sales fell: the headline says lower (higher_is_worse: the desired direction)
    assert "California" in results["headline"]["text"]
    assert "synthetic comparison group" in results["headline"]["text"]
    honest = syn["honest_did"]
    # HonestDiD on the average of the first 8 of the 12 post-treatment years, last 4 pre-years
    assert honest["num_pre"] == 4 and honest["num_post"] == 8
    assert honest["l_vec"] == pytest.approx([1 / 8] * 8)


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_municipal_example_report_end_to_end(tmp_path: Path, lang: str) -> None:
    from outcomelab.reports import evaluate

    truth = write_municipal_example(tmp_path / "data", n_treated=1, seed=3)
    run = evaluate(data=tmp_path / "data", out=tmp_path / "report", lang=lang)
    results = run.results
    syn = results["synthetic"]
    assert results["design"]["estimator"] == "sdid"
    # the known effect lies inside the interval (seed fixed; the simulation study is in tests/synth)
    assert syn["conf_low"] < truth["att"] < syn["conf_high"]
    assert {"figures/synthetic.png", "figures/placebos.png"} <= set(results["figures"])
    html = run.html.read_text(encoding="utf-8")
    words = {
        "sv": ["syntetisk kontrollgrupp", "Vikt, syntetisk DiD", "Placebotest", "HonestDiD"],
        "en": ["synthetic comparison group", "Weight, synthetic DiD", "Placebo test", "HonestDiD"],
    }[lang]
    for word in words:
        assert word in html, word
    assert "Norrköping" in html
    assert "deltagare" not in results["headline"]["text"]  # the headline speaks of the municipality
    # every figure has a caption and an alternative text stating its result in words (so the
    # page is built without nbconvert): the trajectory's alt holds the headline, the placebos'
    # how many placebo draws were as large as the estimate
    import re

    figures = re.findall(r'<figure class="ol-figure"><img [^>]*alt="([^"]*)"', html)
    assert len(figures) == len(re.findall(r"<img\b", html)) == len(results["figures"]) // 2
    alts = " ".join(figures).replace("&lt;", "<")
    assert results["headline"]["text"] in alts
    assert {"sv": "deltagare", "en": "participants"}[lang] not in alts  # a municipality's figures
    assert {"sv": "placebodragningar gav", "en": "placebo draws,"}[lang] in alts
    assert {"sv": "hamnar Norrköping på plats", "en": "Norrköping comes"}[lang] in alts
    # one outcome: the method text does not speak of adjusting secondary outcomes
    assert {"sv": "inga andra utfall prövades", "en": "no other outcomes were tested"}[lang] in html
    # seed 3: Norrköping lies outside the donors' hull, so synthetic control's permutation test
    # is informative (the exact-fit case: test_municipal_report_reads_right_for_a_municipality)
    sc = syn["synthetic_control"]
    assert sc["exact_pre_fit"] is False
    assert sc["p_value"] == pytest.approx(sc["rank"] / sc["units_ranked"])
    # HonestDiD tests the average over the post years the headline reports (2019-2024)
    assert syn["honest_did"]["num_post"] == 6
    assert {
        "sv": "under de 6 åren efter start (2019–2024)",
        "en": "over the 6 years after the start (2019–2024)",
    }[lang] in html


def _few_donors(folder: Path, keep: int) -> None:
    """Keep only ``keep`` comparison municipalities in a written municipal example."""
    units = pd.read_csv(folder / "units.csv", dtype=str)
    comparison = units[units["group"] == "comparison"]["unit_id"].head(keep)
    units = units[(units["group"] == "participant") | units["unit_id"].isin(comparison)]
    units.to_csv(folder / "units.csv", index=False)
    outcomes = pd.read_csv(folder / "unit_outcomes.csv", dtype=str)
    outcomes[outcomes["unit_id"].isin(units["unit_id"])].to_csv(
        folder / "unit_outcomes.csv", index=False
    )


@pytest.mark.slow
def test_no_donors_gives_interrupted_time_series_at_level_2(tmp_path: Path) -> None:
    write_municipal_example(tmp_path / "data", n_treated=1, seed=5)
    _few_donors(tmp_path / "data", keep=3)
    ev = run_evaluation({"data_dir": str(tmp_path / "data"), "lang": "sv", "seed": 1})
    assert ev.setup.design.estimator == "its"
    assert "minst 5 behövs" in ev.text(ev.setup.design.reason)
    results = ev.results()
    assert results["synthetic"]["design"] == "its"
    assert results["synthetic"]["maryland_level"] == 2
    assert results["evidence"]["sms_level"] == 2
    assert results["design"]["control_group"] == "own_history"
    assert "den tidigare trenden" in results["headline"]["text"]


def test_headline_sentence_names_the_municipality() -> None:
    from outcomelab.vocabulary import lab_catalogue

    class Run:
        design = "sdid"

    record = {
        "estimate": 0.04,
        "conf_low": 0.02,
        "conf_high": 0.06,
        "p_value": 0.001,
        "verdict": "positive",
        "alpha": 0.05,
    }
    info = lab_catalogue()["employment"]
    sv = synthetic_headline(record, info, Run(), treated="Norrköping", lang="sv")  # type: ignore[arg-type]
    assert sv.startswith("Per 100 personer som måttet gäller var i genomsnitt 4,0 fler")
    assert "i Norrköping under åren efter start än i den syntetiska kontrollgruppen" in sv
    assert "95 %-intervallet går från 2,0 till 6,0 fler." in sv
    # an interval across zero is said as a reader says it, and more municipalities are needed
    across = record | {"conf_low": -0.01, "p_value": 0.2, "verdict": "inconclusive"}
    sv = synthetic_headline(
        across, info, Run(), treated="Norrköping", lang="sv", unit="municipality"
    )  # type: ignore[arg-type]
    assert "95 %-intervallet ligger mellan 1,0 färre och 6,0 fler." in sv
    assert "det behövs fler kommuner" in sv and "går från −" not in sv
    en = synthetic_headline(
        record | {"estimate": -0.04, "conf_low": -0.06, "conf_high": -0.02, "verdict": "negative"},
        info,
        Run(),  # type: ignore[arg-type]
        treated="Norrköping",
        lang="en",
    )
    assert "4.0 fewer were" in en and "in Norrköping" in en
    failed = synthetic_headline(
        {"estimate": None, "error": "too few"},
        info,
        Run(),
        treated="X",
        lang="en",  # type: ignore[arg-type]
    )
    assert "could not be estimated" in failed


def test_treated_names_in_words() -> None:
    panel = pd.DataFrame(
        {
            "unit_id": ["0581", "0580", "0114", "0115"],
            "cohort": [2019, 2019, 0, 0],
        }
    )
    panel.attrs["panel_info"] = {"unit_of_analysis": "municipality"}
    units = pd.DataFrame({"unit_id": ["0581", "0580"], "name": ["Norrköping", "Linköping"]})
    assert treated_names(panel, units, "sv") == "Linköping och Norrköping"
    assert treated_names(panel, units, "en") == "Linköping and Norrköping"
    many = pd.DataFrame({"unit_id": [f"{i:04d}" for i in range(5)], "cohort": [2019] * 5})
    many.attrs["panel_info"] = {"unit_of_analysis": "municipality"}
    assert treated_names(many, units, "sv") == "5 kommuner"


def test_results_schema_knows_the_synthetic_block() -> None:
    from outcomelab.resources import schemas_dir

    schema = json.loads((schemas_dir() / "results" / "results.schema.json").read_text())
    assert "synthetic" in schema["properties"]
    design = schema["properties"]["design"]["properties"]
    assert {"sdid", "its"} <= set(design["estimator"]["enum"])


@pytest.mark.slow
def test_municipal_report_reads_right_for_a_municipality(tmp_path: Path) -> None:
    """The default example (Norrköping inside the donors' hull) in Swedish: the sentences of the
    generic sections speak of municipalities and of SDID's average over the post years."""
    from outcomelab.reports import render, synthetic

    write_municipal_example(tmp_path / "data", n_treated=1)
    ev = run_evaluation({"data_dir": str(tmp_path / "data"), "lang": "sv", "seed": 1})
    syn = ev.results()["synthetic"]
    # synthetic control reproduces Norrköping exactly before the start: no p-value, in words
    sc = syn["synthetic_control"]
    assert sc["exact_pre_fit"] is True and sc["p_value"] is None and sc["rank"] is None
    section = str(synthetic.section_synthetic(ev))
    assert "Placebotestet för syntetisk kontroll kan inte avgöra något här" in section
    assert "hamnar Norrköping på plats" not in section
    # HonestDiD: the average over the six post years, said so
    assert syn["honest_did"]["num_post"] == 6
    assert "under de 6 åren efter start (2019–2024)" in section
    method = str(render.section_method(ev))
    assert "genomsnittet över de 6 åren från och med startåret (2019–2024)" in method
    assert "24 månader" not in method
    flow = ev.flow.table("sv")
    assert flow.iloc[0, 0] == "Inskickade kommuner med insatsen"
    assert "deltagare" not in " ".join(flow.iloc[:, 0])
    results = str(render.section_results(ev))
    assert "per 100 personer som måttet gäller" in results and "100 deltagare" not in results
    assert "Holm-justerade" not in results  # one outcome: nothing to adjust
    caveats = str(render.section_caveats(ev))
    assert "Norrköping valdes inte genom lottning" in caveats
    assert "Deltagarna" not in caveats
    diagnostics = str(render.section_diagnostics(ev))
    assert "följde Norrköping under de 14 åren före start" in diagnostics
    robustness = str(render.section_robustness(ev))
    assert "– – –" not in robustness  # synthetic control has no interval: one dash
