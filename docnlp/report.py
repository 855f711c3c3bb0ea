"""A read-only view of a processed report that the element extractors share."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc, Span

from .components.sections import PREAMBLE, Section
from .components.targets import SPAN_GROUP
from .result import Evidence
from .text import doc_text

# Where `Report.of` keeps a doc's report view in `Doc.user_data`.
_REPORT_KEY = ("docnlp", "report")
# ConText attributes that stop a target from counting as asserted.
_NOT_ASSERTED = ("is_negated", "is_uncertain", "is_hypothetical", "is_family")


class Report:
    """Sections, sentences and targets of one processed report.

    Args:
        doc: A doc that has been through the docnlp pipeline.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.sections: list[Section] = [
            s for s in (doc._.docnlp_sections or ()) if s.end > s.start
        ]
        self._starts = [s.start for s in self.sections]
        targets = doc.spans.get(SPAN_GROUP, ())
        self.targets: list[Span] = sorted(targets, key=lambda t: t.start_char)
        self._target_starts = [t.start_char for t in self.targets]
        # Read once: each Span property call goes through spaCy's Cython layer.
        self._target_ends = [t.end_char for t in self.targets]
        self._target_labels = [t.label_ for t in self.targets]
        self._sentences = [(s.start_char, s) for s in doc.sents]
        self._sentence_starts = [start for start, _ in self._sentences]
        self._in_sections: dict[frozenset[str], list[Section]] = {}

    @classmethod
    def of(cls, doc: Doc) -> Report:
        """The report view of a doc, built once and shared by the components that
        run after ConText (nothing they read changes after it)."""
        report = doc.user_data.get(_REPORT_KEY)
        if report is None:
            report = doc.user_data[_REPORT_KEY] = cls(doc)
        return report

    def sentence(self, span: Span) -> Span:
        """The sentence holding a span (Token.sent walks the doc; this bisects)."""
        i = bisect_right(self._sentence_starts, span.start_char) - 1
        return self._sentences[max(i, 0)][1]

    def targets_between(self, start: int, end: int) -> list[Span]:
        """Targets that start inside a character range."""
        first = bisect_left(self._target_starts, start)
        last = bisect_left(self._target_starts, end)
        return self.targets[first:last]

    def labels_between(self, start: int, end: int) -> set[str]:
        """The target categories that start inside a character range."""
        return {t.label_ for t in self.targets_between(start, end)}

    def section_of(self, offset: int) -> Section | None:
        """The section holding a character offset."""
        i = bisect_right(self._starts, offset) - 1
        return self.sections[i] if i >= 0 else None

    def category_of(self, span: Span) -> str:
        """The section category of a span, "preamble" before any heading."""
        section = self.section_of(span.start_char)
        return section.category if section else PREAMBLE

    def in_sections(self, categories: Iterable[str]) -> list[Section]:
        """The non-empty sections of the given categories, in order."""
        wanted = frozenset(categories)
        found = self._in_sections.get(wanted)
        if found is None:
            found = self._in_sections[wanted] = [
                s
                for s in self.sections
                if s.category in wanted and not s.is_empty(self.text)
            ]
        return list(found)

    def targets_in(
        self,
        sections: Iterable[Section],
        labels: Iterable[str] | None = None,
        *,
        asserted: bool = False,
    ) -> list[Span]:
        """Targets inside the bodies of some sections.

        Args:
            sections: Where to look.
            labels: Target categories to keep; all when None.
            asserted: Keep only targets no ConText modifier negates or hedges.
        """
        wanted = set(labels) if labels is not None else None
        found = []
        for section in sections:
            first = bisect_left(self._target_starts, section.body_start)
            last = bisect_left(self._target_starts, section.end)
            for i in range(first, last):
                if self._target_ends[i] > section.end:
                    continue
                if wanted is not None and self._target_labels[i] not in wanted:
                    continue
                span = self.targets[i]
                if asserted and not is_asserted(span):
                    continue
                found.append(span)
        return found

    def sentences_in(self, sections: Iterable[Section]) -> Iterator[Span]:
        """Sentences whose start lies in the body of one of the sections."""
        for section in sorted(sections, key=lambda s: s.start):
            first = bisect_left(self._sentence_starts, section.body_start)
            last = bisect_left(self._sentence_starts, section.end)
            for _, sent in self._sentences[first:last]:
                yield sent

    def span_text(self, span: Span) -> str:
        """A span's text, sliced from the report (Span.text rebuilds it)."""
        return self.text[span.start_char : span.end_char]

    def evidence(self, start: int, end: int) -> Evidence | None:
        """Evidence for a span of text, trimmed of white space and list marks."""
        text = self.text
        while start < end and (text[start].isspace() or text[start] in "-*:"):
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        section = self.section_of(start)
        category = section.category if section else PREAMBLE
        return Evidence(text[start:end], start, end, category)

    def section_evidence(
        self, section: Section, *, limit: int = 300
    ) -> Evidence | None:
        """Evidence quoting a section with its heading, cut at a line or sentence."""
        end = section.end
        body = self.text[section.body_start : section.end].strip()
        if len(body) > limit:
            cut = self.text.find(
                "\n", section.body_start + 1, section.body_start + limit
            )
            end = cut if cut > 0 else section.body_start + limit
        return self.evidence(section.start, end)

    def span_evidence(self, span: Span) -> Evidence | None:
        """Evidence for a spaCy span."""
        return self.evidence(span.start_char, span.end_char)


def is_asserted(span: Span) -> bool:
    """True unless ConText negated, hedged or attributed the span to someone else."""
    underscore = span._  # each `span._` builds a new accessor
    return not any(getattr(underscore, attr, False) for attr in _NOT_ASSERTED)


def dedupe(evidence: Iterable[Evidence | None]) -> list[Evidence]:
    """Evidence without gaps or repeats, in text order; nested spans keep the outer."""
    spans = sorted({e for e in evidence if e}, key=lambda e: (e.start, -e.end))
    kept: list[Evidence] = []
    for e in spans:
        if kept and e.start >= kept[-1].start and e.end <= kept[-1].end:
            continue
        kept.append(e)
    return kept
