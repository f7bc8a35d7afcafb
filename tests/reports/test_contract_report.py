"""The outcome-contract report: sections from one settlement, escaped, in both languages, and the
template run through the same parameter check as the standard report (no kernel needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from outcomelab.contracts import Settlement, parse_contract, settle
from outcomelab.errors import ParameterError
from outcomelab.reports import contract as sections
from outcomelab.reports.api import run_report
from outcomelab.results import EffectResult


@pytest.fixture(scope="module")
def settlement(contract_yaml: Callable[..., str]) -> Settlement:
    """A settlement whose contract names carry HTML (the total cap of 5 MSEK binds)."""
    text = contract_yaml(
        'id: c1\nname: "Unga <img src=x onerror=alert(1)> i arbete"\n',
        caps="{total_sek: 5000000}",
        tail="""\
payment_schedule:
  - {period_end: "2018-12-31", share: 1.0}
assumptions: ["Priset per dygn <b>antas</b>."]
""",
    )
    effect = EffectResult.from_estimate(
        -50.0, 10.0, n_treated=60, n_control=240, method="test", estimand="ATT"
    )
    return settle(parse_contract(text, "c1.yaml"), {"out_of_home_care_days": effect})


def test_sections_escape_names_from_the_contract_file(settlement: Settlement) -> None:
    s = settlement
    page = sections.section_summary(s, "sv") + sections.section_assumptions(s, "sv")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;antas" in page


def test_sections_say_the_numbers_in_each_language(settlement: Settlement) -> None:
    s = settlement  # 50 days x 60 x 2 000 = 6 000 000, total cap 5 000 000 binds
    sv = sections.section_summary(s, "sv") + sections.section_caps(s, "sv")
    assert "Utfallsbetalningarna blir sammanlagt 5\u00a0000\u00a0000 kr." in sv
    assert (
        "Investerarens tak: 12\u00a0000\u00a0000 kr = 10\u00a0000\u00a0000 kr × (1 + 20 %)." in sv
    )
    assert (
        "<td>Totalt tak</td><td>5\u00a0000\u00a0000</td><td>6\u00a0000\u00a0000</td><td>ja</td>"
        in sv
    )
    en = sections.section_steps(s, "en") + sections.section_payments(s, "en")
    assert "The calculation step by step" in en and "<td>planned</td>" in en
    assert "5,000,000" in en


def test_the_contract_template_checks_its_parameters_before_a_kernel(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"Unknown parameter.*'contract'"):
        run_report("contract", {"contract": "x.yaml"}, notebook=tmp_path / "n.ipynb", title="x")
    with pytest.raises(ParameterError, match="`payment_type` must be one of 'planned', 'actual'"):
        run_report("contract", {"payment_type": "due"}, notebook=tmp_path / "n.ipynb", title="x")
    with pytest.raises(ParameterError, match="`lang` must be one of 'sv', 'en'"):
        run_report("contract", {"lang": "de"}, notebook=tmp_path / "n.ipynb", title="x")
    assert not (tmp_path / "n.ipynb").exists()
