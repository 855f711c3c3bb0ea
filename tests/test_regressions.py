"""Regression tests, each named after what a fresh user broke."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

import docnlp
from docnlp.checklist.model import _parse
from docnlp.errors import DocnlpError
from docnlp.rules import RESOURCES

GOOD = (
    "CT CHEST\nINDICATION: Follow-up of lung nodule.\nCOMPARISON: CT 1/2/2024.\n"
    "FINDINGS: Nodule 5 mm, previously 5 mm.\nIMPRESSION: Stable nodule."
)


def test_a_non_string_record_costs_only_itself():
    records = [
        docnlp.Record("a", "db", GOOD),
        docnlp.Record("b", "db", 42),
        GOOD,
        7,
        docnlp.Record("c", "db", None),
    ]
    results = list(docnlp.check_many(records))
    assert [r.error is None for r in results] == [True, False, True, False, False]
    assert "must be a string, not int" in results[1].error
    assert "not nothing" in results[4].error


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "E012"), ("   \n", "E012"), ("x\x00y", "E013"), (b"CT", "E060")],
)
def test_the_api_names_what_is_wrong_with_a_text(text, code):
    assert docnlp.check(text).error.startswith(f"[{code}]")


@pytest.mark.parametrize("comparison", ["***", "None."])
def test_the_word_limited_does_not_excuse_a_follow_up_from_its_prior(comparison):
    text = GOOD.replace("CT CHEST", "CT CHEST, LIMITED").replace(
        "CT 1/2/2024.", comparison
    )
    result = docnlp.check(text)
    assert not result.complete
    assert any(g.element == "comparison" for g in result.gaps)


def test_a_study_limited_by_motion_is_not_a_limited_study():
    text = (
        "CT ABDOMEN\nINDICATION: Flank pain.\nTECHNIQUE: This is a limited "
        "examination: there is motion artifact.\nFINDINGS: Stone.\nIMPRESSION: Stone."
    )
    result = docnlp.check(text)
    assert result.elements["scanned_region"].details["limited"] is False
    assert result.reading is None


@pytest.mark.parametrize(
    ("signature", "signed"), [("***", False), ("___", False), ("Jane Roe, MD", True)]
)
def test_a_placeholder_signature_is_not_a_signature(signature, signed):
    result = docnlp.check(f"{GOOD}\nElectronically signed by: {signature}")
    assert result.elements["interpretation"].details["signed"] is signed


def test_an_impossible_date_is_not_a_prior_date():
    result = docnlp.check(GOOD.replace("1/2/2024", "02/30/2024"))
    assert [p.date for p in result.elements["comparison"].details["priors"]] == [None]


def test_a_report_over_the_length_limit_says_so():
    nlp = docnlp.build(model=False)
    nlp.max_length = 1000
    result = next(docnlp.check_many([docnlp.Record("long", "x", GOOD * 20)], nlp=nlp))
    assert result.error.startswith("[E061]") and "limit is 1,000" in result.error


def test_e061_tells_command_line_and_python_users_what_to_do():
    # The message told a command-line user to "raise nlp.max_length", which only
    # a Python caller can do.
    nlp = docnlp.build(model=False)
    nlp.max_length = 1000
    result = next(docnlp.check_many([docnlp.Record("long", "x", GOOD * 20)], nlp=nlp))
    assert result.error == (
        f"[E061] x: the report is {len(GOOD * 20):,} characters long; the limit is "
        "1,000 characters (the pipeline's nlp.max_length). On the command line, "
        "split the report into parts and check each; from Python, check it with a "
        "pipeline whose nlp.max_length is raised, if the machine has the memory."
    )


@pytest.mark.parametrize("value", ["one", -5, 2, True])
def test_checklist_credit_must_be_a_number_from_0_to_1(value):
    data = json.loads((RESOURCES / "checklists" / "76380.json").read_text())
    data["credit"]["present"] = value
    with pytest.raises(DocnlpError, match="credit.present"):
        _parse(data, str(Path("76380.json")))


@pytest.mark.parametrize("value", [1, "3", True])
def test_a_checklist_gap_needs_a_whole_number_of_regions(value):
    data = json.loads((RESOURCES / "checklists" / "76380.json").read_text())
    data["report_gaps"]["broad_study"]["regions"] = value
    with pytest.raises(DocnlpError, match="report_gaps.broad_study.regions"):
        _parse(data, str(Path("76380.json")))


@pytest.mark.parametrize(
    ("indication", "status"),
    [
        ("This is a 95.5-hour continuous video EEG monitoring study.", "partial"),
        ("MS on ocrelizumab, annual monitoring.", "present"),
    ],
)
def test_a_monitoring_study_is_not_a_condition_being_monitored(indication, status):
    text = f"INDICATION: {indication}\nFINDINGS: x\nIMPRESSION: y"
    assert docnlp.check(text).elements["reason_for_followup"].status == status


FOLLOWUP_OF = (
    "EXAM: {title}\nINDICATION: Follow-up of meningioma.\nCOMPARISON: {title} "
    "01/15/2024.\nFINDINGS: Unchanged.\nIMPRESSION: Stable meningioma.\n"
    "Electronically signed by: R. Lee, MD"
)


@pytest.mark.parametrize(
    ("title", "complete", "codes"),
    [
        ("CT HEAD WITHOUT CONTRAST", True, []),
        ("MRI BRAIN WITH AND WITHOUT CONTRAST", False, ["wrong_modality"]),
        ("XR SKULL 2 VIEWS", False, ["wrong_modality"]),
        # A study with a code of its own is not a 76380.
        ("CT ANGIOGRAPHY HEAD", False, ["other_code"]),
        ("CT GUIDED BIOPSY OF THE SKULL BASE", False, ["other_code"]),
        # A complete study of several regions is billed by region.
        ("CT HEAD, CHEST AND ABDOMEN", True, ["broad_study"]),
        ("LIMITED CT HEAD, CHEST AND ABDOMEN", True, []),
        ("CT HEAD AND NECK", True, []),
        # Dictated with another study: billable, the other under its own code.
        ("CT HEAD AND XR SKULL", True, ["other_modality"]),
        ("MRI BRAIN AND XR SKULL", False, ["wrong_modality"]),
    ],
)
def test_a_ct_code_needs_a_ct_study(title, complete, codes):
    result = docnlp.check(FOLLOWUP_OF.format(title=title))
    assert result.complete is complete
    assert [g.code for g in result.gaps] == codes


def test_a_limited_study_that_says_why_stands_without_a_prior():
    text = (
        "EXAM: CT CHEST WITHOUT CONTRAST, LIMITED TO THE LUNG BASES\n"
        "INDICATION: Evaluate for right basilar effusion; limited study requested by "
        "the thoracic surgeon to minimize radiation dose.\nCOMPARISON: None.\n"
        "FINDINGS: Small right effusion.\nIMPRESSION: Small right pleural effusion.\n"
        "Electronically signed by: A. Example, MD"
    )
    result = docnlp.check(text)
    assert (result.reading, result.complete, result.gaps) == ("limited", True, [])


def test_a_study_with_no_title_is_known_by_how_its_images_were_made():
    text = (
        "CLINICAL HISTORY: Chest pain; prior MI with stents.\n\nTechnetium-99m "
        "sestamibi was injected and myocardial perfusion imaging was obtained.\n\n"
        "CONCLUSIONS: No ischemia."
    )
    result = docnlp.check(text)
    assert result.elements["scanned_region"].details["modalities"] == ["NM"]
    assert "wrong_modality" in [g.code for g in result.gaps]


def test_checked_docs_are_freed_without_the_cyclic_collector():
    # A doc kept in a reference cycle lives until a full collection: memory grows
    # with the batch and the collector's passes cost time.
    from spacy.tokens import Doc

    docnlp.load()  # the shared pipeline, built before counting
    gc.collect()
    gc.disable()
    try:
        results = list(docnlp.check_many([GOOD] * 70))
        alive = sum(isinstance(o, Doc) for o in gc.get_objects())
    finally:
        gc.enable()
    assert all(r.complete for r in results)
    assert alive == 0


SIGNED_FOLLOWUP = (
    "CT CHEST\nINDICATION: Follow-up of lung nodule.\nCOMPARISON: CT chest "
    "01/02/2024.\nFINDINGS: The nodule is unchanged at 6 mm.\n"
    "IMPRESSION: Stable nodule.\n"
)


@pytest.mark.parametrize(
    ("before", "after", "preliminary"),
    [
        ("PRELIMINARY REPORT - NOT FINAL\n", "Not yet signed.", True),
        ("", "Wet read by the resident; final to follow.", True),
        ("", "Electronically signed by: A. Lee, MD", False),
        # A final read after the preliminary one is what is billed.
        (
            "PRELIMINARY REPORT\n",
            "FINAL REPORT: Agree with the preliminary findings.\n"
            "Electronically signed by: A. Lee, MD",
            False,
        ),
    ],
)
def test_a_preliminary_read_is_not_billed(before, after, preliminary):
    result = docnlp.check(before + SIGNED_FOLLOWUP + after)
    assert result.elements["interpretation"].details["preliminary"] is preliminary
    assert ("preliminary" in [g.code for g in result.gaps]) is preliminary
    assert result.complete is not preliminary


@pytest.mark.parametrize(
    ("sections", "lacking"),
    [
        ("FINDINGS: The nodule is unchanged at 6 mm.", "no impression"),
        ("IMPRESSION: Stable nodule.", "no findings"),
    ],
)
def test_a_partial_interpretation_says_what_is_lacking(sections, lacking):
    text = (
        "CT CHEST\nINDICATION: Follow-up of lung nodule.\nCOMPARISON: CT chest "
        f"01/02/2024.\n{sections}\nElectronically signed by: A. Lee, MD"
    )
    gaps = {g.code: g.message for g in docnlp.check(text).gaps}
    assert lacking in gaps["interpretation.partial"]
