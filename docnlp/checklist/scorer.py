"""Scoring extracted elements against a checklist: score, reading and gaps."""

from __future__ import annotations

from dataclasses import dataclass

from ..result import Element, Gap
from .model import Checklist, Reading


@dataclass(frozen=True)
class Score:
    """A report's standing against a checklist."""

    score: float
    complete: bool
    reading: str | None
    gaps: list[Gap]
    flags: list[str]


def score(
    checklist: Checklist,
    elements: dict[str, Element],
    *,
    changes: list | None = None,
    necessity=None,
) -> Score:
    """Score a report's elements against a checklist.

    The reading is the first one whose requirements the report meets; failing that,
    the first one whose basis it shows (a follow-up reason or a prior for a
    follow-up, a limited extent for a limited study), and the gaps are those of that
    reading. A report that shows no basis at all is flagged as an initial study.

    Args:
        checklist: The code's checklist.
        elements: The extracted elements by name.
        changes: The interval changes found, for the "no change stated" warning.
        necessity: Whether the impression answers the reason.

    Returns:
        The score from 0 to 1, completeness, the reading, gaps and flags.
    """
    region = elements["scanned_region"].details
    limited = bool(region.get("limited"))
    # A follow-up reason reads as a follow-up that needs its prior, unless the report
    # says why the study was limited: then it may stand as a limited study.
    stated_limit = limited and bool(region.get("limit_stated"))
    complete = next(
        (
            r
            for r in checklist.readings
            if _meets(r.requires, elements)
            and (
                not r.basis_limited
                or (
                    limited
                    and (
                        elements["reason_for_followup"].status != "present"
                        or stated_limit
                    )
                )
            )
        ),
        None,
    )
    reading = complete or next(
        (r for r in checklist.readings if _has_basis(r, elements, limited)), None
    )

    flags = []
    gaps = []
    if reading is None:
        flags.append("initial_study_likely")
        gap = checklist.report_gaps.get("initial_study_likely")
        if gap:
            gaps.append(
                Gap("report", gap["severity"], gap["message"], "initial_study_likely")
            )
    gaps.extend(_followup_gaps(checklist, elements, changes, necessity))
    gaps.extend(_study_gaps(checklist, region))
    spec = checklist.report_gaps.get("preliminary")
    if spec and elements["interpretation"].details.get("preliminary"):
        gaps.append(
            Gap("interpretation", spec["severity"], spec["message"], "preliminary")
        )
    spec = checklist.report_gaps.get("limit_unexplained")
    # A limited study that follows nothing stands on the reason it was limited.
    if (
        spec
        and reading is not None
        and reading.basis_limited
        and not region.get("limit_reason")
    ):
        gaps.append(
            Gap(
                "scanned_region", spec["severity"], spec["message"], "limit_unexplained"
            )
        )
    names = list(reading.requires) if reading else list(checklist.elements)
    for name in names:
        gaps.extend(_element_gaps(checklist, name, elements[name], reading))
    spec_weights = {n: checklist.elements[n].weight for n in names}
    total = sum(spec_weights.values()) or 1.0
    value = (
        sum(w * checklist.credit[elements[n].status] for n, w in spec_weights.items())
        / total
    )
    # An error stands in the way of billing even when a reading's elements are
    # all there (a study of another modality).
    billable = complete is not None and not any(g.severity == "error" for g in gaps)
    return Score(value, billable, reading.name if reading else None, gaps, flags)


def _followup_gaps(
    checklist: Checklist, elements: dict[str, Element], changes: list | None, necessity
) -> list[Gap]:
    """A named prior with no change stated, and a reason the impression never
    answers."""
    found = []
    spec = checklist.report_gaps.get("no_interval_change")
    if (
        spec
        and changes is not None
        and not changes
        and elements["comparison"].status == "present"
    ):
        found.append(
            Gap("comparison", spec["severity"], spec["message"], "no_interval_change")
        )
    spec = checklist.report_gaps.get("necessity_unaddressed")
    if spec and necessity is not None and necessity.addressed is False:
        terms = ", ".join(necessity.terms)
        found.append(
            Gap(
                "reason_for_followup",
                spec["severity"],
                spec["message"].format(terms=terms),
                "necessity_unaddressed",
            )
        )
    return found


def _study_gaps(checklist: Checklist, region: dict) -> list[Gap]:
    """A study of a modality the code does not cover, and one billed otherwise."""
    found = []
    modalities = region.get("modalities") or []
    # Only a study of the code's own modality can be mistaken for one it covers.
    covered = not checklist.modalities or any(
        m in checklist.modalities for m in modalities
    )
    others = [m for m in modalities if m not in (checklist.modalities or modalities)]
    # No study the code covers is an error; one dictated with another study (a CT
    # and a same-day radiograph) is billable, the other study under its own code.
    name = "other_modality" if covered else "wrong_modality"
    spec = checklist.report_gaps.get(name)
    if spec and others:
        message = spec["message"].format(
            modality="/".join(modalities),
            others="/".join(others),
            allowed="/".join(sorted(checklist.modalities)),
        )
        found.append(Gap("scanned_region", spec["severity"], message, name))
    spec = checklist.report_gaps.get("broad_study")
    regions = region.get("regions") or []
    # A complete study of several regions has codes of its own; 76380 is for a
    # limited or localized one.
    if (
        spec
        and covered
        and not region.get("limited")
        and len(regions) >= spec.get("regions", 3)
    ):
        message = spec["message"].format(regions=", ".join(regions))
        found.append(Gap("scanned_region", spec["severity"], message, "broad_study"))
    spec = checklist.report_gaps.get("other_code")
    if spec and region.get("other_code") and covered:
        message = spec["message"].format(what=region["other_code"])
        found.append(Gap("scanned_region", spec["severity"], message, "other_code"))
    return found


def _meets(requires: dict[str, tuple[str, ...]], elements: dict[str, Element]) -> bool:
    return all(elements[name].status in allowed for name, allowed in requires.items())


def _has_basis(reading: Reading, elements: dict[str, Element], limited: bool) -> bool:
    if reading.basis_limited:
        return limited
    return any(
        elements[name].status in allowed for name, allowed in reading.basis_any.items()
    )


def _element_gaps(
    checklist: Checklist, name: str, element: Element, reading: Reading | None
) -> list[Gap]:
    spec = checklist.elements[name]
    allowed = reading.requires.get(name, ("present",)) if reading else ("present",)
    gaps = []
    if element.status not in allowed:
        kind = element.status
        if name == "comparison" and element.details.get("none_available"):
            kind = "none_available" if "none_available" in spec.messages else kind
        severity = (
            "error" if spec.required and element.status == "missing" else "warning"
        )
        message = _specific_message(spec.messages, kind, element.details)
        gaps.append(Gap(name, severity, message, f"{name}.{kind}"))
    if (
        name == "interpretation"
        and spec.unsigned_severity
        and element.status != "missing"
        and not element.details.get("signed")
    ):
        gaps.append(
            Gap(
                name,
                spec.unsigned_severity,
                spec.messages["unsigned"],
                f"{name}.unsigned",
            )
        )
    return gaps


def _specific_message(messages: dict[str, str], kind: str, details: dict) -> str:
    """The message for a kind of gap, or the one that names what is lacking: a
    checklist may word "partial.no_impression" apart from "partial"."""
    for key, value in details.items():
        if value is False and f"{kind}.no_{key}" in messages:
            return messages[f"{kind}.no_{key}"]
    return messages[kind]
