"""A read-only view of a processed report that the element extractors share."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from spacy.tokens import Doc, Span

from .components import scanning
from .components.sections import PREAMBLE, Section
from .components.targets import SPAN_GROUP, target_metadata
from .result import Evidence
from .text import doc_text, sentences

# Where `Report.of` keeps a doc's report view in `Doc.user_data`.
_REPORT_KEY = ("docnlp", "report")
# The span attributes ConText sets that the extractors read, in `Context` order;
# any of them stops a target from counting as asserted.
_FLAGS = ("is_negated", "is_uncertain", "is_hypothetical", "is_family")


class Context(NamedTuple):
    """What ConText says of a target: negated, hedged, supposed or a relative's."""

    negated: bool = False
    uncertain: bool = False
    hypothetical: bool = False
    family: bool = False

    @property
    def asserted(self) -> bool:
        """True unless ConText negated, hedged or attributed the target elsewhere."""
        return not any(self)


# The context of a target ConText left alone.
_ASSERTED = Context()
# Each target rule's metadata, parsed once, by the hash of its span id: the same
# few rules match again and again. Read-only.
_METADATA: dict[int, dict[str, str]] = {}


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
        # Each section's test for an unfilled template, run once.
        self._filled = [s for s in self.sections if not s.is_empty(self.text)]
        targets = list(doc.spans.get(SPAN_GROUP, ()))
        starts = [t.start_char for t in targets]
        # The target component writes them in order; sorted only if not.
        if any(
            later < earlier for earlier, later in zip(starts, starts[1:], strict=False)
        ):
            order = sorted(range(len(targets)), key=starts.__getitem__)
            targets = [targets[i] for i in order]
            starts = [starts[i] for i in order]
        self.targets: list[Span] = targets
        self._target_starts = starts
        # Read once: each Span property call goes through spaCy's Cython layer.
        self._target_ends = [t.end_char for t in self.targets]
        self._target_labels = [t.label_ for t in self.targets]
        self._context = _read_context(doc, self.targets)
        self._sentences = [(s.start_char, s) for s in sentences(doc)]
        self._sentence_starts = [start for start, _ in self._sentences]
        self._sentence_ends = [s.end_char for _, s in self._sentences]
        self._in_sections: dict[frozenset[str], list[Section]] = {}
        self._lower: str | None = None
        self._may_match: dict[int, bool] = {}  # by pattern id, as `scanning.planned`

    @classmethod
    def of(cls, doc: Doc) -> Report:
        """The report view of a doc, built once and shared by the components that
        run after ConText (nothing they read changes after it)."""
        report = doc.user_data.get(_REPORT_KEY)
        if report is None:
            report = doc.user_data[_REPORT_KEY] = cls(doc)
        return report

    def context(self, target: Span) -> Context:
        """ConText's flags on a target, read once per report."""
        return self._context.get((target.start_char, target.end_char), _ASSERTED)

    def metadata(self, target: Span) -> dict[str, str]:
        """The metadata of the rule that matched a target (`target_metadata`),
        parsed once per rule; not to be changed."""
        found = _METADATA.get(target.id)
        if found is None:
            found = _METADATA[target.id] = target_metadata(target)
        return found

    def search(self, pattern: re.Pattern, start: int, end: int) -> re.Match | None:
        """`pattern.search(text[start:end])`, with `re` jumping between the
        characters a match can start with (a shortcut worked out once per pattern
        by `docnlp.components.scanning`)."""
        return scanning.search(pattern, self.text[start:end])

    def finditer(self, pattern: re.Pattern, start: int, end: int) -> list[re.Match]:
        """The matches of `pattern.finditer(text[start:end])`, found as `search`
        finds them."""
        return scanning.finditer(pattern, self.text[start:end])

    def may_match(self, pattern: re.Pattern) -> bool:
        """False when the report lacks a word that every match of a pattern holds,
        so that no part of it can match: worth asking before searching many
        sentences (it scans the whole text once per pattern)."""
        found = self._may_match.get(id(pattern))
        if found is None:
            scan = scanning.planned(pattern)
            if self._lower is None:
                self._lower = self.text.lower()
            # Only a lower-cased text that keeps its offsets stands for the text.
            lowered = scan.folds and len(self._lower) == len(self.text)
            text = self._lower if lowered else self.text
            found = scan.can_match(text, lowered=lowered)
            self._may_match[id(pattern)] = found
        return found

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
                s for s in self._filled if s.category in wanted
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
        # Local names: the loop below runs once per target.
        starts, ends = self._target_starts, self._target_ends
        names = self._target_labels
        found = []
        for section in sections:
            end = section.end
            first = bisect_left(starts, section.body_start)
            for i in range(first, bisect_left(starts, end, first)):
                if ends[i] <= end and (wanted is None or names[i] in wanted):
                    found.append(self.targets[i])
        if asserted:
            found = [span for span in found if self.context(span).asserted]
        return found

    def sentences_in(self, sections: Iterable[Section]) -> Iterator[Span]:
        """Sentences whose start lies in the body of one of the sections."""
        for i in self._sentence_indexes(sections):
            yield self._sentences[i][1]

    def sentences_with(
        self, sections: Iterable[Section], labels: Iterable[str]
    ) -> list[Span]:
        """The sentences of `sentences_in(sections)` that hold a target of some
        categories (one starting inside them, as in `targets_between`): the few a
        rule about those targets can apply to."""
        wanted = frozenset(labels)
        holding = set()
        for start, label in zip(self._target_starts, self._target_labels, strict=True):
            if label in wanted:
                i = bisect_right(self._sentence_starts, start) - 1
                if i >= 0 and start < self._sentence_ends[i]:
                    holding.add(i)
        return [
            self._sentences[i][1]
            for i in self._sentence_indexes(sections)
            if i in holding
        ]

    def _sentence_indexes(self, sections: Iterable[Section]) -> Iterator[int]:
        for section in sorted(sections, key=lambda s: s.start):
            first = bisect_left(self._sentence_starts, section.body_start)
            last = bisect_left(self._sentence_starts, section.end)
            yield from range(first, last)

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


