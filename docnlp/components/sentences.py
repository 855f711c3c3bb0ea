"""The `docnlp_sentences` component: sentence boundaries for reports as typed.

PyRuSH, medspaCy's default splitter, is a pure-Python rule engine that takes most of a
pipeline's time and stumbles on reports that are typed rather than written: newlines
with no space after them, lines of spaces, CRLF, bullets and numbered lists, all-caps
text. This splitter is a handful of compiled regular expressions over the normalised
text; boundaries are then set on the tokens in one pass.
"""

import re
from bisect import bisect_left

import numpy
from spacy.attrs import IDX, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..text import doc_text

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "vs",
    "e.g",
    "i.e",
    "approx",
    "appt",
    "no",
    "nos",
    "fig",
    "ref",
    "resp",
    "cf",
    "etc",
    "a.m",
    "p.m",
    "incl",
    "dept",
    "mt",
    "ft",
    "lt",
    "rt",
    "bilat",
    "pt",
    "pts",
    "hx",
    "dx",
    "sx",
    "tx",
    "fx",
    "ca",
    "inc",
    "co",
    "ltd",
    "jr",
    "sr",
    "prof",
}

# A blank line, or a line holding only spaces, ends what came before it.
_BLANK = re.compile(r"\n[ ]*\n")
# A line break ends a sentence unless the next line carries on in lower case.
_NEWLINE = re.compile(r"\n(?=[ ]*(?:[^\sa-z]|[a-z]\)|[a-z]\.\s))")
# Terminal punctuation followed by space and something that can start a sentence.
# The sentence starts after the space; the punctuation is part of the match so that
# `re` jumps between punctuation marks rather than trying every position.
_TERMINAL = re.compile(r"[.!?](?P<space>[ ]+)(?=[\"'(\[]?[A-Z0-9\-*])")
# A full stop after a word of three letters or more, before a lower-case word: the
# sentences of a report dictated in lower case ("no effusion. stable nodule").
_LOWER_TERMINAL = re.compile(r"\.(?<=[a-z]{3}\.)(?P<space>[ ]+)(?=[a-z])")
# What a full stop may close that does not end a sentence: a list marker ("1.",
# "2)") at the start of a line or after a colon, or an abbreviation (the `word`).
# The two exclude each other: a digit or a letter comes before the stop.
_FALSE_STOP = re.compile(
    r"(?:(?:^|\n|[:.;])[ ]*\(?\d{1,2}[.)]|(?P<word>[A-Za-z][A-Za-z.]*)\.)\Z"
)


class SentenceSplitter:
    """Sets `Token.is_sent_start` from line layout, punctuation and headings.

    Boundaries: a blank line or a line of spaces; a line break unless the next line
    continues in lower case; ".", "!" or "?" before a capital or digit, except after
    an abbreviation or a list number; the start of every section heading and of
    every section body, so that ConText never reaches across a heading.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        starts = text_starts(doc_text(doc))
        for section in doc._.docnlp_sections or ():
            starts.add(section.start)
            starts.add(section.body_start)
        self._apply(doc, starts)
        return doc

    @staticmethod
    def _apply(doc: Doc, starts: set[int]) -> None:
        if not len(doc):
            return
        columns = doc.to_array([IDX, IS_SPACE])
        offsets = columns[:, 0].tolist()
        spaces = columns[:, 1].tolist()
        # 1 starts a sentence, -1 does not (spaCy's SENT_START convention).
        flags = numpy.full((len(doc), 1), -1, dtype="int64")
        flags[0, 0] = 1
        for start in starts:
            i = bisect_left(offsets, start)
            # Leading white-space tokens belong to the previous sentence.
            while i < len(doc) and spaces[i]:
                i += 1
            if i < len(doc):
                flags[i, 0] = 1
        doc.from_array([SENT_START], flags.astype("uint64"))


def text_starts(text: str) -> set[int]:
    """Offsets where a sentence starts by the text's layout and punctuation alone."""
    starts = {match.end() for match in _BLANK.finditer(text)}
    starts.update(match.end() for match in _NEWLINE.finditer(text))
    for terminal in (_TERMINAL, _LOWER_TERMINAL):
        starts.update(
            match.end()
            for match in terminal.finditer(text)
            if not _is_false_stop(text, match.start("space"))
        )
    return starts


def _is_false_stop(text: str, stop: int) -> bool:
    found = _FALSE_STOP.search(text[max(0, stop - 12) : stop])
    if found is None:
        return False
    return found["word"] is None or found["word"].lower() in _ABBREVIATIONS


@Language.factory("docnlp_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    """Create the report sentence splitter (no config). Runs after docnlp_sections."""
    return SentenceSplitter(nlp, name)
