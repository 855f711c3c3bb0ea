"""Interval change, recommendations and medical necessity on short reports."""

from __future__ import annotations

import pytest

import docnlp

FOLLOWUP = (
    "EXAM: CT CHEST\nINDICATION: Follow-up of right upper lobe nodule.\n"
    "COMPARISON: CT chest 01/02/2024.\n"
    "FINDINGS: {findings}\nIMPRESSION: {impression}"
)


def result(findings: str, impression: str) -> dict:
    return docnlp.check(
        FOLLOWUP.format(findings=findings, impression=impression)
    ).to_dict()


@pytest.mark.parametrize(
    ("findings", "change", "then", "now"),
    [
        ("The nodule measures 8 mm, previously 6 mm.", "increased", "6 mm", "8 mm"),
        ("The nodule measures 4 mm, previously 6 mm.", "decreased", "6 mm", "4 mm"),
        (
            "The node measures 1.0 cm, previously reported as 2.5 cm.",
            "decreased",
            "2.5 cm",
            "1.0 cm",
        ),
        ("The nodule is 9 mm, previously measuring 7 mm.", "increased", "7 mm", "9 mm"),
        ("The nodule measures 6 mm, previously 6 mm.", "stable", "6 mm", "6 mm"),
        ("The nodule is unchanged at 6 mm.", "stable", None, "6 mm"),
        (
            "The nodule has increased in size since the prior study.",
            "increased",
            None,
            None,
        ),
        ("New 4 mm nodule in the left lower lobe.", "new", None, "4 mm"),
        ("The pleural effusion has resolved.", "resolved", None, None),
        (
            "The 1.2 x 0.9 cm nodule now measures 1.6 x 1.1 cm, "
            "previously 1.2 x 0.9 cm.",
            "increased",
            "1.2x0.9 cm",
            "1.6x1.1 cm",
        ),
    ],
)
def test_interval_change_with_sizes(findings, change, then, now):
    changes = result(findings, "See findings.")["interval_changes"]
    assert (changes[0]["change"], changes[0]["size_then"], changes[0]["size_now"]) == (
        change,
        then,
        now,
    )


def test_increased_uptake_on_a_first_study_is_not_a_change():
    text = (
        "EXAM: NM BONE SCAN\nINDICATION: Pain.\nCOMPARISON: None.\n"
        "FINDINGS: Increased uptake in the right femur.\nIMPRESSION: Uptake."
    )
    assert docnlp.check(text).to_dict()["interval_changes"] == []


def test_a_prior_named_but_no_change_stated_is_flagged():
    gaps = result("Liver normal.", "Normal liver.")["gaps"]
    assert "no_interval_change" in {g["code"] for g in gaps}


@pytest.mark.parametrize(
    "impression",
    [
        "No interval change.",
        "Stable.",
        "No significant change.",
        "Otherwise unchanged.",
        "Findings are stable since the prior examination.",
        "Unchanged appearance compared with 01/02/2024.",
    ],
)
def test_a_statement_on_the_whole_study_is_a_change_stated(impression):
    # The reviewer's warning said "no change at all" of reports saying just that.
    found = result("Liver normal.", impression)
    assert [c["change"] for c in found["interval_changes"]] == ["stable"]
    assert "no_interval_change" not in {g["code"] for g in found["gaps"]}


@pytest.mark.parametrize(
    ("impression", "change"),
    [
        ("Enlarging right upper lobe nodule.", "increased"),
        ("Decreasing right upper lobe nodule.", "decreased"),
        ("Decreased size of the right upper lobe nodule.", "decreased"),
        ("Worsening right upper lobe consolidation.", "increased"),
    ],
)
def test_a_change_worded_as_a_process_needs_no_word_of_time(impression, change):
    found = result("Liver normal.", impression)
    assert [c["change"] for c in found["interval_changes"]] == [change]


@pytest.mark.parametrize(
    "impression", ["Patient remains intubated.", "Increased uptake in the left hilum."]
)
def test_a_description_is_not_a_change(impression):
    found = result("Liver normal.", impression)
    assert found["interval_changes"] == []
    assert "no_interval_change" in {g["code"] for g in found["gaps"]}


@pytest.mark.parametrize(
    ("impression", "modality", "interval", "conditional"),
    [
        ("Recommend follow-up CT chest in 3 months.", "CT", "3 months", False),
        ("If clinically indicated, ultrasound in 6 months.", "US", "6 months", True),
        ("Annual low-dose CT is recommended.", "CT", "annual", False),
    ],
)
def test_recommendations(impression, modality, interval, conditional):
    recommendations = result("Nodule stable.", impression)["recommendations"]
    assert [
        (r["modality"], r["interval"], r["conditional"]) for r in recommendations
    ] == [(modality, interval, conditional)]


def test_the_impression_answers_the_reason():
    necessity = result("Nodule stable.", "Stable right upper lobe nodule.")["necessity"]
    assert necessity["addressed"] is True
    assert necessity["terms"] == ["nodule"]


def test_a_reason_the_impression_never_addresses_is_a_gap():
    text = (
        "EXAM: CT ABDOMEN\nINDICATION: Known renal stone, re-evaluate.\n"
        "COMPARISON: CT 1/2/2024.\nFINDINGS: Normal liver.\n"
        "IMPRESSION: Normal liver."
    )
    result_ = docnlp.check(text).to_dict()
    assert result_["necessity"]["addressed"] is False
    gap = next(g for g in result_["gaps"] if g["code"] == "necessity_unaddressed")
    assert "stone" in gap["message"]


def test_synonyms_answer_the_reason():
    text = (
        "EXAM: CT ABDOMEN\nINDICATION: Known renal stone, re-evaluate.\n"
        "COMPARISON: CT 1/2/2024.\nFINDINGS: Kidneys.\n"
        "IMPRESSION: Nephrolithiasis without obstruction."
    )
    assert docnlp.check(text).to_dict()["necessity"]["addressed"] is True


def test_offsets_hold_for_changes_and_recommendations():
    text = FOLLOWUP.format(
        findings="Nodule\t8 mm, previously 6 mm.",
        impression="Recommend CT in 3 months.",
    ).replace("\n", "\r\n")
    data = docnlp.check(text).to_dict()
    for item in data["interval_changes"] + data["recommendations"]:
        assert text[item["start"] : item["end"]] == item["text"]
