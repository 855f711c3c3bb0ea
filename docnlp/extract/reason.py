"""The reason for the follow-up: why the study was done, tied to something known."""

from __future__ import annotations

from spacy.tokens import Span

from ..components.sections import PREAMBLE
from ..report import Context, Report, dedupe
from ..result import Element
from .config import ExtractionConfig
from .statements import (
    followup_targets,
    in_sentences,
    known_targets,
    names_what_is_followed,
    opening_sections,
    sentence_of,
    statements,
    suspected_targets,
    symptom_targets,
)


def extract_reason(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the stated reason and whether it refers to a known condition.

    The indication is read first; without a reason there, the history; then the
    opening lines before the findings; last the exam title ("CT C-spine for
    trauma"). A follow-up cue in the title or technique ("CT CHEST FOLLOW-UP
    NODULE") also ties the study to something known.

    A known condition beside a new symptom is only background (`partial`) unless
    the text ties the study to it: a suspected complication ("s/p appendectomy,
    evaluate for abscess") or the symptom stated with the procedure ("pain at the
    ileostomy site").

    Returns:
        `present` when the reason refers to a known condition, treatment, procedure
        or a follow-up; `partial` when a reason is stated that is not a follow-up
        reason (a new symptom, trauma, screening); `missing` when none is stated.
    """
    extra = report.in_sections(cfg.reason_extra)
    # A title that only calls the study a follow-up ("CT LIMITED/FOLLOW-UP STUDY",
    # the code's own name) follows nothing it names.
    title_cues = [
        t
        for t in followup_targets(report, extra)
        if names_what_is_followed(report, t, cfg)
    ] + _self_described(report, cfg)
    for categories in cfg.reason_sources:
        sources = opening_sections(report, categories, cfg)
        stated = statements(report, sources, cfg)
        if set(categories) & {"preamble", "body"}:
            stated = stated[: cfg.reason_fallback_statements]
        if not stated:
            continue
        cues = [
            t
            for t in in_sentences(followup_targets(report, sources), stated)
            if not _is_title_line(report, t) or names_what_is_followed(report, t, cfg)
        ] + title_cues
        cues += [
            t
            for t in in_sentences(report.targets_in(sources, ["PRIOR_RESULT"]), stated)
            if report.metadata(t).get("strong") or _finding_before(report, t, cfg)
        ]
        known = in_sentences(
            known_targets(report, sources, cfg, cfg.known_categories), stated
        )
        symptoms = in_sentences(symptom_targets(report, sources, cfg), stated)
        symptoms += symptom_targets(report, extra, cfg)
        suspected = in_sentences(suspected_targets(report, sources), stated)
        if cues or (
            known
            and (
                suspected
                or not symptoms
                or _tied(report, known, symptoms)
                or _in_course(report, symptoms, cfg)
            )
        ):
            chosen = cues or known
            evidence = dedupe(
                report.span_evidence(sentence_of(report, t)) for t in chosen
            )
            return Element("present", evidence, {"known": True})
        said = (
            known
            + symptoms
            + suspected
            + in_sentences(report.targets_in(sources, ["REASON"]), stated)
        )
        if said or _indication_text(report, stated):
            sentences = [sentence_of(report, t) for t in said] or stated
            evidence = dedupe(report.span_evidence(s) for s in sentences[:2])
            return Element("partial", evidence, {"known": False})
    if title_cues:
        evidence = dedupe(
            report.span_evidence(sentence_of(report, t)) for t in title_cues
        )
        return Element("present", evidence, {"known": True})
    return Element("missing", [], {"known": False})


def _is_title_line(report: Report, target: Span) -> bool:
    """True for a target in the report's title: its first line, unlabelled or
    under an exam heading."""
    return report.category_of(target) in (PREAMBLE, "exam") and (
        "\n" not in report.text[: target.start_char].strip()
    )


def _self_described(report: Report, cfg: ExtractionConfig) -> list[Span]:
    """Follow-up cues where the report calls itself a follow-up ("This follow-up
    study of the left adrenal nodule shows ..."), in whatever section."""
    found = []
    for sent in report.sentences_with(report.sections, ["FOLLOWUP"]):
        if report.search(cfg.self_reference, sent.start_char, sent.end_char):
            found += [
                t
                for t in report.targets_between(sent.start_char, sent.end_char)
                if t.label_ == "FOLLOWUP" and _stands(report.context(t))
            ]
    return found


def _stands(context: Context) -> bool:
    """True for a cue ConText neither denies, supposes nor gives to a relative."""
    return not (context.negated or context.hypothetical or context.family)


def _finding_before(report: Report, result: Span, cfg: ExtractionConfig) -> bool:
    """True when a finding is named just before the earlier study that showed it
    ("small contusion on outside head CT"): an abnormality found earlier."""
    for target in report.targets_between(
        max(0, result.start_char - cfg.finding_window), result.start_char
    ):
        if (
            target.label_ in ("CONDITION", "SYMPTOM")
            and not report.context(target).negated
        ):
            between = report.text[target.end_char : result.start_char]
            if not any(c in between for c in ".;\n"):
                return True
    return False


def _in_course(report: Report, symptoms: list[Span], cfg: ExtractionConfig) -> bool:
    """True for a symptom that carries on beside a known condition ("s/p FESS,
    persistent congestion"): the course of what is known, not a new complaint."""
    return any(
        cfg.course_words.search(
            report.text[max(0, s.start_char - 30) : s.start_char].lower()
        )
        for s in symptoms
    )


def _tied(report: Report, known: list[Span], symptoms: list[Span]) -> bool:
    """A symptom stated in one sentence with a procedure or device it may
    complicate."""
    procedures = [
        t
        for t in known
        if t.label_ == "PROCEDURE" and not report.metadata(t).get("background")
    ]
    sentences = {sentence_of(report, t).start for t in symptoms}
    # A negated symptom counts too: "could not straighten his leg after surgery".
    sentences |= {
        sentence_of(report, t).start for t in report.targets if t.label_ == "SYMPTOM"
    }
    return any(sentence_of(report, t).start in sentences for t in procedures)


def _indication_text(report: Report, stated: list[Span]) -> bool:
    """True when an indication or history sentence says something, even in words
    no rule knows, and is not an administrative note ("received for
    consultation")."""
    for sent in stated:
        if report.category_of(sent) not in ("indication", "history"):
            continue
        labels = report.labels_between(sent.start_char, sent.end_char)
        if "ADMIN" not in labels:
            return True
    return False
