"""Rule families, one parametrised test each: sections, sentences, ConText, dates,
targets and the five element extractors, on short reports written for these tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy

import docnlp
from docnlp.components.sections import Sectionizer
from docnlp.components.targets import _alternatives, split_phrases
from docnlp.dates import date_reader
from docnlp.errors import DocnlpError
from docnlp.report import Report
from docnlp.rules import RESOURCES


def elements(text: str) -> dict:
    """The elements of a checked report, as JSON data."""
    return docnlp.check(text).to_dict()["elements"]


@pytest.fixture(scope="module")
def sectionizer() -> Sectionizer:
    return Sectionizer(spacy.blank("en"), "sections", rules="sections.json")


# -- sections ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("COMPARISON: CT 1/2/24.\nFINDINGS: x.", ["comparison", "findings"]),
        ("Comparison: CT 1/2/24. Findings: x.", ["comparison", "findings"]),
        ("comparison\nCT 1/2/24\nimpression\nstable", ["comparison", "impression"]),
        ("HX: nodule\nIMP: stable", ["history", "impression"]),
        ("Indic: nodule\nIMP: stable", ["indication", "impression"]),
        ("Comp: none\nImp: stable", ["comparison", "impression"]),
        ("IMPRESSON: stable", ["impression"]),
        ("COMPARISION: none", ["comparison"]),
        ("IMPRESSION Stable nodule.", ["impression"]),
        ("Reason for exam: pain\nTechnique: axial", ["indication", "technique"]),
        ("CLINICAL HISTORY: lymphoma", ["history"]),
        ("DIAGNOSIS: lymphoma\nFINDINGS: nodes", ["history", "findings"]),
        ("FINDINGS: nodes\nDIAGNOSIS: lymphoma", ["findings", "impression"]),
        ("PAST MEDICAL HISTORY: diabetes", ["history"]),
        ("FINDINGS:\nLIVER: normal\nL4-5: bulge", ["findings", "findings", "findings"]),
        ("INTERPRETATION: x\nIMPRESSION: y", ["findings", "impression"]),
        ("INTERPRETATION: x", ["findings_impression"]),
        ("Conclusion:\nstable", ["impression"]),
        ("ADDENDUM: called Dr X", ["addendum"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_headings_are_categorised(sectionizer, text, expected):
    found = [s.category for s in sectionizer.find(text) if s.category != "preamble"]
    assert found == expected


def test_section_runs_to_the_next_heading_not_a_blank_line(sectionizer):
    text = "FINDINGS: The liver is normal.\n\nThe spleen is normal.\nIMPRESSION: ok"
    findings = sectionizer.find(text)[0]
    assert findings.body(text).strip().endswith("The spleen is normal.")


def test_short_sections_end_at_a_blank_line(sectionizer):
    text = "INDICATION: pain.\n\nThe kidneys are normal.\nIMPRESSION: ok"
    categories = [s.category for s in sectionizer.find(text)]
    assert categories == ["indication", "body", "impression"]


def test_a_run_of_spaces_sets_off_an_inline_heading(sectionizer):
    text = "EXAM: CT chest  INDICATION: cough\nHX: asthma.    COMPARISON: None."
    categories = [s.category for s in sectionizer.find(text)]
    assert categories == ["exam", "indication", "history", "comparison"]


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        # Lower-case headings without colons, in a report laid out in them.
        (
            "ct chest\nindication cough\ncomparison ct 1/2/2024\n"
            "findings clear lungs\nimpression normal",
            ["preamble", "indication", "comparison", "findings", "impression"],
        ),
        # One such word opening a line is only a word.
        ("ct chest\nfindings are normal\nIMPRESSION: ok", ["preamble", "impression"]),
        # Misspelled capitals without a colon.
        (
            "CT HEAD\nFINDNGS the ventricles are normal\nIMPRESSON no bleed",
            ["preamble", "findings", "impression"],
        ),
        # After a header block, the title.
        (
            "Patient: XXXX   MRN: XXXX\n\nCT CHEST\n\nIndication: cough",
            ["administrative", "administrative", "preamble", "indication"],
        ),
    ],
)
def test_headings_as_dictated(sectionizer, text, categories):
    assert [s.category for s in sectionizer.find(text)] == categories


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        # A field filled in on its heading's line, then unlabelled findings.
        (
            "Comparison: CT 1/2/2024.\nLungs clear. Heart normal.\nImpression: ok",
            ["comparison", "body", "impression"],
        ),
        # A value wrapped onto the next line stays in its section.
        (
            "Comparison: CT of the chest from\nJanuary 2024.\nImpression: ok",
            ["comparison", "impression"],
        ),
        (
            "COMPARISON:\nCT 1/2/2024.\nMRI 2/3/2024.\nIMPRESSION: ok",
            ["comparison", "impression"],
        ),
    ],
)
def test_a_one_line_field_ends_with_its_line(sectionizer, text, categories):
    assert [s.category for s in sectionizer.find(text)] == categories


def test_unlabelled_text_after_the_comparison_is_findings_not_history():
    text = (
        "XR CHEST\nClinical: cough\nComparison: 3/4/2024.\nLungs are clear. "
        "Heart size is normal. Old healed rib fracture is seen.\n"
        "Impression: No acute process."
    )
    result = elements(text)
    assert result["clinical_history"]["status"] == "partial"
    assert result["interpretation"]["status"] == "present"


@pytest.mark.parametrize("placeholder", ["[ ]", "***", "___", "<<prior>>", "", "N/A"])
def test_placeholder_sections_document_nothing(sectionizer, placeholder):
    text = f"COMPARISON: {placeholder}\nFINDINGS: Stable."
    comparison = sectionizer.find(text)[0]
    assert comparison.category == "comparison"
    assert comparison.is_empty(text)


# -- sentences --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("FINDINGS:\r\nNodule is stable.\r\nNo effusion.", 3),
        ("Line one\n   \nLine two", 2),
        ("- first item\n- second item", 2),
        ("1. Stable nodule. 2. No new nodules.", 2),
        ("STABLE NODULE. NO EFFUSION.", 2),
        ("Dr. Smith was notified. No change.", 2),
        ("The nodule measures 8.5 mm and is\nunchanged in size.", 1),
        # Dictated in lower case.
        ("no effusion. stable nodule. clear lungs.", 3),
        ("stable, approx. three cm from the pleura.", 1),
        ("compared with the study of 3 mo. ago.", 1),
    ],
)
def test_sentences_follow_report_layout(nlp, text, count):
    sentences = [
        s for s in nlp(docnlp.text.normalise(text).text).sents if s.text.strip()
    ]
    assert len(sentences) == count


# -- ConText ----------------------------------------------------------------------


def _target(nlp, text: str, word: str):
    report = Report(nlp(text))
    return next(t for t in report.targets if t.text.lower() == word)


@pytest.mark.parametrize(
    ("text", "word", "negated"),
    [
        ("No history of malignancy.", "malignancy", True),
        ("Patient denies prior surgery.", "surgery", True),
        ("A woman with no known coronary disease.", "disease", True),
        ("The nodule is unchanged.", "nodule", False),
        ("No interval change in the nodule.", "nodule", False),
        ("Stable appearance of the nodule.", "nodule", False),
        ("CT without contrast for the nodule.", "nodule", False),
    ],
)
def test_negation_reads_radiology_text(nlp, text, word, negated):
    assert _target(nlp, text, word)._.is_negated is negated


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Evaluate for abscess.", "abscess"),
        ("Shortness of breath, r/o pneumothorax.", "pneumothorax"),
        ("Metastasis?", "metastasis"),
    ],
)
def test_hedges_mark_what_is_looked_for(nlp, text, word):
    target = _target(nlp, text, word)
    assert target._.is_uncertain or target._.is_hypothetical


def test_no_modifier_phrase_is_listed_twice():
    # Two rules matching the same words overlap exactly; only one survives pruning,
    # so the other's direction would be silently lost.
    rules = json.loads((RESOURCES / "context.json").read_text())["context_rules"]
    seen: dict[str, str] = {}
    for rule in rules:
        for phrase in rule["phrases"]:
            where = f"{rule['category']} {rule['direction']}"
            assert seen.setdefault(phrase.lower(), where) == where, phrase


@pytest.mark.parametrize(
    "text",
    [
        "Prior films, if available, would help.",
        "If available, comparison with outside films is advised.",
        "Comparison with the old CT could confirm this.",
    ],
)
def test_a_wish_before_or_after_a_prior_is_hypothetical(nlp, text):
    report = Report(nlp(text))
    study = [t for t in report.targets if t.label_ in ("COMPARE", "PRIOR_STUDY")]
    assert study and all(t._.is_hypothetical for t in study)


@pytest.mark.parametrize(
    ("text", "says_none"),
    [
        ("No prior.", True),
        ("No other studies.", True),
        ("Lack of outside films.", True),
        ("No other chest complaints.", False),
        ("No relevant history.", False),
    ],
)
def test_no_prior_needs_a_study_after_a_vague_adjective(nlp, text, says_none):
    labels = {t.label_ for t in Report(nlp(text)).targets}
    assert ("NO_PRIOR" in labels) is says_none


def test_a_wish_for_a_prior_is_hypothetical(nlp):
    report = Report(nlp("Comparison with prior films would be helpful."))
    compare = next(t for t in report.targets if t.label_ == "COMPARE")
    assert compare._.is_hypothetical


# -- dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("03/14/2024", "2024-03-14"),
        ("3/14/24", "2024-03-14"),
        ("2024-03-14", "2024-03-14"),
        ("March 14, 2024", "2024-03-14"),
        ("14 Mar 2024", "2024-03-14"),
        ("14th of March, 2024", "2024-03-14"),
        ("Sept. 3rd, 2021", "2021-09-03"),
        ("January 2023", "2023-01"),
        ("11/2019", "2019-11"),
        ("in 2022", "2022"),
        ("10/13/04", "2004-10-13"),
        ("2024/03/14", "2024-03-14"),
        ("2024.03.14", "2024-03-14"),
    ],
)
def test_dates_normalise_to_iso(text, iso):
    assert [m.iso for m in date_reader().find(text)] == [iso]


@pytest.mark.parametrize(
    "text",
    [
        "Month DD, YYYY",
        "mm/dd/yy",
        "XX/XX/XXXX",
        "3/14",
        "range 0.92-1.05",
        "measures 8.5 mm",
    ],
)
def test_placeholders_and_numbers_are_not_dates(text):
    assert [m.iso for m in date_reader().find(text) if m.iso] == []


def test_relative_dates_are_kept_as_text():
    mention = date_reader().find("CT six months ago")[0]
    assert (mention.iso, mention.text) == (None, "six months ago")


def test_day_first_reports_read_day_first():
    reader = date_reader()
    text = "Seen 28/10/2024. Compared with CT 04/06/2024."
    assert reader.day_first(text)
    assert [m.iso for m in reader.find(text, day_first=True)] == [
        "2024-10-28",
        "2024-06-04",
    ]


# The numeric date form as first written, its word boundary first: tried at every
# position. The shipped form opens with its first digit.
_BOUNDARY_FIRST_NUMERIC = re.compile(
    r"(?<![\d.])\b(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)"
    r"(?P<y>(?:19|20)?\d{2})\b(?![/.-]\d)",
    re.IGNORECASE,
)


def test_numeric_dates_match_as_the_boundary_first_form():
    numeric = [regex for regex, ambiguous in date_reader().formats if ambiguous]
    assert len(numeric) == 1
    reports = (Path(__file__).parents[1] / "corpora/synthetic/reports").glob("*.txt")
    texts = [path.read_text(encoding="utf-8") for path in reports]
    # Dates after and before every kind of character: "\u0663" is an Arabic-Indic
    # digit (a "\\d"), "\u00b2" a superscript two (a word character, not a "\\d").
    texts += [
        f"{before}{date}{after}"
        for before in ["", " ", "a", "_", ".", "-", "/", "1", "\u0663", "\u00b2"]
        for date in ["3/4/24", "12.31.2024", "1-2-3", "31/12/99", "3/4/2", "13/1/05"]
        for after in ["", " ", ".", "./1", "/1", "a", "1"]
    ]
    found = 0
    for text in texts:
        plain = [
            (m.span(), m.groupdict()) for m in _BOUNDARY_FIRST_NUMERIC.finditer(text)
        ]
        assert [(m.span(), m.groupdict()) for m in numeric[0].finditer(text)] == plain
        found += len(plain)
    assert found > 200


# -- targets ----------------------------------------------------------------------


def test_no_alternative_hides_a_longer_one():
    """In `\\b(?:no|no known)\\b` Python tries "no" first and never reaches "no
    known": a regex rule must list longer alternatives first."""
    data = json.loads((RESOURCES / "targets.json").read_text(encoding="utf-8"))
    for layer in data["layers"].values():
        for rule in layer:
            pattern = rule.get("pattern")
            if not isinstance(pattern, str):
                continue
            _, rest = split_phrases(pattern)
            if rest is None or not rest.startswith(r"\b(?:"):
                continue
            alternatives = _alternatives(rest[len(r"\b(?:") : -len(r")\b")]) or []
            for i, shorter in enumerate(alternatives):
                for longer in alternatives[i + 1 :]:
                    if re.fullmatch(r"[a-z ]+", shorter + longer):
                        assert not longer.startswith(shorter + " "), (shorter, longer)


