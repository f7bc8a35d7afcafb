from __future__ import annotations

from pathlib import Path

import pytest

from outcomelab.contracts import load_contract, parse_contract
from outcomelab.errors import ContractError, ReadError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contracts" / "norrkoping_sib.yaml"

# line numbers: 1 id, 3 participants, 5-6 parties, 7 investment, 9-13 metric "jobs" (10 outcome,
# 11 validation_method, 12 payment_rule, 13 price), 14-18 metric "exams" (17 payment_rule, 18 price)
GOOD = """\
id: c1
name: Test contract
participants: 100
parties:
  - {id: city, role: outcome_payer}
  - {id: fund, role: investor}
investment: {investor: fund, principal_sek: 1000000, max_return: 0.1}
outcome_metrics:
  - id: jobs
    outcome: employment
    validation_method: quasi-experimental study
    payment_rule: counterfactual
    price_per_unit_sek: 100000
  - id: exams
    outcome: upper_secondary_eligibility
    validation_method: Simple ex-post verification
    payment_rule: rate_card
    price_per_unit_sek: 10
"""


def test_norrkoping_example_carries_the_public_facts() -> None:
    c = load_contract(EXAMPLE)
    assert c.participants == 60
    assert c.investment is not None
    assert c.investment.principal_sek == 10_000_000
    assert c.investment.max_return == pytest.approx(0.20)
    # principal x (1 + max return) = 10 000 000 x 1.2
    assert c.investment.repayment_cap_sek == pytest.approx(12_000_000)
    assert {m.validation_method for m in c.metrics} == {
        "Quasi-experimental study",
        "Simple ex-post verification",
    }
    assert c.assumptions, "the example must list what is assumed"


def test_defaults_and_indigo_method_names() -> None:
    c = parse_contract(GOOD)
    jobs, exams = c.metrics
    # validation methods are normalised to INDIGO's spelling
    assert jobs.validation_method == "Quasi-experimental study"
    # a single outcome payer and an investor give the defaults
    assert (jobs.payer, jobs.recipient) == ("city", "fund")
    assert jobs.significance_level == 0.05
    assert exams.line == 14


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _broken("price_per_unit_sek: 10\n", "price_per_unit_sek: tio\n"),
            "contract.yaml line 18: outcome_metrics[1].price_per_unit_sek must be a number >= 0, "
            "got 'tio'.",
        ),
        (
            _broken("price_per_unit_sek: 100000", "price_per_unit_sek: -5"),
            "line 13: outcome_metrics[0].price_per_unit_sek must be a number >= 0, got '-5'.",
        ),
        (
            _broken("participants: 100", "participants: 10 0"),
            "line 3: participants must be a whole number >= 1, got '10 0' (write numbers",
        ),
        (
            _broken("    payment_rule: rate_card", "    payment_rule: per_head"),
            "line 17: outcome_metrics[1].payment_rule must be one of 'rate_card', "
            "'counterfactual', got 'per_head'.",
        ),
        (
            _broken("    outcome: employment\n", "    outcom: employment\n"),
            "line 10: outcome_metrics[0].outcom is not a known field",
        ),
        (
            _broken("investor: fund, principal", "investor: bank, principal"),
            "line 7: investment.investor names the party 'bank', which is not under parties",
        ),
        (
            _broken("validation_method: quasi-experimental study", "validation_method: hunch"),
            "line 11: outcome_metrics[0].validation_method must be one of the INDIGO validation",
        ),
        (
            _broken(
                "validation_method: quasi-experimental study",
                "validation_method: pre-post analysis",
            ),
            "line 12: outcome_metrics[0].payment_rule is 'counterfactual', which needs a "
            "comparison group",
        ),
        (
            _broken("  - {id: fund, role: investor}", "  - {id: fund, role: donor}"),
            "line 6: parties[1].role must be one of",
        ),
        (
            GOOD.replace("name: Test contract\n", ""),
            "line 1: the document lacks the required field name; add it.",
        ),
        (GOOD + "  - id: [unclosed\n", "is not valid YAML"),
    ],
)
def test_errors_name_the_field_and_line(text: str, message: str) -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(text, "contract.yaml")
    assert message in str(caught.value)


def test_payment_shares_must_add_up() -> None:
    text = GOOD + "payment_schedule:\n  - {period_end: '2019', share: 0.5}\n"
    with pytest.raises(ContractError, match="line 20: payment_schedule shares must add up to 1"):
        parse_contract(text, "contract.yaml")
    text = GOOD + "payment_schedule:\n  - {period_end: 'next year', share: 1}\n"
    with pytest.raises(ContractError, match="period_end must be a date"):
        parse_contract(text, "contract.yaml")


def test_missing_file() -> None:
    with pytest.raises(ReadError, match="does not exist"):
        load_contract("/nonexistent/contract.yaml")
