"""Normalisation keeps every offset, so evidence quotes the original text."""

from __future__ import annotations

import pytest

import docnlp
from docnlp.text import _SUBSTITUTIONS, normalise


def test_every_substitution_is_one_character_for_one():
    assert all(
        len(key) == 1 and len(value) == 1 for key, value in _SUBSTITUTIONS.items()
    )


def test_normalising_keeps_the_length_and_maps_spans_back():
    original = (
        "INDICATION:\u00a0f/u\r\nCOMPARISON: CT\u20141/2/2024\rIMPRESSION:\tstable"
    )
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


def test_html_markup_is_blanked_in_place():
    original = "<p><b>IMPRESSION:</b>&nbsp;Stable &amp; small.<BR>Nodule &lt; 6 mm</p>"
    text = normalise(original).text
    assert len(text) == len(original)
    assert text.split() == [
        "IMPRESSION:",
        "Stable",
        "&",
        "small.",
        "Nodule",
        "<",
        "6",
        "mm",
    ]
    # A block-level tag ends the line; an inline one is white space.
    assert [line.split() for line in text.splitlines() if line.strip()] == [
        ["IMPRESSION:", "Stable", "&", "small."],
        ["Nodule", "<", "6", "mm"],
    ]


def test_comparisons_and_angle_brackets_are_not_markup():
    original = "Nodule <6 mm, >2 cm node; a<b; R&D; <<prior>>"
    assert normalise(original).text == original


def test_a_report_exported_as_html_is_read_by_its_headings():
    text = (
        "<html><body><p><b>EXAM:</b>&nbsp;CT CHEST WITHOUT CONTRAST</p>\n"
        "<p><b>INDICATION:</b>&nbsp;Follow-up of a right upper lobe nodule.</p>\n"
        "<p><b>COMPARISON:</b>&nbsp;CT chest 01/02/2024.</p>\n"
        "<p><b>FINDINGS:</b><br/>The 6 mm nodule is unchanged.</p>\n"
        "<p><b>IMPRESSION:</b>&nbsp;Stable nodule.</p></body></html>"
    )
    result = docnlp.check(text)
    sections = {
        name: {e.section for e in element.evidence}
        for name, element in result.elements.items()
    }
    assert result.elements["comparison"].status == "present"
    priors = result.elements["comparison"].details["priors"]
    assert [(p.date, p.modality) for p in priors] == [("2024-01-02", "CT")]
    assert sections["reason_for_followup"] == {"indication"}
    assert sections["comparison"] == {"comparison"}
    assert "impression" in sections["interpretation"]