def test_finite_alternatives_are_spelled_out_as_phrases():
    phrases, rest = split_phrases(r"\b(?:stones?|follow[- ]?up|s/p|urolith\w*)\b")
    assert phrases == ["stone", "stones", "followup", "follow-up", "follow up", "s/p"]
    assert rest == r"\b(?:urolith\w*)\b"


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("targets.json", "{", "not JSON"),
        ("targets.json", '{"layers": {"x": [{"literal": "a"}]}}', "missing key"),
        (
            "targets.json",
            '{"layers": {"x": [{"literal": "a", "category": "B", '
            '"pattern": "(", "extra": 1}]}}',
            "unknown key",
        ),
        (
            "targets.json",
            '{"layers": {"x": [{"literal": "a", "category": "B", "pattern": "("}]}}',
            "bad regular expression",
        ),
    ],
)
def test_bad_rule_files_are_named(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocnlpError, match=match):
        docnlp.build(rules={"docnlp_targets": {"rules": str(path)}})


# -- reason for the follow-up ------------------------------------------------------


@pytest.mark.parametrize(
    ("indication", "status"),
    [
        ("Follow-up of right upper lobe nodule.", "present"),
        ("Lymphoma, restaging after chemotherapy.", "present"),
        ("Known renal stone, re-evaluate.", "present"),
        ("Post-op day 3, evaluate for abscess.", "present"),
        ("Left renal mass.", "present"),
        ("Status post appendectomy, fever, evaluate for abscess.", "present"),
        ("Pain at the ileostomy site.", "present"),
        ("Pain and bulge at the ostomy site. s/p colectomy.", "present"),
        ("Elevated lipase.", "present"),
        ("C34.90", "present"),
        ("TB", "present"),
        ("Abdominal pain.", "partial"),
        ("cp", "partial"),
        ("Motor vehicle accident.", "partial"),
        ("Screening.", "partial"),
        ("R10.9", "partial"),
        (",786.2", "partial"),
        ("491.21", "present"),
        # An ICD-10 category code without its decimal.
        ("62F. Z08", "present"),
        ("R10 ", "partial"),
        # A three-digit ICD-9 code alone as the field's value.
        (",486", "present"),
        ("786", "partial"),
        ("XXXX", "partial"),
        ("Shortness of breath, evaluate for pneumothorax.", "partial"),
        ("Knee pain. Remote history of meniscectomy.", "partial"),
        ("Two month history of low back pain.", "partial"),
        # Abnormal findings of earlier imaging (ICD-10 R90-R94, ICD-9 793).
        ("R91.8 other nonspecific abnormal finding of lung field", "present"),
        ("793.11", "present"),
        ("Nodule, 3-month follow-up per guideline.", "present"),
        # A suspected complication of a known procedure, whatever its wording.
        ("s/p hip arthroplasty, new pain, r/o hardware complication", "present"),
        ("S/P fixation of tibial fracture. Assess bony union.", "present"),
        # A sentence begun in lower case ends the negation before it.
        ("Cough, no other complaints. pre-op knee surgery.", "partial"),
        # A question mark before a word hedges it; the symptoms stay the reason.
        ("Flank pain, fever. ?pyelonephritis.", "partial"),
        ("Flank pain ? stone", "partial"),
        ("Known lymphoma. Progression?", "present"),
        # A symptom that carries on beside a known condition is its course.
        ("Chronic sinusitis s/p FESS, persistent congestion.", "present"),
        ("Known gout. Recurrent knee swelling.", "present"),
        # A planned operation is not a known procedure.
        ("Preoperative planning for total hip arthroplasty.", "partial"),
        # A finding on a study of a stated time is an abnormality found earlier.
        ("Liver laceration on trauma CT earlier today.", "present"),
        # A finding named on an earlier study is an abnormality found earlier.
        ("Fall. Small hematoma on outside CT today, repeat.", "present"),
        ("Headache. Hemorrhage on prior MRI.", "present"),
        ("Cough. No consolidation on outside film.", "partial"),
    ],
)
def test_reason_reads_known_conditions_and_new_symptoms(indication, status):
    text = (
        f"EXAM: CT ABDOMEN\nINDICATION: {indication}\n"
        "FINDINGS: Normal.\nIMPRESSION: Normal."
    )
    assert elements(text)["reason_for_followup"]["status"] == status


