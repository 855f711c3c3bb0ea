"""The sectionizer's shortcuts find the heading starts a plain search finds."""

import pytest

from docnlp.components.scanning import first_chars
from docnlp.components.sections import (
    _LINE_START,
    _SENTENCE_START,
    SectionRules,
    _starts,
)

TEXTS = [
    "",
    "\n\n  - IMPRESSION: stable.  FINDINGS:   none;  x",
    "a.  b;   c\t\td. ;    e.\tf",
    "    x",
    ".",
    ";  ",
    "\t",
    "Comparison    12/01/2024.     Lungs clear.",
]


def _plain_starts(text: str) -> list[tuple[int, bool]]:
    starts = {m.end(): True for m in _LINE_START.finditer(text)}
    for match in _SENTENCE_START.finditer(text):
        starts.setdefault(match.end(), False)
    return sorted(starts.items())


@pytest.mark.parametrize("text", TEXTS)
def test_heading_starts_are_those_of_a_plain_search(text):
    assert _starts(text) == _plain_starts(text)


def test_shipped_headings_all_start_with_a_letter():
    assert SectionRules().letters_only


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        (r"(?:ab|c)d", ["a", "c"]),
        (r"a?b", ["a", "b"]),
        (r"\.x|-", [".", "-"]),
        (r"\d+", None),
        (r"[a-z]", None),
        (r"a?", None),
    ],
)
def test_first_chars(pattern, chars):
    assert first_chars(pattern) == chars
