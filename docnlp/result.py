"""The Result contract: what the pipeline hands every writer, service and store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["present", "partial", "missing"]
Severity = Literal["error", "warning", "info"]

# The five elements of the 76380 checklist, in the order a reviewer reads them.
ELEMENTS = (
    "reason_for_followup",
    "comparison",
    "scanned_region",
    "interpretation",
    "clinical_history",
)


@dataclass(frozen=True)
class Evidence:
    """A quoted span of the original report.

    Attributes:
        text: The original text at `start:end`, exactly.
        start: Character offset into the original text.
        end: Character offset into the original text.
        section: The category of the section the span is in.
    """

    text: str
    start: int
    end: int
    section: str


@dataclass(frozen=True)
class Prior:
    """A prior study the report compares with.

    Attributes:
        date: ISO date (YYYY-MM-DD, YYYY-MM or YYYY), or None when not given.
        modality: CT, MR, US, XR, PET, NM, FL, MG or OTHER, or None when not named.
        text: The original text naming the study.
        start: Character offset into the original text.
        end: Character offset into the original text.
        relative: A relative date as written ("six months ago"), when that is all.
    """

    date: str | None
    modality: str | None
    text: str
    start: int
    end: int
    relative: str | None = None


@dataclass(frozen=True)
class IntervalChange:
    """A finding compared with the prior study, and how it changed.

    Attributes:
        finding: The finding as named ("nodule", "right lower lobe").
        change: "new", "increased", "decreased", "stable" or "resolved".
        size_then: The size on the prior ("6 mm"), when given.
        size_now: The size now ("8 mm"), when given.
        text: The original text of the clause.
        start: Character offset into the original text.
        end: Character offset into the original text.
        section: The section the clause is in.
    """

    finding: str
    change: str
    size_then: str | None
    size_now: str | None
    text: str
    start: int
    end: int
    section: str


@dataclass(frozen=True)
class Recommendation:
    """A follow-up the report recommends.

    Attributes:
        modality: CT, MR, US, ... when named.
        interval: "3 months", "annual", ... when given.
        conditional: True for "if clinically indicated" and the like.
        text: The original text of the sentence.
        start: Character offset into the original text.
        end: Character offset into the original text.
        section: The section the sentence is in.
    """

    modality: str | None
    interval: str | None
    conditional: bool
    text: str
    start: int
    end: int
    section: str


@dataclass(frozen=True)
class Necessity:
    """Whether the impression answers the reason for the follow-up.

    Attributes:
        addressed: True or False; None when the reason names no condition to check.
        terms: The condition words taken from the reason.
        evidence: Impression sentences that answer it.
    """

    addressed: bool | None
    terms: list[str]
    evidence: list[Evidence]


@dataclass
class Element:
    """One checklist element as the report documents it.

    Attributes:
        status: "present", "partial" or "missing", as the gold guidelines define them.
        evidence: The spans that support the status.
        details: Element-specific fields (priors, regions, findings, signed, ...).
    """

    status: Status
    evidence: list[Evidence] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The element as JSON-ready data: status, evidence, then its details."""
        data: dict[str, Any] = {
            "status": self.status,
            "evidence": [asdict(e) for e in self.evidence],
        }
        for key, value in self.details.items():
            if isinstance(value, list):
                value = [
                    asdict(v) if isinstance(v, (Prior, Evidence)) else v for v in value
                ]
            data[key] = value
        return data


@dataclass(frozen=True)
class Gap:
    """Something a reviewer must act on.

    Attributes:
        element: The checklist element, or "report" for a report-level finding.
        severity: "error" blocks billing, "warning" needs a look, "info" is a note.
        message: What is missing, in words a reviewer can act on.
        code: A stable identifier of the kind of gap.
    """

    element: str
    severity: Severity
    message: str
    code: str


@dataclass
class Result:
    """The check of one report against one checklist.

    Attributes:
        id: The report's identifier.
        source: Where the report came from (file, line or row).
        code: The CPT code checked.
        score: Weighted share of the checklist documented, from 0 to 1.
        complete: True when the report documents everything the code needs under
            the reading it supports.
        reading: "followup" or "limited": how the report supports the code; None
            when it supports neither.
        elements: Each checklist element, by name.
        gaps: What is missing or weak, in reviewer's words.
        flags: Report-level conditions a coder needs ("initial_study_likely").
        error: None, or what went wrong for this report.
        interval_changes: Findings compared with the prior and how they changed.
        recommendations: Follow-up the report recommends.
        necessity: Whether the impression answers the reason for the follow-up.
    """

    id: str
    source: str
    code: str
    score: float = 0.0
    complete: bool = False
    reading: str | None = None
    elements: dict[str, Element] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str | None = None
    interval_changes: list[IntervalChange] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    necessity: Necessity | None = None

    @classmethod
    def failed(cls, id: str, source: str, code: str, error: str) -> Result:
        """A result recording that a report could not be read or checked."""
        return cls(id=id, source=source, code=code, error=error)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data, in the documented field order."""
        return {
            "id": self.id,
            "source": self.source,
            "code": self.code,
            "score": round(self.score, 4),
            "complete": self.complete,
            "reading": self.reading,
            "elements": {k: v.to_dict() for k, v in self.elements.items()},
            "gaps": [asdict(g) for g in self.gaps],
            "flags": list(self.flags),
            "error": self.error,
            "interval_changes": [asdict(c) for c in self.interval_changes],
            "recommendations": [asdict(r) for r in self.recommendations],
            "necessity": asdict(self.necessity) if self.necessity else None,
        }
