"""The report view reads the same flags, sentences and sections as spaCy's own API."""

from __future__ import annotations

from pathlib import Path

import pytest

import docnlp
from docnlp import report as report_module
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
