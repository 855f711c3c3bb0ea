"""The shortcuts of `docnlp.components.scanning` find exactly what `re` finds."""

import re

import pytest

from docnlp.components.scanning import WordIndex, plan
from docnlp.components.targets import _Bounded, _matches, _scan, read_target_rules

TEXTS = [
    "known mass. not known. previously noted nodule; the prior CT of the chest",
    "pain in the arthralgia; status post cholecystectomy, s/p fall",
    "history of a50.1 and icd-10 c34.90 in 2019; 45 year old female",
    "ſtatus poſt: long s folds to s when case is ignored",
    "knownknown known_ x-known Known KNOWN",
    "codes 12.34.5, v12.3; 486.0 and 1486.01 icd-10-cm: c34.90 ICD9 786.5 icd icd-9",
    "",
]
PATTERNS = [
    r"(?<!\bno )(?<!\bnot )\b(?:known|previously (?:seen|noted))\b",
    r"\b[a-z]{3,}(?:ectomy|algia)\b",
    r"\b(?:the |a |an )?(?:prior|previous) (?:ct|mri)\b",
    r"\b(?:s/p|status[- ]post)\b",
    r"\b(?:icd-?10:? ?)?[A-Z]\d{2}(?:\.\d{1,2})?\b",
    r"\b(?:\d{1,3}[- ](?:year|month)s?[- ]old)\b",
    r"\bhistory of (?P<t>[^.,;:\n?]{2,60})",
    r"\b(?:icd-?(?:9|10)(?:-cm)?:? ?)?[A-TV-Z]\d{2}(?:\.\d{1,4}[A-Z]?)\b"
    r"|\b(?:icd-?(?:9|10):? ?)[A-Z]\d{2}\b|(?<![\d.])\b(?:V\d{2}|[0-9]\d{2})\.\d\b",
    r"(?:\d\d|x)\.\d+(?= cm)|\b(?:a|b)?\d\d\d",
]


def _plain(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    while (match := regex.search(text, pos)) is not None:
        begin, end = match.span()
        pos = end if end > begin else begin + 1
        spans.append(match.span())
    return spans


def _scanned(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    scan, lowered = plan(regex), text == text.lower()
    if not scan.can_match(text, lowered=lowered):
        return []
    search = scan.searcher(text, WordIndex(text), lowered=lowered)
    spans, pos = [], 0
    while (match := search(pos)) is not None:
        begin, end = match.span()
        pos = end if end > begin else begin + 1
        spans.append(match.span())
    return spans


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flags", [0, re.IGNORECASE], ids=["cased", "ignorecase"])
def test_scan_finds_what_search_finds(pattern, flags):
    regex = re.compile(pattern, flags)
    for text in TEXTS:
        for variant in (text, text.lower(), text.upper()):
            assert _scanned(regex, variant) == _plain(regex, variant), variant


def test_words_a_rule_needs_are_worked_out():
    scan = plan(re.compile(r"\b[a-z]{3,}(?:ectomy|algia)\b"))
    assert [set(need) for need in scan.needs] == [{"algia", "ectomy"}]
    assert not scan.can_match("no such word here")


def test_anchors_are_worked_out_for_each_alternative():
    # A billing code starts with a letter class after an optional "icd-10-cm: ",
    # so only where its digits and dot occur is it tried.
    scan = plan(re.compile(r"\b(?:icd-?10(?:-cm)?:? ?)?[A-Z]\d{2}\.\d|\bicd ?[A-Z]\d"))
    assert scan.finder is None and scan.words is None
    assert [(a.pattern, low, high) for a, low, high in scan.anchors] == [
        (r"[\d](?=[\d]\.[\d])", 1, 12),
        ("i(?=cd)", 0, 0),
    ]
    assert plan(re.compile(r"[a-z]+\d\d")).anchors is None  # unbounded distance


def test_ignoring_case_beyond_ascii_skips_the_shortcut():
    # "ſ" (long s) matches "s" when case is ignored, though "s" is not in the text.
    regex = re.compile(r"\bstatus post\b", re.IGNORECASE)
    assert _scanned(regex, "ſtatus poſt") == _plain(regex, "ſtatus poſt") != []


def test_every_shipped_rule_matches_as_before():
    layers, _ = read_target_rules("targets.json")
    for rules in layers.values():
        for rule in rules:
            if not hasattr(rule, "regex"):
                continue
            scan = _scan(rule.regex)
            regex = rule.regex.regex if isinstance(rule.regex, _Bounded) else rule.regex
            for text in (t.lower() for t in TEXTS):
                index = WordIndex(text)
                found = list(_matches(scan, text, rule.regex, index, lowered=True))
                expected = [
                    m.span("t") if "t" in regex.groupindex else m.span()
                    for m in _bounded_plain(rule.regex, text)
                ]
                assert found == [s for s in expected if s[1] > s[0]], regex.pattern


def _bounded_plain(regex, text: str):
    bounded = isinstance(regex, _Bounded)
    compiled = regex.regex if bounded else regex
    pos = 0
    while (match := compiled.search(text, pos)) is not None:
        begin, end = match.span()
        if bounded and begin > 0 and _word(text[begin - 1]) and _word(text[begin]):
            pos = begin + 1
            continue
        pos = end if end > begin else begin + 1
        yield match


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"
