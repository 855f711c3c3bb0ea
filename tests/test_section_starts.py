"""The sectionizer's shortcuts find the heading starts and headings a plain search
finds."""

import re
from pathlib import Path

import pytest

from docnlp.components.scanning import first_chars
from docnlp.components.sections import HeadingPattern, SectionRules, _starts
from docnlp.text import normalise

# The searches the shortcuts replace: line starts, and sentence ends that set off
# a heading.
_PLAIN_LINE_START = re.compile(r"(?:\A|\n)[ \-*]*")
_PLAIN_SENTENCE_START = re.compile(r"[.;]?[ ]{2,}|[.;] |\t+|\|[ ]*")
REPORTS = sorted(
    (Path(__file__).parents[1] / "corpora/synthetic/reports").glob("*.txt")
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
    "\n",
    "-\n*\n \n",
    ".  ;\t \t.\t\n. x",
    "a;b.c  \n  ;  .",
]


def _plain_starts(text: str) -> list[tuple[int, bool]]:
    starts = {m.end(): True for m in _PLAIN_LINE_START.finditer(text)}
    for match in _PLAIN_SENTENCE_START.finditer(text):
        starts.setdefault(match.end(), False)
    return sorted(starts.items())


@pytest.mark.parametrize("text", TEXTS)
def test_heading_starts_are_those_of_a_plain_search(text):
    assert _starts(text) == _plain_starts(text)


def test_heading_starts_in_reports_are_those_of_a_plain_search():
    assert len(REPORTS) > 100
    for path in REPORTS:
        text = normalise(path.read_text()).text
        assert _starts(text) == _plain_starts(text), path.name


@pytest.fixture(scope="module")
def rules() -> SectionRules:
    return SectionRules()


@pytest.mark.parametrize("kind", ["inline", "own_line", "bare", "sub"])
def test_headings_by_first_letter_match_as_the_full_alternation(rules, kind):
    pattern = getattr(rules, kind)
    assert pattern._by_letter, "the shipped headings all open with an ASCII letter"
    texts = [normalise(path.read_text()).text for path in REPORTS]
    # A long heading before its prefix; case folding beyond ASCII: the Kelvin sign
    # and the long s match "k" and "s" under IGNORECASE.
    texts += ["Clinical history: x", "CLINICAL\n", "\u212aUB: x", "\u017fTUDY: x"]
    matched = 0
    for text in texts:
        for start, _ in _starts(text):
            plain = pattern.regex.match(text, start)
            found = pattern.match(text, start)
            assert (found and (found.span(), found["head"])) == (
                plain and (plain.span(), plain["head"])
            ), (text[start : start + 30], kind)
            matched += plain is not None
    assert matched > 50


def test_headings_by_first_letter_name_the_longest_heading(rules):
    head = rules.inline.match("Clinical history: cough", 0)
    assert head["head"] == "Clinical history"
    assert rules.inline.match("xyz: cough", 0) is None
    assert rules.own_line.match("\u017ftudy\n", 0)["head"] == "\u017ftudy"


def test_headings_not_all_opening_with_a_letter_try_every_heading():
    pattern = HeadingPattern([r"\d\. findings", "impression"], ":")
    assert pattern._by_letter == {}
    assert pattern.match("1. Findings: clear", 0)["head"] == "1. Findings"
    assert pattern.match("Impression: clear", 0)["head"] == "Impression"


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
