from __future__ import annotations

import hashlib
from pathlib import Path

from outcomelab.disclosure import scan_text, scan_tree


def _luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def test_finds_pseudonyms_and_valid_identity_numbers_only() -> None:
    pseudonym = hashlib.sha256(b"synthetic").hexdigest()
    number = "850709" + "123"  # synthetic date part and serial
    valid = number[:6] + "-" + number[6:] + _luhn_digit(number)
    invalid = number[:6] + "-" + number[6:] + str((int(_luhn_digit(number)) + 1) % 10)
    text = f"id {pseudonym} person {valid} other {invalid} budget 1234567890 total"
    kinds = sorted(f.kind for f in scan_text(text))
    assert kinds == ["identity number", "pseudonym"]


def test_images_are_not_scanned_and_tree_scan_reads_files(tmp_path: Path) -> None:
    pseudonym = hashlib.sha256(b"x").hexdigest()
    (tmp_path / "ok.html").write_text(f'<img src="data:image/png;base64,{pseudonym}">')
    assert scan_tree(tmp_path) == []
    (tmp_path / "bad.json").write_text(f'{{"person": "{pseudonym}"}}')
    found = scan_tree(tmp_path)
    assert len(found) == 1 and found[0].path.endswith("bad.json")


def test_allowed_hashes_are_not_findings() -> None:
    content_hash = hashlib.sha256(b"tables").hexdigest()
    assert scan_text(f"version {content_hash}", allow=[content_hash]) == []
    assert len(scan_text(f"version {content_hash}")) == 1
