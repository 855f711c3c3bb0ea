"""Sentences as the element model reads them, and their labels from gold evidence."""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc, Span

from ..components.sections import PREAMBLE
from ..report import Report
from ..result import ELEMENTS

logger = logging.getLogger("docnlp")

# ConText attributes a target can carry, and the short tag each adds to its label.
CONTEXT_FLAGS = {
    "is_negated": "neg",
    "is_uncertain": "unc",
    "is_hypothetical": "hyp",
    "is_historical": "hist",
    "is_family": "fam",
}
# Gold statuses whose evidence makes a sentence positive for its element.
POSITIVE_STATUSES = frozenset({"present", "partial"})


@dataclass(frozen=True)
class Sentence:
    """One sentence of a report, with what the rule components found in it.

    Attributes:
        text: The sentence, stripped of surrounding white space.
        section: The category of the section it starts in ("preamble" before any).
        rules: Space-separated rule tags: each target category in the sentence, and
            the category joined to each ConText flag it carries ("CONDITION:neg").
        start: Character offset of `text` in the doc text.
        end: Character offset where `text` ends.
    """

    text: str
    section: str
    rules: str
    start: int
    end: int

    def row(self) -> tuple[str, str, str]:
        """The sentence as a row of the estimator's input: text, section, rules."""
        return (self.text, self.section, self.rules)


def read_sentences(doc: Doc) -> list[Sentence]:
    """The sentences of a doc that has been through the docnlp rule components.

    Sentences of white space only are left out.

    Args:
        doc: A doc processed by docnlp_sections to docnlp_context.

    Returns:
        The sentences, in text order.
    """
    # Slices of doc.text, not Span.text: a span rebuilds its text token by token.
    report = Report(doc)
    text = report.text
    bounds = [(s.start_char, s.end_char) for s in doc.sents]
    bounds = [(a, b) for a, b in bounds if text[a:b].strip()]
    starts = [a for a, _ in bounds]
    tags: list[set[str]] = [set() for _ in bounds]
    for target in report.targets:
        i = bisect_right(starts, target.start_char) - 1
        if i >= 0:
            tags[i].update(_rule_tags(target))
    return [
        _sentence(text, start, end, report, found)
        for (start, end), found in zip(bounds, tags, strict=True)
    ]


def sentence_labels(
    text: str,
    sentences: Sequence[Sentence],
    record: Mapping[str, Any],
    elements: Sequence[str] = ELEMENTS,
) -> np.ndarray:
    """Which elements each sentence documents, by the gold record's evidence.

    A sentence is positive for an element when it overlaps an evidence string of that
    element and the element's gold status is present or partial. An evidence string
    is placed at its first occurrence in the text.

    Args:
        text: The report text the gold evidence quotes.
        sentences: The report's sentences, with offsets into `text`.
        record: The gold record.
        elements: The elements, in the order of the columns.

    Returns:
        An int array of shape (len(sentences), len(elements)) holding 0 and 1.
    """
    labels = np.zeros((len(sentences), len(elements)), dtype=int)
    for j, name in enumerate(elements):
        element = record.get("elements", {}).get(name) or {}
        if element.get("status") not in POSITIVE_STATUSES:
            continue
        for quote in element.get("evidence") or ():
            start = text.find(quote)
            if start < 0 or not quote.strip():
                logger.debug("gold %s: %s evidence not found", record.get("id"), name)
                continue
            end = start + len(quote)
            for i, sentence in enumerate(sentences):
                if sentence.start < end and start < sentence.end:
                    labels[i, j] = 1
    return labels


def _sentence(
    text: str, start: int, end: int, report: Report, tags: set[str]
) -> Sentence:
    raw = text[start:end]
    stripped = raw.strip()
    start += len(raw) - len(raw.lstrip())
    section = report.section_of(start)
    return Sentence(
        stripped,
        section.category if section else PREAMBLE,
        " ".join(sorted(tags)),
        start,
        start + len(stripped),
    )


def _rule_tags(target: Span) -> list[str]:
    label = target.label_
    ext = target._
    flags = [t for attr, t in CONTEXT_FLAGS.items() if getattr(ext, attr, False)]
    return [label, *(f"{label}:{flag}" for flag in flags)]
