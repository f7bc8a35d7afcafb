"""Synthetic example submissions with a known true effect.

``generate_example()`` draws a full-size submission (2,000 participants, 20,000 comparison
candidates); ``example_dir()`` returns the small cached copy used by ``make demo`` and the tests;
``load_truth()`` reads the true effects written beside the data.
"""

from __future__ import annotations

from outcomelab.example.bundled import EXAMPLE_FILES, SMALL_EXAMPLE, example_dir, load_truth
from outcomelab.example.generator import (
    DEMO_KEY,
    EXAMPLE_INTERVENTION_ID,
    EXAMPLE_OUTCOMES,
    EXAMPLE_PERIODS,
    ExampleData,
    generate_example,
    true_effect,
    write_example,
)

__all__ = [
    "DEMO_KEY",
    "EXAMPLE_FILES",
    "EXAMPLE_INTERVENTION_ID",
    "EXAMPLE_OUTCOMES",
    "EXAMPLE_PERIODS",
    "SMALL_EXAMPLE",
    "ExampleData",
    "example_dir",
    "generate_example",
    "load_truth",
    "true_effect",
    "write_example",
]
