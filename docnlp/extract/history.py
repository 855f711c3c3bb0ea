"""Relevant clinical information: known diagnoses, prior surgery and treatment."""

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
)


def extract_history(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the clinical history a report gives beyond the bare reason.

    Only what the report states as history counts: the indication, history and
    opening lines, never a post-surgical state read off the images. Negated history
    ("no history of malignancy", "denies surgery") is not history; an abnormal
    laboratory value alone is not either.

    Returns:
        `present` for a known diagnosis, prior surgery, device or treatment;
        `partial` when the only clinical information is a symptom or demographics;
        `missing` when there is none.
    """
    sources = opening_sections(report, cfg.history_sources, cfg)
    known = known_targets(report, sources, cfg, cfg.history_categories)
    known += followup_targets(report, sources, history_only=True)
    if known:
        evidence = dedupe(report.span_evidence(sentence_of(report, t)) for t in known)
        return Element("present", evidence)
    stated = statements(report, sources, cfg)
    if stated:
        evidence = dedupe(report.span_evidence(sent) for sent in stated[:2])
        return Element("partial", evidence)
    return Element("missing", [])