def test_a_title_that_only_names_the_code_states_no_reason():
    text = (
        "CT LIMITED/FOLLOW-UP STUDY\nReason for exam: 76380\n"
        "FINDINGS: Clear.\nIMPRESSION: Clear."
    )
    result = elements(text)
    assert result["reason_for_followup"]["status"] == "missing"
    assert result["clinical_history"]["status"] == "missing"


@pytest.mark.parametrize(
    "title", ["CTA CHEST (PE PROTOCOL)", "CT ABDOMEN (RENAL STONE PROTOCOL)"]
)
def test_a_protocol_name_is_not_history(title):
    text = f"{title}\nIndication: Chest pain.\nFINDINGS: Clear.\nIMPRESSION: Clear."
    assert elements(text)["clinical_history"]["status"] == "partial"


def test_a_report_that_calls_itself_a_follow_up_states_its_reason():
    text = (
        "CT ABDOMEN\nFINDINGS: This follow-up study of the right renal cyst shows "
        "no change.\nIMPRESSION: Stable cyst."
    )
    assert elements(text)["reason_for_followup"]["status"] == "present"


def test_a_report_of_findings_only_states_no_reason_or_history():
    text = (
        "CT HEAD WITHOUT CONTRAST\nMild atrophy, unchanged compared with 4/5/22. "
        "No hemorrhage. Ventricles stable in size.\nSigned: A. Example, MD"
    )
    result = elements(text)
    assert result["reason_for_followup"]["status"] == "missing"
    assert result["clinical_history"]["status"] == "missing"
    assert result["interpretation"]["status"] == "partial"


