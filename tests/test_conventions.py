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


# -- prior studies a comparison line names ------------------------------------------


def priors(comparison: str) -> list[tuple]:
    """The (date, modality) of each prior a report with this comparison line has."""
    text = (
        "CT ABDOMEN AND PELVIS\nIndication: Known left ureteric stone, follow-up.\n"
        f"Comparison: {comparison}\nFindings: The stone is unchanged.\n"
        "Impression: Stable left ureteric stone."
    )
    found = elements(text)["comparison"]["priors"]
    return [(p["date"], p["modality"]) for p in found]


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [
        # "XR" is how many systems name a radiograph.
        ("XR abdomen 2024-05-01.", [("2024-05-01", "XR")]),
        (
            "CT abdomen 2024-05-01 and XR abdomen 2024-06-02.",
            [("2024-05-01", "CT"), ("2024-06-02", "XR")],
        ),
        # A KUB is a radiograph; a "CT KUB" is a CT of the urinary tract.
        ("KUB 2024-05-01.", [("2024-05-01", "XR")]),
        ("CT KUB 2024-05-01.", [("2024-05-01", "CT")]),
        ("Shunt series 2024-05-01.", [("2024-05-01", "XR")]),
    ],
)
def test_a_radiograph_is_known_by_its_abbreviations(comparison, expected):
    assert priors(comparison) == expected


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [
        # An undated study in a clause of its own before a dated one.
        (
            "Scout radiograph taken this morning. CT abdomen 2024-05-01.",
            [(None, "XR"), ("2024-05-01", "CT")],
        ),
        # A study of another modality named after the date.
        (
            "MRI pelvis 2024-05-01, reviewed together with the ultrasound "
            "done that day.",
            [("2024-05-01", "MR"), (None, "US")],
        ),
        # A study the line says there is none of is no prior.
        ("Ultrasound 2024-05-01. No prior CT.", [("2024-05-01", "US")]),
    ],
)
def test_every_study_a_comparison_line_names_is_a_prior(comparison, expected):
    assert priors(comparison) == expected


# -- a condition only looked for ----------------------------------------------------


@pytest.mark.parametrize(
    "ask", ["Eval hemorrhage.", "Eval for hemorrhage.", "R/O bleed."]
)
def test_a_condition_only_looked_for_is_not_history(ask):
    text = (
        f"CT HEAD\nIndication: Sudden headache since this morning. {ask}\n"
        "Comparison: None.\nFindings: No hemorrhage.\nImpression: Normal."
    )
    found = elements(text)
    assert found["clinical_history"]["status"] == "partial"
    assert found["reason_for_followup"]["status"] == "partial"


# -- a prior said in the passive to be compared or reviewed -------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # A final read over a preliminary one that had no prior.
        "The outside MRI of 03/02/2025 has since arrived and was compared.",
        "The preoperative CT of 03/02/2025 is now available and was compared.",
        "A pelvic ultrasound from 2 March 2025 was also reviewed.",
    ],
)
def test_a_dated_prior_that_was_compared_is_named(sentence):
    text = (
        "CT PELVIS\nIndication: Known ovarian cyst, follow-up.\n"
        "Comparison: None available at the time of the preliminary read.\n"
        f"Final report: Agree with the preliminary read. {sentence} "
        "The cyst is smaller.\nImpression: Smaller left ovarian cyst."
    )
    found = elements(text)["comparison"]
    assert found["status"] == "present"
    assert found["none_available"] is False
    assert [p["date"] for p in found["priors"]] == ["2025-03-02"]


def test_a_dated_prior_named_only_as_history_is_not_compared():
    text = (
        "CT PELVIS\nIndication: Ovarian cyst on the ultrasound of 03/02/2025, "
        "which was reviewed by the gynaecologist.\nComparison: None.\n"
        "Findings: Left ovarian cyst.\nImpression: Left ovarian cyst."
    )
    assert elements(text)["comparison"]["status"] == "missing"


# -- headings a requisition or an export uses ---------------------------------------


@pytest.mark.parametrize(
    "heading",
    ["Requisition history", "Order comments", "Requisition notes", "Reason for order"],
)
def test_a_requisition_heading_states_the_reason_and_history(heading):
    text = (
        "CT CHEST LIMITED\nSite: XXXX Clinic    Date: 2025-03-02\n"
        f"{heading}: Left lung nodule, 6 mm.\n"
        "Findings: The nodule is 6 mm.\nImpression: Stable nodule."
    )
    found = elements(text)
    assert found["reason_for_followup"]["status"] == "present"
    assert found["clinical_history"]["status"] == "present"


def test_fields_exported_pipe_separated_are_sections():
    text = (
        "EXAM|CT chest|\nINDICATION|Known lymphoma, restaging.|\n"
        "COMPARISON|Outside study 2025-01-04|\n"
        "FINDINGS|Nodes are smaller.|\nIMPRESSION|Partial response.|"
    )
    found = elements(text)
    assert found["reason_for_followup"]["status"] == "present"
    assert found["comparison"]["status"] == "present"
    assert [p["date"] for p in found["comparison"]["priors"]] == ["2025-01-04"]
    assert found["interpretation"]["status"] == "present"


def test_fields_exported_on_one_line_are_sections():
    text = (
        "EXAM|CT chest limited|INDICATION|Known lymphoma, restaging.|"
        "COMPARISON|CT chest 2025-01-04|FINDINGS|Nodes are smaller than before.|"
        "IMPRESSION|Partial response.|SIGNED|A. Example, MD|"
    )
    found = docnlp.check(text)
    sections = {
        name: [e.section for e in element.evidence]
        for name, element in found.elements.items()
    }
    assert sections["comparison"] == ["comparison"]
    assert sections["interpretation"] == ["findings", "impression", "signature"]
    assert found.complete


def test_the_word_after_a_pipe_is_a_word_of_its_own():
    # "COMPARISON|MRI" is one token to spaCy's English tokenizer: no rule saw the
    # modality, nor "Known" in "INDICATION|Known".
    text = (
        "EXAM|CT abdomen|\nINDICATION|Known liver metastases, on chemotherapy.|\n"
        "COMPARISON|MRI abdomen 2025-01-04|\n"
        "FINDINGS|The metastases are smaller.|\nIMPRESSION|Partial response.|"
    )
    found = elements(text)
    assert [(p["date"], p["modality"]) for p in found["comparison"]["priors"]] == [
        ("2025-01-04", "MR")
    ]
    assert found["clinical_history"]["status"] == "present"


# -- an addendum that corrects the prior's date -------------------------------------


@pytest.mark.parametrize(
    "correction",
    [
        "The prior MRI was done on 2025-02-10, not on 2025-02-11 as dictated.",
        "There is no MRI dated 2025-02-11; the comparison MRI is of 2025-02-10.",
    ],
)
def test_an_addendum_takes_back_the_dictated_prior_date(correction):
    text = (
        "MRI BRAIN\nIndication: Known meningioma, follow-up.\n"
        "Comparison: MRI brain 2025-02-11.\nFindings: The meningioma is unchanged.\n"
        f"Impression: Stable meningioma.\nADDENDUM: {correction}"
    )
    found = elements(text)["comparison"]
    assert {p["date"] for p in found["priors"]} == {"2025-02-10"}
