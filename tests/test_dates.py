"""Date formats searched with their shortcuts find what `re` finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnlp.components.scanning import finditer
from docnlp.dates import date_reader

SYNTHETIC = Path(__file__).resolve().parents[1] / "corpora" / "synthetic" / "reports"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SYNTHETIC.glob("*.txt"))] + [
    "CT 3/4/24, 2024-01-02; 12.05.2023 and 1/2/2023/4; x1/2/23 May 2020 2019 2050",
    "Jan. 3rd, 2025 - 3rd of January 2025 - 11/2023 - two weeks ago - yesterday",
]
READER = date_reader()
PATTERNS = [regex for regex, _ in READER.formats] + [READER.relative]


@pytest.mark.parametrize("regex", PATTERNS, ids=lambda r: r.pattern[:30])
def test_each_date_format_finds_what_finditer_finds(regex):
    for text in TEXTS:
        expected = [m.span() for m in regex.finditer(text)]
        assert [m.span() for m in finditer(regex, text)] == expected
