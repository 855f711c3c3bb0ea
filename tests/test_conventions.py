"""Conventions of other sites, countries and systems, each a kind of report the rules
first misread; the reports are written for these tests."""

from __future__ import annotations

import pytest

import docnlp


def elements(text: str) -> dict:
    """The elements of a checked report, as JSON data."""
    return docnlp.check(text).to_dict()["elements"]


# -- '#' for fracture (Australian, UK dictation) ------------------------------------


@pytest.mark.parametrize(
    "notes",
    [
        "Distal radius #, plaster 4/52. ?Healing.",
        "R NOF # 03/02/2025, DHS. Persisting groin pain.",
        "# of the left tibial shaft, IM nail. Check union.",
        "Left #NOF two weeks ago, mobilising.",
    ],
)
def test_a_hash_for_fracture_is_a_known_condition(notes):
    text = (
        f"CT RIGHT FOREARM\nClinical notes: {notes}\n"
        "Findings: Callus across the fracture line.\nConclusion: Healing."
    )
    found = elements(text)
    assert found["reason_for_followup"]["status"] == "present"
    assert found["clinical_history"]["status"] == "present"


@pytest.mark.parametrize(
    "notes",
    [
        "Knee pain after a fall, visit #2.",
        "Pain after a fall. Ref #: XXXX",
    ],
)
def test_a_hash_for_a_number_is_not_a_fracture(notes):
    text = (
        f"CT RIGHT KNEE\nClinical notes: {notes}\n"
        "Findings: No fracture.\nConclusion: Normal."
    )
    assert elements(text)["clinical_history"]["status"] == "partial"
