"""What the reason and history extractors share: which sentences state something."""

from __future__ import annotations

import re
from typing import Any
from weakref import WeakKeyDictionary

from spacy.tokens import Span

from ..components.sections import PREAMBLE, Section
from ..report import Context, Report
from .config import ExtractionConfig

# Words that carry no clinical content on their own.
_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "for",
        "and",
        "or",
        "with",
        "to",
        "in",
        "on",
        "at",
        "by",
        "is",
        "was",
        "this",
        "that",
        "who",
        "has",
        "have",
        "had",
        "patient",
        "pt",
        "exam",
        "study",
        "scan",
        "evaluation",
        "evaluate",
        "eval",
        "please",
        "other",
        "none",
        "na",
        "see",
        "above",
        "below",
        "clinical",
        "history",
        "indication",
        "reason",
        "info",
        "information",
        "yo",
        "year",
        "years",
        "old",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "male",
        "female",
        "man",
        "woman",
        "boy",
        "girl",
        "child",
        "infant",
        "adult",
        "gentleman",
        "lady",
        "age",
        "aged",
    ]
)
_WORD = re.compile(r"[a-z]+")
# Targets that make a line more than an exam title.
_CLINICAL = frozenset(
    {
        "DEMOGRAPHIC",
        "SYMPTOM",
        "CONDITION",
        "PROCEDURE",
        "TREATMENT",
        "FOLLOWUP",
        "HISTORY_OF",
        "LAB",
        "PRIOR_RESULT",
        "CODE",
    }
)


def is_title(report: Report, sent: Span, cfg: ExtractionConfig) -> bool:
    """True for an exam title line ("CT CHEST WITHOUT CONTRAST") in the preamble."""
    # Several extractors ask of the same sentences.
    return per_sentence(report, "title", sent, lambda s: _is_title(report, s, cfg))


def _is_title(report: Report, sent: Span, cfg: ExtractionConfig) -> bool:
    # The cheap tests first: most sentences fail one of them.
    if report.category_of(sent) != PREAMBLE:
        return False
    labels = report.labels_between(sent.start_char, sent.end_char)
    if not labels & cfg.title_markers or labels & _CLINICAL:
        return False
    # A title stands at the start of its line.
    line_start = report.text.rfind("\n", 0, sent.start_char) + 1
    if report.text[line_start : sent.start_char].strip():
        return False
    # "Films demonstrate the kidneys" states a finding and "Placenta: anterior"
    # fills in a field; a title only names.
    text = report.span_text(sent)
    return len(text.split()) <= cfg.title_max_words and not report.search(
        cfg.not_title, sent.start_char, sent.end_char
    )


def statements(
    report: Report, sections: list[Section], cfg: ExtractionConfig
) -> list[Span]:
    """Sentences of the sections that state something (not titles, not blank)."""
    found = []
    for sent in report.sentences_in(sections):
        if is_title(report, sent, cfg) or reads_as_findings(report, sent):
            continue
        labels = report.labels_between(sent.start_char, sent.end_char)
        # A bare code ("C34.90") or abbreviation states a reason in no plain words.
        if only_denials(report, sent):
            continue
        if statements_words(report.span_text(sent)) or labels & _CLINICAL - {
            "DEMOGRAPHIC"
        }:
            found.append(sent)
    return found


def reads_as_findings(report: Report, sent: Span) -> bool:
    """True for an unlabelled sentence that compares with a prior and gives no
    reason ("Stable small vessel change compared with 2/2/23"): a finding of a
    report with no headings, not its reason or history. "CT chest for nodule
    follow-up: unchanged from 9/9/2022" gives both."""
    if report.category_of(sent) not in (PREAMBLE, "body"):
        return False
    return per_sentence(report, "findings", sent, lambda s: _compares_only(report, s))


def _compares_only(report: Report, sent: Span) -> bool:
    labels = {
        t.label_
        for t in report.targets_between(sent.start_char, sent.end_char)
        if not report.context(t).hypothetical
    }
    return "COMPARE" in labels and not labels & {"FOLLOWUP", "REASON"}


def only_denials(report: Report, sent: Span) -> bool:
    """True for a sentence whose every clinical term is negated ("No known history
    of cancer. No prior surgery."): it states no reason and no history."""
    terms = [
        t
        for t in report.targets_between(sent.start_char, sent.end_char)
        if t.label_ in _CLINICAL
    ]
    return bool(terms) and all(report.context(t).negated for t in terms)