def test_a_diagnosis_under_history_is_the_reason_when_there_is_no_indication():
    text = "CT CHEST\nHISTORY: Sarcoidosis.\nFINDINGS: Nodes.\nIMPRESSION: Stable."
    assert elements(text)["reason_for_followup"]["status"] == "present"


def test_a_recommended_follow_up_is_not_a_reason():
    text = (
        "CT CHEST\nFINDINGS: 4 mm nodule.\n"
        "IMPRESSION: If clinically indicated, follow-up CT in 12 months."
    )
    assert elements(text)["reason_for_followup"]["status"] == "missing"


# -- clinical history ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "status"),
    [
        ("History of colon cancer, status post chemotherapy.", "present"),
        ("Patient on warfarin.", "present"),
        ("Ileostomy.", "present"),
        ("No history of malignancy. Cough.", "partial"),
        ("Denies prior surgery. Headache.", "partial"),
        ("45-year-old female.", "partial"),
        # A history of a complaint is history only when the complaint is also a
        # diagnosis.
        ("30 year old with a history of patellar instability.", "present"),
        ("History of seizures since childhood.", "present"),
        ("Known history of lumbar radiculopathy.", "present"),
        ("Three week history of cough and fever.", "partial"),
        ("History of constipation.", "partial"),
        ("No history of seizures. Headache.", "partial"),
    ],
)
def test_history_needs_a_diagnosis_surgery_or_treatment(history, status):
    text = f"CT CHEST\nINDICATION: {history}\nFINDINGS: Normal.\nIMPRESSION: Normal."
    assert elements(text)["clinical_history"]["status"] == status


