"""Every section of the standard template is named in words while it runs (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from outcomelab.cli.report_progress import section_label

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "standard_evaluation.ipynb"


def _sections() -> list[str]:
    cells = json.loads(TEMPLATE.read_text(encoding="utf-8"))["cells"]
    tags = [tag for cell in cells for tag in cell.get("metadata", {}).get("tags", [])]
    found = sorted({m.group(1) for tag in tags if (m := re.fullmatch(r"section:(\w+)", tag))})
    assert {"results", "plan", "synthetic"} <= set(found)
    return found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_template_section_has_a_name_in_words(lang: str) -> None:
    for section in _sections():
        label = section_label(section, lang, computing=True)
        # an unnamed section falls back to its internal name ("Computing: plan")
        internal = section.replace("_", " ")
        assert label != internal and not label.endswith(f": {internal}"), (section, label)


def test_the_plan_section_is_named_as_its_heading() -> None:
    assert "Planerat och genomfört" in section_label("plan", "sv", computing=True)
