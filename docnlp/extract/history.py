"""Relevant clinical information: known diagnoses, prior surgery and treatment."""

from __future__ import annotations

from spacy.tokens import Span

from ..report import Report, dedupe
from ..result import Element
from .config import ExtractionConfig
from .statements import (
    followup_targets,
    known_targets,
    names_a_diagnosis,
    names_what_is_followed,
    opening_sections,
    reads_as_findings,
    sentence_of,
    statements,
)

# Targets that make an unlabelled sentence clinical information.
_CLINICAL_LABELS = frozenset(
    {
        "DEMOGRAPHIC",
        "SYMPTOM",
        "CONDITION",
        "PROCEDURE",
        "TREATMENT",
        "HISTORY_OF",
        "LAB",
        "CODE",
        "PRIOR_RESULT",
    }
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
    # A relative's history is relevant clinical information too.
    known = known_targets(report, sources, cfg, cfg.history_categories, family=True)
    known += followup_targets(report, sources, history_only=True)
    known += _followed_things(report, sources, cfg)
    findings = {}  # by sentence start: a long sentence holds many targets
    for t in known:
        sent = sentence_of(report, t)
        if sent.start not in findings:
            findings[sent.start] = reads_as_findings(report, sent)
    known = [t for t in known if not findings[sentence_of(report, t).start]]
    known += _stated_elsewhere(report, sources)
    if known:
        evidence = dedupe(report.span_evidence(sentence_of(report, t)) for t in known)
        return Element("present", evidence)
    # The exam title can state a bare reason ("CT C-spine for trauma").
    titles = report.in_sections(["exam"])
    stated = [
        s for s in statements(report, sources + titles, cfg) if _clinical(report, s)
    ]
    # The patient's age and sex alone are clinical information, if little.
    stated += [
        sentence_of(report, t) for t in report.targets_in(sources, ["DEMOGRAPHIC"])
    ]
    if stated:
        evidence = dedupe(report.span_evidence(sent) for sent in stated[:2])
        return Element("partial", evidence)
    return Element("missing", [])


def _stated_elsewhere(report: Report, sources) -> list[Span]:
    """History stated as such outside the opening sections ("in this patient with
    known Crohn disease", "given her history of breast cancer"): the guidelines
    take history from anywhere in the report, but only in words that say it is
    history, never a state read off the images."""
    opening = {id(s) for s in sources}
    found = []
    for section in report.sections:
        if id(section) in opening:
            continue
        targets = report.targets_in([section], ("HISTORY_OF", "CONDITION", "SYMPTOM"))
        symptoms = [t for t in targets if t.label_ == "SYMPTOM"]
        for i, target in enumerate(targets):
            if target.label_ == "SYMPTOM" or (
                target.label_ == "CONDITION" and target.text.lower() != "known"
            ):
                continue
            context = report.context(target)
            if context.negated or context.hypothetical:
                continue
            if target.label_ == "HISTORY_OF":
                if names_a_diagnosis(report, target, symptoms):
                    found.append(target)
            else:
                # "known" marks the condition named right after it.
                found += [
                    t
                    for t in targets[i + 1 : i + 4]
                    if t.label_ == "CONDITION"
                    and not report.context(t).negated
                    and report.sentence(t).start == report.sentence(target).start
                ]
    return found


def _followed_things(report: Report, sources, cfg: ExtractionConfig) -> list[Span]:
    """Follow-up cues that name what is followed ("IPMN, surveillance"): the thing
    followed is known history even when no rule knows its name."""
    named = {}  # by sentence start: a long sentence holds many cues
    found = []
    for cue in followup_targets(report, sources):
        start = sentence_of(report, cue).start
        if start not in named:
            named[start] = names_what_is_followed(report, cue, cfg)
        if named[start]:
            found.append(cue)
    return found


def _clinical(report: Report, sent: Span) -> bool:
    """Indication and history text always counts; elsewhere a sentence needs a
    clinical term or the patient's age or sex."""
    if report.category_of(sent) in ("indication", "history"):
        return True
    return any(
        t.label_ in _CLINICAL_LABELS and not report.context(t).negated
        for t in report.targets_between(sent.start_char, sent.end_char)
    )