@pytest.mark.parametrize(
    ("impression", "status"),
    [
        ("Active colitis in this patient with known ulcerative colitis.", "present"),
        ("Stable nodule; given her history of melanoma, follow-up advised.", "present"),
        # Read off the images, or a complaint's history, is not history.
        ("Status post cholecystectomy.", "partial"),
        ("Normal; history of back pain noted.", "partial"),
    ],
)
def test_history_stated_as_such_counts_anywhere(impression, status):
    text = (
        f"CT ABDOMEN\nINDICATION: Pain.\nFINDINGS: See below.\nIMPRESSION: {impression}"
    )
    assert elements(text)["clinical_history"]["status"] == status


def test_no_clinical_information_is_missing():
    text = "CT HEAD WITHOUT CONTRAST\nFINDINGS: Normal.\nIMPRESSION: Normal."
    assert elements(text)["clinical_history"]["status"] == "missing"


# -- comparison ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "none_available"),
    [
        ("COMPARISON: CT chest 03/14/2024.\nFINDINGS: Nodule.", "present", False),
        ("COMPARISON: None.\nFINDINGS: Nodule.", "missing", True),
        ("COMPARISON: No prior studies available.\nFINDINGS: Nodule.", "missing", True),
        ("FINDINGS: Nodule. No prior studies for comparison.", "missing", True),
        ("COMPARISON: [ ]\nFINDINGS: Nodule.", "missing", False),
        ("FINDINGS: The nodule is unchanged.", "partial", False),
        ("FINDINGS: Nodule is again seen.", "partial", False),
        (
            "FINDINGS: Compared with the CT of 2 January 2024, the nodule is smaller.",
            "present",
            False,
        ),
        ("FINDINGS: Nodule, larger since the prior MRI.", "present", False),
        (
            "FINDINGS: Nodule. Comparison with prior films would be helpful.",
            "missing",
            False,
        ),
        ("FINDINGS: Retention cyst versus polyp.", "missing", False),
        # De-identified text names a prior; it is not an empty template.
        ("COMPARISON: XXXX, XXXX\nFINDINGS: Nodule.", "present", False),
        ("COMPARISON: None.\nFINDINGS: The nodule is unchanged.", "missing", True),
        (
            "COMPARISON: Report only from chest x-XXXX dated XXXX is available.\n"
            "FINDINGS: Nodule.",
            "present",
            False,
        ),
        # Wishes for a prior, however the hedge is placed, compare nothing.
        ("FINDINGS: Old films, if available, would be useful.", "missing", False),
        ("FINDINGS: Please correlate with outside CT if available.", "missing", False),
        ("FINDINGS: Prior imaging could confirm chronicity.", "missing", False),
        ("FINDINGS: Comparison with earlier studies may be useful.", "missing", False),
        ("FINDINGS: Comparison to old films would be of value.", "missing", False),
        ("FINDINGS: Correlate with prior imaging, if possible.", "missing", False),
        # One side compared with the other is not a prior compared.
        ("FINDINGS: The left hilum is fuller compared to the right.", "missing", False),
        (
            "FINDINGS: Lucency, asymmetric when compared with the left.",
            "missing",
            False,
        ),
        (
            "FINDINGS: Density is increased compared to the contralateral side.",
            "missing",
            False,
        ),
        # Another phase of the same study is not a prior.
        ("FINDINGS: Stress images were compared to resting images.", "missing", False),
        (
            "FINDINGS: Enhancement compared with the unenhanced images.",
            "missing",
            False,
        ),
        # "prior"/"previous" before a condition is history, not a study.
        ("FINDINGS: Rib deformities from previous fractures.", "missing", False),
        ("FINDINGS: Sclerosis, likely from prior infarcts.", "missing", False),
        ("FINDINGS: Effusion, decreased from prior.", "present", False),
        ("FINDINGS: Effusion, smaller than on the previous exam.", "present", False),
        (
            "FINDINGS: Nodule unchanged from the prior chest radiograph.",
            "present",
            False,
        ),
        # A supposed absence is not a stated one.
        ("FINDINGS: Nodule. If no old films exist, CT is advised.", "missing", False),
        # A negated finding on a dated study: the study was read, so compared.
        ("FINDINGS: No mass is seen on the MRI of 1/2/2020.", "present", False),
        ("FINDINGS: Mass seen on the CT. Delivery on 1/2/2020.", "missing", False),
        ("FINDINGS: Nodule. No recent imaging for comparison.", "missing", True),
        ("FINDINGS: Without prior studies, stability is unknown.", "missing", True),
        ("FINDINGS: In the absence of prior films, CT is advised.", "missing", True),
        ("FINDINGS: Cough, no other complaints. No prior.", "missing", True),
        # A modality inside a wished-for study names nothing compared.
        (
            "COMPARISON: None available. Comparison with the outside MRI would "
            "be helpful.\nFINDINGS: Nodule.",
            "missing",
            True,
        ),
        (
            "FINDINGS: Nodule; unknown stability without the outside CT"
            " for comparison.",
            "missing",
            True,
        ),
        # A dated earlier measurement is a comparison with that study.
        (
            "FINDINGS: Cyst 2.1 cm, previously measured 1.9 cm on 2/3/2025.",
            "present",
            False,
        ),
        # "since last night" dates a symptom, not a study.
        ("FINDINGS: Nodule. Pain since last night.", "missing", False),
        # The current study named as the first of its kind.
        (
            "COMPARISON: No prior CT available. This is the baseline screening "
            "exam.\nFINDINGS: Nodule.",
            "missing",
            True,
        ),
        (
            "FINDINGS: Nodule. Compare with the 2019 MRI if it can be obtained.",
            "missing",
            False,
        ),
        # A COMPARISON line whose last word is its verdict.
        ("COMPARISON: Chest two views. None.\nFINDINGS: Nodule.", "missing", True),
        ("COMPARISON: Nones\nFINDINGS: Nodule.", "missing", True),
    ],
)
def test_comparison_names_a_prior_or_says_none(body, status, none_available):
    comparison = elements(f"CT CHEST\nINDICATION: nodule\n{body}\nIMPRESSION: ok")[
        "comparison"
    ]
    assert (comparison["status"], comparison["none_available"]) == (
        status,
        none_available,
    )


