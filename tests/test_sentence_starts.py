"""The sentence splitter's shortcuts set the boundaries a plain search sets."""

import re
from bisect import bisect_left
from pathlib import Path

import pytest

from docnlp.components.sentences import _ABBREVIATIONS, _BLANK, _NEWLINE, text_starts
from docnlp.text import normalise

# The searches the shortcuts replace: lookbehinds tried at every position, and the
# list marker and the abbreviation looked for one after the other.
_PLAIN_TERMINAL = re.compile(r"(?<=[.!?])[ ]+(?=[\"'(\[]?[A-Z0-9\-*])")
_PLAIN_LOWER_TERMINAL = re.compile(r"(?<=[a-z]{3}\.)[ ]+(?=[a-z])")
_PLAIN_LIST_MARKER = re.compile(r"(?:^|\n|[:.;])[ ]*\(?\d{1,2}[.)]\Z")
_PLAIN_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.\Z")
REPORTS = sorted(
    (Path(__file__).parents[1] / "corpora/synthetic/reports").glob("*.txt")
)
TEXTS = [
    "",
    "Dr. Smith. Mr. Jones! Approx. 3 cm? Yes.",
    "1. Stable. 2) Clear.\n  3. Done.  a. b",
    "no effusion. stable nodule. ok. x",
    "See fig. 2.  (Prior) 'Quoted'. \"Q\". [A] -B *C",
    "e.g. Ca. Inc. Ltd. JR. x.y. Z",
    "...  A.. B",
]


def _plain_starts(text: str) -> set[int]:
    starts = {m.end() for m in _BLANK.finditer(text)}
    starts.update(m.end() for m in _NEWLINE.finditer(text))
    for terminal in (_PLAIN_TERMINAL, _PLAIN_LOWER_TERMINAL):
        for match in terminal.finditer(text):
            before = text[max(0, match.start() - 12) : match.start()]
            if _PLAIN_LIST_MARKER.search(before):
                continue
            word = _PLAIN_WORD_BEFORE.search(before)
            if not word or word.group(1).lower() not in _ABBREVIATIONS:
                starts.add(match.end())
    return starts


def _plain_sentence_starts(doc, starts: set[int]) -> list[int]:
    """Token indices that start a sentence, set one start at a time."""
    offsets = [token.idx for token in doc]
    found = {0}
    for start in starts:
        i = bisect_left(offsets, start)
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i < len(doc):
            found.add(i)
    return sorted(found)


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_starts_are_those_of_a_plain_search(text):
    assert text_starts(text) == _plain_starts(text)


def test_sentence_starts_in_reports_are_those_of_a_plain_search(nlp):
    assert len(REPORTS) > 100
    for path in REPORTS:
        text = normalise(path.read_text()).text
        starts = text_starts(text)
        assert starts == _plain_starts(text), path.name
        doc = nlp(text)
        for section in doc._.docnlp_sections:
            starts |= {section.start, section.body_start}
        expected = _plain_sentence_starts(doc, starts)
        assert [token.i for token in doc if token.is_sent_start] == expected
