"""The radiologist's interpretation: findings, impression and signature."""

from __future__ import annotations

import re

from ..components.sections import PREAMBLE
from ..report import Report, dedupe
from ..result import Element
from .config import ExtractionConfig
from .statements import is_title

# What follows an attestation in a template nobody filled: "***", "___", "[ ]".
_UNFILLED = re.compile(
    r"^[\s:.,-]*(?:by\b)?[\s:.,-]*(?:\*{2,}|_{2,}|\[[^\]\n]*\]|<<[^>\n]*>>|x{2,})?"
    r"[\s:.,-]*$",
    re.IGNORECASE,
)
# A word character: text before a heading on its line has none.
_WORD = re.compile(r"\w")
# Targets that show a sentence describes the images.
_DESCRIBED = frozenset({"REGION", "CONDITION", "CHANGE"})


def extract_interpretation(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the findings, the impression and any signature.

    Returns:
        `present` with findings and an impression, `partial` with only one of them,
        `missing` with neither. Details carry `findings`, `impression`, `signed`
        and `preliminary`.
    """
    findings_sections = report.in_sections(cfg.findings_sections)
    impression_sections = report.in_sections(cfg.impression_sections)
    evidence = [report.section_evidence(s, limit=160) for s in findings_sections[:1]]
    findings = bool(findings_sections)
    if not findings:
        described = _unlabelled_findings(report, cfg)
        findings = bool(described)
        evidence += [report.span_evidence(s) for s in described[:1]]
    evidence += [report.section_evidence(s, limit=160) for s in impression_sections[:1]]
    impression = bool(impression_sections)
    if not impression:
        summary = _unlabelled_summary(report, cfg)
        impression = bool(summary)
        evidence += [report.span_evidence(s) for s in summary[:1]]
    signature = _signature(report, cfg)
    details = {
        "findings": findings,
        "impression": impression,
        "signed": bool(signature),
        "preliminary": _preliminary(report, cfg),
    }
    if signature:
        evidence.append(signature)

    status = (
        "present"
        if findings and impression
        else ("partial" if findings or impression else "missing")
    )
    return Element(status, dedupe(evidence), details)


def _preliminary(report: Report, cfg: ExtractionConfig) -> bool:
    """True for a preliminary read that no final read in the same text follows: the
    billed interpretation is the final one."""
    text = report.text
    for mark in report.finditer(cfg.preliminary, 0, len(text)):
        # "PRELIMINARY REPORT" heads the report; "a preliminary report was
        # called to ..." inside a sentence is a note in the final one.
        if mark.group("banner") and _WORD.search(
            text, text.rfind("\n", 0, mark.start()) + 1, mark.start()
        ):
            continue
        return report.search(cfg.final_read, mark.end(), len(text)) is None
    return False


def _unlabelled_findings(report: Report, cfg: ExtractionConfig):
    """Descriptive sentences under no findings heading (reports without one)."""
    found = []
    sections = report.in_sections(cfg.unlabelled_findings)
    body_starts: dict[int, int] = {}
    for sent in report.sentences_with(sections, _DESCRIBED):
        if is_title(report, sent, cfg) or sent.start_char == _body_start(
            report, sent, body_starts
        ):
            continue
        if report.search(cfg.observation, sent.start_char, sent.end_char):
            found.append(sent)
    return found


def _unlabelled_summary(report: Report, cfg: ExtractionConfig):
    """A sentence that sums the study up ("In summary, ...") under no heading."""
    if not report.may_match(cfg.summary):
        return []
    sections = report.in_sections(cfg.unlabelled_findings)
    return [
        s
        for s in report.sentences_in(sections)
        if report.search(cfg.summary, s.start_char, s.end_char)
        and not is_title(report, s, cfg)
    ]


def _body_start(report: Report, sent, known: dict[int, int]) -> int:
    """The start of the section body a sentence is in: its first sentence is the
    exam or technique statement itself, not a finding. `known` keeps each
    section's, by the section's start."""
    section = report.section_of(sent.start_char)
    if section is None or section.category == PREAMBLE:
        return -1
    if section.start not in known:
        body = section.body(report.text).strip()
        known[section.start] = report.text.find(body, section.body_start)
    return known[section.start]


def _signature(report: Report, cfg: ExtractionConfig):
    text = report.text
    for span in report.targets:
        if span.label_ == "SIGNATURE" and report.context(span).asserted:
            start = text.rfind("\n", 0, span.start_char) + 1
            end = text.find("\n", span.end_char)
            end = end if end >= 0 else len(text)
            # "Electronically signed by: ***" is a template's, not a signature.
            if _UNFILLED.match(text[span.end_char : end]):
                continue
            return report.evidence(start, end)
    for section in report.in_sections(cfg.signature_sections):
        if any(ch.isalpha() for ch in section.body(report.text)):
            return report.section_evidence(section, limit=120)
    return None


__all__ = ["extract_interpretation", "dedupe"]