def test_priors_carry_dates_and_modalities():
    text = (
        "CT CHEST\nINDICATION: nodule\n"
        "COMPARISON: CT chest 03/14/2024 and PET/CT January 2023.\n"
        "FINDINGS: Stable.\nIMPRESSION: Stable."
    )
    priors = elements(text)["comparison"]["priors"]
    assert [(p["date"], p["modality"]) for p in priors] == [
        ("2024-03-14", "CT"),
        ("2023-01", "PET"),
    ]


def test_a_prior_study_date_line_is_a_prior_date_but_an_edd_is_not():
    text = (
        "OB ULTRASOUND\nFINDINGS: Gestational age by previous ultrasound: 35 weeks, "
        "2 days Date of previous ultrasound: 4/20/07\nEDD by previous ultrasound: "
        "7/13/07.\nIMPRESSION: ok"
    )
    dates = [p["date"] for p in elements(text)["comparison"]["priors"] if p["date"]]
    assert dates == ["2007-04-20"]


def test_a_delivery_date_is_not_a_prior_date():
    text = (
        "OB ULTRASOUND\nFINDINGS: Gestational age based on prior ultrasound is 36 "
        "weeks with an estimated date of delivery of 03/28/08.\nIMPRESSION: ok"
    )
    priors = elements(text)["comparison"]["priors"]
    assert [p["date"] for p in priors] == [None]