def _read_context(doc: Doc, targets: list[Span]) -> dict[tuple[int, int], Context]:
    """ConText's flags on the spans it flagged, by their character offsets.

    spaCy keeps a span's extension values in `doc.user_data`, keyed by the
    attribute's name and the span's offsets, so one pass over that dict reads
    every flag; `span._` builds an accessor on each use. An attribute whose value
    is computed (a getter) or true by default is not there: then each target is
    read through its accessor.
    """
    extensions = {name: Span.get_extension(name) for name in _FLAGS}
    if not all(_stored(extension) for extension in extensions.values()):
        return {(t.start_char, t.end_char): _accessor_context(t) for t in targets}
    index = {name: i for i, name in enumerate(_FLAGS) if extensions[name]}
    flagged: dict[tuple[int, int], list[bool]] = {}
    for key, value in doc.user_data.items():
        if (
            isinstance(key, tuple)
            and len(key) == 4
            and key[0] == "._."
            and key[1] in index
            and key[3] is not None
        ):
            flags = flagged.setdefault((key[2], key[3]), [False] * len(_FLAGS))
            flags[index[key[1]]] = bool(value)
    return {offsets: Context(*flags) for offsets, flags in flagged.items()}


def _stored(extension: tuple | None) -> bool:
    """True for an attribute read from `doc.user_data`, false when unset (or one
    not registered, which reads as false)."""
    if extension is None:
        return True
    default, method, getter, _ = extension
    return not default and method is None and getter is None


def _accessor_context(span: Span) -> Context:
    underscore = span._  # each `span._` builds a new accessor
    return Context(*(bool(getattr(underscore, name, False)) for name in _FLAGS))


def dedupe(evidence: Iterable[Evidence | None]) -> list[Evidence]:
    """Evidence without gaps or repeats, in text order; nested spans keep the outer."""
    spans = sorted({e for e in evidence if e}, key=lambda e: (e.start, -e.end))
    kept: list[Evidence] = []
    for e in spans:
        if kept and e.start >= kept[-1].start and e.end <= kept[-1].end:
            continue
        kept.append(e)
    return kept
