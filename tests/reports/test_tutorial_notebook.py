"""notebooks/tutorial.ipynb runs top to bottom on a small generated submission."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from outcomelab.reports.runner import execute_template

TUTORIAL = Path(__file__).resolve().parents[2] / "notebooks" / "tutorial.ipynb"


@pytest.mark.notebook
def test_tutorial_executes_and_shows_no_person_rows(tmp_path: Path) -> None:
    output = tmp_path / "tutorial.ipynb"
    execute_template(TUTORIAL, output, {"seed": 7}, timeout=600)
    nb = nbformat.read(output, as_version=4)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            texts.append(str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", "")))
    text = "\n".join(texts)
    assert "ATT at e=2" in text
    assert "For every 100 participants" in text and "Per 100 deltagare" in text
    assert "SMS level 3" in text
    assert "person_id" not in text
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 2