# -- region -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "regions"),
    [
        ("CT CHEST WITHOUT CONTRAST", ["chest"]),
        ("CT ABDOMEN AND PELVIS", ["abdomen", "pelvis"]),
        ("MRI LUMBAR SPINE", ["lumbar_spine"]),
        ("CT SINUSES", ["head"]),
        ("X-RAY LEFT HIP", ["lower_extremity"]),
        ("CT SOFT TISSUE NECK", ["neck"]),
        ("MRI T2-WEIGHTED PROSTATE", ["pelvis"]),
        ("PET/CT SKULL BASE TO MID-THIGH", ["whole_body"]),
    ],
)
def test_regions_come_from_the_title(title, regions):
    text = f"{title}\nINDICATION: follow-up\nFINDINGS: x\nIMPRESSION: y"
    assert sorted(elements(text)["scanned_region"]["regions"]) == sorted(regions)


@pytest.mark.parametrize(
    ("title", "technique", "regions"),
    [
        (
            "CT CHEST",
            "Images from the thoracic inlet through the adrenal glands.",
            ["chest"],
        ),
        (
            "CT SOFT TISSUE NECK",
            "Images from the skull base to the thoracic inlet.",
            ["neck"],
        ),
        (
            "CT",
            "Images from the diaphragm through the pubic symphysis.",
            ["abdomen", "pelvis"],
        ),
        (
            "CT",
            "Images from the dome of the diaphragm through the iliac crests.",
            ["abdomen"],
        ),
    ],
)
def test_landmarks_at_the_edge_of_the_scan_add_no_region(title, technique, regions):
    text = (
        f"{title}\nINDICATION: follow-up\nTECHNIQUE: {technique}\n"
        "FINDINGS: x\nIMPRESSION: y"
    )
    assert sorted(elements(text)["scanned_region"]["regions"]) == regions


@pytest.mark.parametrize(
    ("title", "regions"),
    [
        ("CT ABD/PELVIS W CONTRAST", ["abdomen", "pelvis"]),
        ("CT PARANASAL SINUSES", ["head"]),
        ("CT CHEST, LIMITED (thoracic inlet to the adrenals)", ["chest"]),
    ],
)
def test_title_vocabulary_and_extents(title, regions):
    text = (
        f"{title}\nINDICATION: follow-up\nFINDINGS: Maxillary sinus mucosal "
        "thickening.\nIMPRESSION: y"
    )
    assert sorted(elements(text)["scanned_region"]["regions"]) == regions


def test_a_title_after_a_header_block_names_the_region():
    text = (
        "Pt Name: XXXX, XXXX   MRN: XXXX\n\nCT ABDOMEN PELVIS W CONTRAST\n\n"
        "Indication: follow-up of colon cancer.\nFindings: Normal.\nImpression: Normal."
    )
    assert sorted(elements(text)["scanned_region"]["regions"]) == ["abdomen", "pelvis"]


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        # No title: what the report says it imaged, not every organ it mentions.
        (
            "A scout film of the abdomen shows no calcification over the bladder. "
            "The kidneys enhance normally. The bladder empties.",
            ["abdomen"],
        ),
        (
            "HISTORY: Back pain.\nFINDINGS: MRI of the cervical spine is normal. "
            "MRI of the thoracic spine is normal. MRI of the lumbar spine shows a "
            "disc bulge at L4-5 and a disc bulge at L5-S1.\nIMPRESSION: Bulges.",
            ["cervical_spine", "lumbar_spine", "thoracic_spine"],
        ),
        (
            "INDICATION: Lymphoma.\n\nWhole body PET imaging was performed. Images "
            "were obtained over the neck, chest, abdomen and pelvis.\nFINDINGS: "
            "Nodes in the chest. Nodes in the chest.\nIMPRESSION: Response.",
            ["whole_body"],
        ),
        (
            "Clinical data: Hip pain.\n\nRadiographs of the pelvis and views of "
            "both hips were taken.\n\nJoint space narrowing in the left hip.",
            ["lower_extremity", "pelvis"],
        ),
        (
            "TECHNIQUE: Noncontrast CT abdomen and pelvis. A catheter was placed "
            "in the rectum.\nFINDINGS: Stone in the kidney.\nIMPRESSION: Stone.",
            ["abdomen", "pelvis"],
        ),
        (
            "TECHNIQUE: A radiograph of the abdomen was performed. A rectal tube "
            "was inserted and barium instilled.\nFINDINGS: Normal colon.",
            ["abdomen"],
        ),
        # A prior study named in a sentence is not what this study imaged.
        (
            "INDICATION: Nodule.\nFINDINGS: Compared with the CT of the chest of "
            "1/2/2020, the lung nodule is stable. The lung nodule is 4 mm.",
            ["chest"],
        ),
        # Findings at the edge of the scan add nothing.
        (
            "FINDINGS: The lungs are clear. No lung nodule. The heart is normal. "
            "As far as the upper abdomen is imaged, the liver and spleen are normal.",
            ["chest"],
        ),
        # Field lines ("Placenta: anterior") and findings are not titles.
        (
            "Pregnant patient.\nFetal heart rate: 140.\nPlacenta: Anterior.\n"
            "Presentation: vertex.\nIMPRESSION: Live intrauterine pregnancy.",
            ["pelvis"],
        ),
    ],
)
def test_regions_without_a_title_come_from_what_was_imaged(text, regions):
    assert sorted(elements(text)["scanned_region"]["regions"]) == regions


