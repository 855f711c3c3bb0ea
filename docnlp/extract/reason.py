"""The reason for the follow-up: why the study was done, tied to something known."""

from __future__ import annotations

from ..report import Report, dedupe
from ..result import Element
from .config import ExtractionConfig
from .statements import (
    followup_targets,
    known_targets,
    opening_sections,
    sentence_of,
    statements,
    suspected_targets,
    symptom_targets,
)


def extract_reason(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the stated reason and whether it refers to a known condition.

    The indication is read first; without one, the history; without that, the
    opening lines before the findings. A follow-up cue in the exam title or
    technique ("CT CHEST FOLLOW-UP NODULE") also ties the study to something known.

    A known condition beside a new symptom is only background (`partial`) unless
    the reason also names a suspected complication ("s/p appendectomy, evaluate for
    abscess"), which ties the study to it.

    Returns:
        `present` when the reason refers to a known condition, treatment, procedure
        or a follow-up; `partial` when a reason is stated that is not a follow-up
        reason (a new symptom, trauma, screening); `missing` when none is stated.
    """
    sources, stated = _reason_statements(report, cfg)
    extra = report.in_sections(cfg.reason_extra)
    cues = followup_targets(report, sources + extra)
    known = known_targets(report, sources, cfg, cfg.known_categories)
    symptoms = symptom_targets(report, sources, cfg)
    suspected = suspected_targets(report, sources)

    if cues or (known and (suspected or not symptoms)):
        chosen = cues or known
        evidence = dedupe(report.span_evidence(sentence_of(report, t)) for t in chosen)
        return Element("present", evidence, {"known": True})
    if stated and (known or symptoms or suspected or _has_indication(sources)):
        evidence = dedupe(report.span_evidence(sent) for sent in stated[:2])
        return Element("partial", evidence, {"known": False})
    return Element("missing", [], {"known": False})


def _reason_statements(report: Report, cfg: ExtractionConfig):
    for categories in cfg.reason_sources:
        sources = opening_sections(report, categories, cfg)
        stated = statements(report, sources, cfg)
        if sources and set(categories) & {"preamble", "body"}:
            stated = stated[: cfg.reason_fallback_statements]
            sources = [s for s in sources if any(
                s.body_start <= sent.start_char < s.end for sent in stated)]
        if stated:
            return sources, stated
    return [], []


def _has_indication(sections) -> bool:
    return any(s.category == "indication" for s in sections)