def statements_words(text: str) -> list[str]:
    """The words of a text that carry content (not filler, ages or sexes)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _FILLER]


def in_sentences(spans: list[Span], sentences: list[Span]) -> list[Span]:
    """The spans that lie inside one of the sentences."""
    bounds = [(s.start_char, s.end_char) for s in sentences]
    return [
        t
        for t in spans
        if any(a <= t.start_char and t.end_char <= b for a, b in bounds)
    ]


def known_targets(
    report: Report,
    sections: list[Section],
    cfg: ExtractionConfig,
    categories: frozenset[str],
    *,
    family: bool = False,
) -> list[Span]:
    """Asserted targets that name a known condition, procedure or treatment.

    A billing code counts when the code itself names a diagnosis.
    """
    found = report.targets_in(sections, categories, asserted=not family)
    if family:
        found = [t for t in found if not _denied_or_hedged(report.context(t))]
    # "history of low back pain" is a symptom's history, not a diagnosis; a
    # history of a complaint that is also a diagnosis ("instability",
    # "seizures") is a known condition.
    symptoms = report.targets_in(sections, ["SYMPTOM"])
    found = [
        t
        for t in found
        if t.label_ != "HISTORY_OF" or names_a_diagnosis(report, t, symptoms)
    ]
    # The result of earlier imaging drove the study whatever it showed.
    found += [
        t
        for t in report.targets_in(sections, ["PRIOR_RESULT"])
        if t not in found and t.label_ in categories
    ]
    for code in report.targets_in(sections, ["CODE"], asserted=True):
        if cfg.code_kind(code) in ("known", "followup"):
            found.append(code)
    return found


def names_a_diagnosis(report: Report, history: Span, symptoms: list[Span]) -> bool:
    """False for the history of a complaint only ("history of low back pain"),
    unless the complaint is also a diagnosis ("history of seizures")."""
    inside = [
        s
        for s in symptoms
        if history.start_char <= s.start_char and s.end_char <= history.end_char
    ]
    return not inside or any(report.metadata(s).get("diagnosis") for s in inside)


# Targets that say how a study was done, not what it follows.
_STUDY_LABELS = frozenset(
    {"MODALITY", "REGION", "LIMITED", "LATERALITY", "CODE", "PROTOCOL"}
)


# Answers about one sentence, kept per report: a long unpunctuated report is one
# sentence holding hundreds of targets, each of which would ask again.
_PER_SENTENCE: WeakKeyDictionary = WeakKeyDictionary()


def per_sentence(report: Report, what: str, sent: Span, answer) -> Any:
    """`answer(sent)`, worked out once per report, question and sentence."""
    memo = _PER_SENTENCE.setdefault(report, {})
    key = (what, sent.start)
    if key not in memo:
        memo[key] = answer(sent)
    return memo[key]


def names_what_is_followed(report: Report, cue: Span, cfg: ExtractionConfig) -> bool:
    """True when a follow-up cue's sentence says what is followed, in words beyond
    the study's own ("IPMN, surveillance"), not only how the study was done ("CT
    LIMITED/FOLLOW-UP STUDY")."""
    return per_sentence(
        report,
        "followed",
        report.sentence(cue),
        lambda s: _names_followed(report, s, cfg),
    )


def _names_followed(report: Report, sent: Span, cfg: ExtractionConfig) -> bool:
    text = list(report.span_text(sent))
    for t in report.targets_between(sent.start_char, sent.end_char):
        # Every follow-up cue of the sentence is blanked, so the answer is the
        # sentence's and can be kept for its other cues.
        if t.label_ in _STUDY_LABELS or t.label_ == "FOLLOWUP":
            for i in range(
                t.start_char - sent.start_char, t.end_char - sent.start_char
            ):
                text[i] = " "
    rest = cfg.study_words.sub(" ", "".join(text))
    return bool(statements_words(rest))


def followup_targets(
    report: Report, sections: list[Section], *, history_only: bool = False
) -> list[Span]:
    """Follow-up cues ("follow-up", "restaging", "post-op", "metastasis?").

    They tie a study to something known even when hedged ("evaluate for
    recurrence"), but not when negated or about a relative.
    """
    found = []
    for span in report.targets_in(sections, ["FOLLOWUP"]):
        # A follow-up advised ("if needed, follow-up CT") is not the study's reason.
        context = report.context(span)
        if context.negated or context.family or context.hypothetical:
            continue
        if history_only and not _implies_history(report, span):
            continue
        if history_only and (context.uncertain or context.hypothetical):
            continue
        found.append(span)
    return found


def symptom_targets(
    report: Report, sections: list[Section], cfg: ExtractionConfig
) -> list[Span]:
    """Asserted symptoms, trauma and screening, and billing codes that mean one."""
    found = report.targets_in(sections, ["SYMPTOM"], asserted=True)
    for code in report.targets_in(sections, ["CODE"], asserted=True):
        if cfg.code_kind(code) == "symptom":
            found.append(code)
    return found


def suspected_targets(report: Report, sections: list[Section]) -> list[Span]:
    """Conditions the study looks for ("evaluate for abscess", "r/o PE")."""
    return [
        t
        for t in report.targets_in(sections, ["CONDITION"])
        if _hedged(report.context(t))
    ]


def opening_sections(
    report: Report, categories, cfg: ExtractionConfig
) -> list[Section]:
    """Non-empty sections of the categories; unlabelled ones only before the body.

    The preamble and unlabelled paragraphs state the reason and history only when
    they come before the comparison, technique, findings or impression: after
    them, unlabelled text is findings.
    """
    sections = report.in_sections(categories)
    ends = [s.start for s in report.sections if s.category in cfg.report_end_categories]
    first_end = min(ends) if ends else len(report.text)
    return [
        s
        for s in sections
        if s.category not in (PREAMBLE, "body") or s.start < first_end
    ]


def sentence_of(report: Report, span: Span) -> Span:
    """The sentence holding a span."""
    return report.sentence(span)


def _denied_or_hedged(context: Context) -> bool:
    """Negated, or only looked for or supposed: not known of the patient."""
    return context.negated or context.uncertain or context.hypothetical


def _hedged(context: Context) -> bool:
    """A condition looked for ("evaluate for abscess", "r/o PE"), not denied."""
    return (context.uncertain or context.hypothetical) and not context.negated


def _implies_history(report: Report, span: Span) -> bool:
    return report.metadata(span).get("history") == "True"


__all__ = [
    "followup_targets",
    "in_sentences",
    "is_title",
    "known_targets",
    "names_a_diagnosis",
    "names_what_is_followed",
    "opening_sections",
    "per_sentence",
    "reads_as_findings",
    "sentence_of",
    "statements",
    "statements_words",
    "suspected_targets",
    "symptom_targets",
]
