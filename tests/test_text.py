"""Normalisation keeps every offset, so evidence quotes the original text."""

from __future__ import annotations

import pytest

import docnlp
from docnlp.text import _SUBSTITUTIONS, normalise


def test_every_substitution_is_one_character_for_one():
    assert all(len(key) == 1 and len(value) == 1 for key, value in _SUBSTITUTIONS.items())


def test_normalising_keeps_the_length_and_maps_spans_back():
    original = "INDICATION:\u00a0f/u\r\nCOMPARISON: CT\u20141/2/2024\rIMPRESSION:\tstable"
    normalised = normalise(original)
    assert len(normalised.text) == len(original)
    assert normalised.text == (
        "INDICATION: f/u \nCOMPARISON: CT-1/2/2024\nIMPRESSION: stable"
    )
    start = normalised.text.index("CT-")
    assert normalised.original_span(start, start + 3) == (start, start + 3, "CT\u2014")


@pytest.mark.parametrize("brk", ["\f", "\v", "\u0085", "\u2028", "\u2029"])
def test_unusual_line_breaks_end_a_heading_line(brk):
    text = (
        f"CT CHEST{brk}INDICATION: Follow-up of lung nodule.{brk}"
        f"COMPARISON: CT 1/2/2024.{brk}FINDINGS: Nodule 5 mm, previously 5 mm."
        f"{brk}IMPRESSION: Stable nodule."
    )
    result = docnlp.check(text)
    comparison = result.elements["comparison"]
    assert comparison.status == "present"
    quote = comparison.evidence[0]
    assert quote.section == "comparison"
    # Offsets point into the text as received, break characters and all.
    assert text[quote.start : quote.end] == quote.text
    assert result.elements["reason_for_followup"].evidence[0].section == "indication"