@pytest.mark.parametrize(
    ("technique", "regions"),
    [
        (
            "Lateral view of the left knee was also obtained.",
            ["lower_extremity", "pelvis"],
        ),
        ("Frontal and lateral views of the pelvis.", ["pelvis"]),
        # Organs and access sites in passing add nothing; nor does a prior's region.
        ("A catheter was placed via the right femoral artery.", ["pelvis"]),
        ("Correlated with the prior CT of the abdomen of 1/2/2020.", ["pelvis"]),
    ],
)
def test_the_technique_adds_to_the_title_what_it_says_was_imaged(technique, regions):
    text = (
        f"EXAM: Two views of the pelvis.\nTECHNIQUE: {technique}\n"
        "FINDINGS: Pins in place.\nIMPRESSION: Stable."
    )
    assert sorted(elements(text)["scanned_region"]["regions"]) == regions


def test_laterality_and_limited_extent():
    text = (
        "LIMITED CT OF THE RIGHT KNEE\nINDICATION: Fracture follow-up.\n"
        "FINDINGS: Healing.\nIMPRESSION: Healing fracture."
    )
    region = elements(text)["scanned_region"]
    assert region["laterality"] == ["right"]
    assert region["limited"] is True


@pytest.mark.parametrize(
    ("indication", "explained"),
    [
        ("Stone follow-up. Limited to the left kidney per urology request.", True),
        ("Pregnant patient, appendicitis?", True),
        ("Right knee pain after a fall.", True),
        ("Cough.", False),
    ],
)
def test_a_limited_study_says_why_it_was_limited(indication, explained):
    text = (
        f"LIMITED CT OF THE RIGHT KNEE\nINDICATION: {indication}\n"
        "FINDINGS: x\nIMPRESSION: y"
    )
    region = elements(text)["scanned_region"]
    assert region["limited"] is True
    assert bool(region["limit_reason"]) is explained


@pytest.mark.parametrize(
    ("indication", "gap"),
    [
        ("Ankle pain.", False),
        ("Pain; images limited per orthopedics request.", False),
        ("Cough.", True),
    ],
)
def test_a_limited_study_without_its_reason_is_a_warning(indication, gap):
    text = (
        f"LIMITED CT OF THE LEFT ANKLE\nINDICATION: {indication}\nCOMPARISON: None.\n"
        "FINDINGS: Normal.\nIMPRESSION: Normal."
    )
    result = docnlp.check(text)
    codes = [g.code for g in result.gaps]
    assert result.reading == "limited"
    assert ("limit_unexplained" in codes) is gap


def test_the_unexplained_limit_warning_says_what_to_add():
    text = (
        "LIMITED CT OF THE LEFT ANKLE\nINDICATION: Cough.\nCOMPARISON: None.\n"
        "FINDINGS: Normal.\nIMPRESSION: Normal."
    )
    gap = next(g for g in docnlp.check(text).gaps if g.code == "limit_unexplained")
    assert gap.severity == "warning" and "does not say why" in gap.message


def test_a_study_limited_by_artifact_is_not_a_limited_study():
    text = (
        "CT CHEST\nTECHNIQUE: Examination limited by motion artifact.\n"
        "FINDINGS: x\nIMPRESSION: y"
    )
    assert elements(text)["scanned_region"]["limited"] is False


def test_a_vague_study_is_partial():
    text = "CT scan was performed.\nIMPRESSION: Negative."
    assert elements(text)["scanned_region"]["status"] == "partial"


# -- interpretation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "signed"),
    [
        ("FINDINGS: Nodule.\nIMPRESSION: Stable.", "present", False),
        ("FINDINGS: Nodule.", "partial", False),
        ("IMPRESSION: Stable.", "partial", False),
        (
            "FINDINGS: Nodule.\nIMPRESSION: Stable.\n"
            "Electronically signed by J. Roe, MD",
            "present",
            True,
        ),
        (
            "FINDINGS: Nodule.\nIMPRESSION: Stable.\nAuthorization date: 01/02/2024",
            "present",
            False,
        ),
    ],
)
def test_interpretation_needs_findings_and_impression(body, status, signed):
    interpretation = elements(f"CT CHEST\nINDICATION: nodule\n{body}")["interpretation"]
    assert (interpretation["status"], interpretation["signed"]) == (status, signed)
