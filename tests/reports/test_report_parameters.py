"""Parameter checks run before any kernel starts."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from outcomelab.errors import ParameterError
from outcomelab.reports.parameters import check_parameters, declared_parameters, parse_value


@pytest.fixture
def template(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        'design = "auto"\nlang = "sv"\nalpha = 0.05\nseed = 1\nfollow_up_months = 24\n'
        'primary_outcome = "employment"\nsecondary_outcomes = ["sick_leave_days"]\n'
        "with_economics = True\ndiscount_rate = 0.035"
    )
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("print(design)")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python"}
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    return path


def test_declared_parameters_reads_names_types_and_defaults(template: Path) -> None:
    params = declared_parameters(template)
    assert list(params)[:3] == ["design", "lang", "alpha"]
    assert params["alpha"].type_name == "float"
    assert params["alpha"].default == 0.05
    assert params["secondary_outcomes"].default == ["sick_leave_days"]


def test_defaults_are_filled_in_and_ints_widen_to_float(template: Path) -> None:
    checked = check_parameters(template, {"discount_rate": 0})
    assert checked["design"] == "auto"
    assert checked["discount_rate"] == 0.0 and isinstance(checked["discount_rate"], float)
    checked = check_parameters(template, {"lang": "en", "seed": 7})
    assert checked["lang"] == "en" and checked["seed"] == 7
    assert checked["secondary_outcomes"] == ["sick_leave_days"]


def test_unknown_parameter_is_named_with_the_declared_ones(template: Path) -> None:
    with pytest.raises(ParameterError, match=r"'desing'.*declares: design, lang"):
        check_parameters(template, {"desing": "did"})


@pytest.mark.parametrize(
    ("name", "value", "pattern"),
    [
        ("design", "rct", r"`design` must be one of 'auto', 'did', 'matching', 'both'"),
        ("lang", "de", r"`lang` must be one of 'sv', 'en'"),
        ("alpha", 0.7, r"`alpha`.*between 0 and 0.5"),
        ("alpha", "0.05", r"`alpha` must be of type float"),
        ("seed", 1.5, r"`seed` must be of type int"),
        ("seed", True, r"`seed` must be of type int"),
        ("follow_up_months", 18, r"whole years in months"),
        ("secondary_outcomes", "sick_leave_days", r"must be of type list"),
        ("secondary_outcomes", ["employment"], r"primary outcome 'employment' is also listed"),
        ("with_economics", "yes", r"must be of type bool"),
    ],
)
def test_bad_values_raise_parameter_error(
    template: Path, name: str, value: object, pattern: str
) -> None:
    with pytest.raises(ParameterError, match=pattern):
        check_parameters(template, {name: value})


def test_parse_value_uses_yaml_types() -> None:
    assert parse_value("0.1") == 0.1
    assert parse_value("12") == 12
    assert parse_value("[a, b]") == ["a", "b"]
    assert parse_value("en") == "en"
    assert parse_value("true") is True


def test_template_without_parameters_cell_is_rejected(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python"}
    path = tmp_path / "bare.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParameterError, match="declares no parameters"):
        declared_parameters(path)
