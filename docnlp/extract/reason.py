"""The reason for the follow-up: why the study was done, tied to something known."""

from __future__ import annotations

from ..report import Report, dedupe
from ..result import Element
from .config import ExtractionConfig
from .statements import followup_targets, known_targets, sentence_of, statements


def extract_reason(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the stated reason and whether it refers to a known condition.

    The indication is read first; without one, the history; without that, the
    opening lines before any heading. A follow-up cue in the exam title or technique
    ("CT CHEST FOLLOW-UP NODULE") also ties the study to something known.

    Returns:
        `present` when the reason refers to a known condition, treatment, procedure
        or a follow-up; `partial` when a reason is stated that is not a follow-up
        reason (a new symptom, trauma, screening); `missing` when none is stated.
    """
    sources, stated = [], []
    for categories in cfg.reason_sources:
        sources = report.in_sections(categories)
        stated = statements(report, sources, cfg)
        if stated:
            break
    extra = report.in_sections(cfg.reason_extra)

    known = known_targets(report, sources, cfg, cfg.known_categories)
    known += followup_targets(report, sources + extra)
    if known:
        evidence = dedupe(report.span_evidence(sentence_of(report, t)) for t in known)
        return Element("present", evidence, {"known": True})
    if stated:
        evidence = dedupe(report.span_evidence(sent) for sent in stated[:2])
        return Element("partial", evidence, {"known": False})
    return Element("missing", [], {"known": False})
