"""The report view reads the same flags, sentences and sections as spaCy's own API."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import docnlp
from docnlp import report as report_module
from docnlp.components.targets import target_metadata
from docnlp.extract.config import extraction_config
from docnlp.extract.followup import followup_rules
from docnlp.report import Context, Report
from docnlp.text import normalise

REPORTS = sorted(
    (Path(__file__).resolve().parents[1] / "corpora" / "synthetic" / "reports").glob(
        "*.txt"
    )
)
FLAGS = ("is_negated", "is_uncertain", "is_hypothetical", "is_family")


@pytest.fixture(scope="module")
def docs(nlp):
    return [nlp(normalise(path.read_text(encoding="utf-8")).text) for path in REPORTS]


def _accessor_flags(span) -> Context:
    return Context(*(bool(getattr(span._, name)) for name in FLAGS))


def test_context_is_what_the_span_extensions_say(docs):
    flagged = 0
    for doc in docs:
        report = Report(doc)
        for target in report.targets:
            assert report.context(target) == _accessor_flags(target)
            flagged += not report.context(target).asserted
    # Every flag is read, not only the default.
    assert flagged > 100


def test_context_under_medspacys_engine_is_what_its_extensions_say():
    nlp = docnlp.build(model=False, rules={"docnlp_context": {"engine": "medspacy"}})
    for path in REPORTS[:40]:
        report = Report(nlp(normalise(path.read_text(encoding="utf-8")).text))
        for target in report.targets:
            assert report.context(target) == _accessor_flags(target)


def test_context_of_computed_flags_goes_through_the_accessors(docs, monkeypatch):
    # A flag with a getter keeps no value in `doc.user_data`: each target is read
    # through `span._`, with the same answers.
    monkeypatch.setattr(report_module, "_stored", lambda extension: False)
    for doc in docs[:40]:
        report = Report(doc)
        for target in report.targets:
            assert report.context(target) == _accessor_flags(target)


def test_metadata_is_each_targets_own(docs):
    for doc in docs:
        report = Report(doc)
        for target in report.targets:
            assert report.metadata(target) == target_metadata(target)


@pytest.mark.parametrize(
    ("text", "word", "context"),
    [
        ("No evidence of pneumothorax.", "pneumothorax", Context(negated=True)),
        ("Evaluate for abscess.", "abscess", Context(uncertain=True)),
        ("Family history of colon cancer.", "cancer", Context(family=True)),
        ("The nodule is unchanged.", "nodule", Context()),
    ],
)
def test_context_names_each_flag(nlp, text, word, context):
    report = Report(nlp(text))
    target = next(t for t in report.targets if t.text.lower() == word)
    assert report.context(target) == context
    assert report.context(target).asserted is (context == Context())


# -- searching the report's text ---------------------------------------------------

ODD_TEXTS = [
    # Long s and the Kelvin sign fold to ASCII letters when case is ignored; the
    # dotted capital I lower-cases to two characters.
    "This follow-up ſtudy of the nodule: 8 mm, previously 6 mm. Follow-up in 6 months.",
    "İmpression: stable. Repeat CT in 3 wee\u212as is recommended.",
    "CT ABDOMEN from the diaphragm through the pubic symphysis; no new lesion.",
]


def _patterns() -> list[tuple[str, re.Pattern]]:
    """Every pattern of the shipped extraction and follow-up settings."""
    found = []
    for settings in (extraction_config("extraction.json"), followup_rules()):
        for field in dataclasses.fields(settings):
            value = getattr(settings, field.name)
            if isinstance(value, re.Pattern):
                found.append((field.name, value))
            elif isinstance(value, dict):
                found += [
                    (f"{field.name}.{key}", v)
                    for key, v in value.items()
                    if isinstance(v, re.Pattern)
                ]
    return found


def _same(left: re.Match | None, right: re.Match | None) -> bool:
    if left is None or right is None:
        return left is right
    return (left.span(), left.groups()) == (right.span(), right.groups())


@pytest.fixture(scope="module")
def searched(nlp, docs):
    """Reports, each with the ranges an extractor searches: sentences, sections."""
    reports = [Report(doc) for doc in docs] + [Report(nlp(t)) for t in ODD_TEXTS]
    return [
        (
            report,
            [(s.start_char, s.end_char) for s in report.doc.sents]
            + [(s.body_start, s.end) for s in report.sections],
        )
        for report in reports
    ]


@pytest.mark.parametrize(
    ("name", "pattern"), [pytest.param(*p, id=p[0]) for p in _patterns()]
)
def test_search_finds_what_re_finds(searched, name, pattern):
    for report, ranges in searched:
        for start, end in ranges:
            plain = pattern.search(report.text[start:end])
            assert _same(report.search(pattern, start, end), plain), (name, start)
            assert [m.span() for m in report.finditer(pattern, start, end)] == [
                m.span() for m in pattern.finditer(report.text[start:end])
            ]


def test_a_pattern_is_not_tried_where_its_words_are_missing(nlp):
    rules = followup_rules()
    report = Report(nlp("CT chest. Findings: no acute abnormality."))
    assert not report.may_match(extraction_config("extraction.json").self_reference)
    assert report.may_match(rules.interval)  # no word it needs is known
    assert report.search(rules.recommendation, 0, len(report.text)) is None


def test_folded_letters_keep_a_pattern_in_play(nlp):
    # "ſtudy" lower-cases to itself, yet matches "study" when case is ignored.
    report = Report(nlp(ODD_TEXTS[0]))
    pattern = extraction_config("extraction.json").self_reference
    assert report.may_match(pattern)
    assert (
        report.search(pattern, 0, len(report.text)).group(0) == "This follow-up ſtudy"
    )


# -- sentences ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [["FOLLOWUP"], ["MODALITY"], ["COMPARE", "PRIOR_STUDY", "NO_PRIOR"], ["REGION"]],
)
def test_sentences_with_are_the_sentences_holding_those_targets(docs, labels):
    kept = 0
    for doc in docs:
        report = Report(doc)
        for sections in (report.sections, report.sections[1::2]):
            plain = [
                sent
                for sent in report.sentences_in(sections)
                if any(
                    t.label_ in labels
                    for t in report.targets_between(sent.start_char, sent.end_char)
                )
            ]
            assert report.sentences_with(sections, labels) == plain
            kept += len(plain)
    assert kept > 0
