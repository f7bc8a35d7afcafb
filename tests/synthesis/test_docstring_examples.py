"""The Examples sections of the synthesis and planning modules run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = (
    "outcomelab.synthesis.pooling",
    "outcomelab.synthesis.regression",
    "outcomelab.synthesis.subgroups",
    "outcomelab.synthesis.asymmetry",
    "outcomelab.planning.power",
    "outcomelab.planning.assessment",
)


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
