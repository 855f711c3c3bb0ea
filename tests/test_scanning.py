"""The shortcuts of `docnlp.components.scanning` find exactly what `re` finds."""

import re
from pathlib import Path

import pytest

from docnlp.components import words as word_lookup
from docnlp.components.scanning import Anchor, FirstWords, WordEnding, plan
from docnlp.components.targets import _Bounded, _matches, _scan, read_target_rules
from docnlp.components.words import Fragments, WordIndex

SYNTHETIC = Path(__file__).resolve().parents[1] / "corpora" / "synthetic" / "reports"
TEXTS = [
    "known mass. not known. previously noted nodule; the prior CT of the chest",
    "pain in the arthralgia; status post cholecystectomy, s/p fall",
    "history of a50.1 and icd-10 c34.90 in 2019; 45 year old female",
    "ſtatus poſt: long s folds to s when case is ignored",
    "knownknown known_ x-known Known KNOWN",
    "codes 12.34.5, v12.3; 486.0 and 1486.01 icd-10-cm: c34.90 ICD9 786.5 icd icd-9",
    "colectomyotomy _ectomy a-ectomy xyectomy lobectomies-ostomy ectomy",
    "at the request of dr x; requested by; the the prior a previous an old ct",
    "grade 2 liver laceration, stage iv, t2 n1 m0, t3a, cardiomegaly, sarcoidosis",
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
    r"\b(?:[a-z]{3,}(?:ectomy|otomy|ostomies)|grade \d|t[0-4][a-c]? ?n[0-3])\b",
    r"\b(?:at the request of|requested by|(?:ct|mri) (?:was )?performed)\b",
    r"\b(?:the |a |an )?(?:prior|previous|old) (?:ct|mri|scan)\b|\bno prior\b",
    r"\b\w*(?:ectomy|oma-?s)\b",
]


def _plain(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    while (match := regex.search(text, pos)) is not None:
        begin, end = match.span()
        pos = end if end > begin else begin + 1
        spans.append(match.span())
    return spans


def _scanned(regex: re.Pattern, text: str, **index) -> list[tuple[int, int]]:
    scan, lowered = plan(regex), text == text.lower()
    if not scan.can_match(text, lowered=lowered):
        return []
    found = scan.matches(text, WordIndex(text, lowered=lowered, **index))
    return [match.span() for match in found]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flags", [0, re.IGNORECASE], ids=["cased", "ignorecase"])
def test_scan_finds_what_search_finds(pattern, flags):
    regex = re.compile(pattern, flags)
    scan = plan(regex)
    strings = Fragments(scan.strings)  # words then looked up in the text
    everything = Fragments(scan.strings, scan.first_words)
    for text in TEXTS:
        for variant in (text, text.lower(), text.upper()):
            expected = _plain(regex, variant)
            assert _scanned(regex, variant) == expected, variant
            assert _scanned(regex, variant, fragments=strings) == expected, variant
            assert _scanned(regex, variant, fragments=everything) == expected, variant


def test_words_a_rule_needs_are_worked_out():
    scan = plan(re.compile(r"\b[a-z]{3,}(?:ectomy|algia)\b"))
    assert [set(need) for need in scan.needs] == [{"algia", "ectomy"}]
    assert not scan.can_match("no such word here")
    # A word holding another of its set is left out: it occurs only where that does.
    scan = plan(re.compile(r"\bpod ?#? ?\d+"))
    assert [set(need) for need in scan.needs] == [{"pod"}]


def test_anchors_are_worked_out_for_each_alternative():
    # A billing code starts with a letter class after an optional "icd-10-cm: ",
    # so it is tried only before its dot (digits and a letter looked around at),
    # or where its first word starts.
    scan = plan(re.compile(r"\b(?:icd-?10(?:-cm)?:? ?)?[A-Z]\d{2}\.\d|\bicd ?[A-Z]\d"))
    assert scan.finder is None and scan.words is None
    assert scan.anchors == (
        Anchor(re.compile(r"\.(?<=[A-Z][\d][\d]\.)(?=[\d])"), 3, 14),
        FirstWords((("icd", False),)),
    )
    assert plan(re.compile(r"[a-z]+\d\d")).anchors is None  # unbounded distance


def test_a_run_of_letters_is_read_back_from_its_ending():
    scan = plan(re.compile(r"\b(?!diagnosis\b)[a-z]{3,}(?:ectomy|oma-?s?)\b"))
    assert scan.anchors == (WordEnding(("ectomy", "oma")),)
    text = "s/p colectomy; lipomas and a xanthoma-s; diagnosis"
    assert sorted(scan.anchors[0].starts(WordIndex(text))) == [4, 15, 29]


def test_words_after_a_few_short_strings_replace_frequent_first_words():
    # "at" starts many more words of a report than "request" does.
    scan = plan(re.compile(r"\b(?:at the request of|requested by)\b"))
    assert scan.words is None
    assert set(scan.anchors) == {
        FirstWords((("request", True),), before=("at the ",)),
        FirstWords((("requested", True),)),
    }
    text = "seen at the request of dr x, requested by dr y; not the request"
    # Only where "at the " comes before "request" does a match start before it.
    assert sorted(_anchor_starts(scan, text)) == [5, 29]


def _anchor_starts(scan, text: str) -> list[int]:
    return [at for anchor in scan.anchors for at in anchor.starts(WordIndex(text))]


def test_an_anchor_of_a_rule_that_ignores_case_searches_lower_case_text_plainly():
    scan = plan(re.compile(r"\bicd-?9 ?[A-Z]\d\d|\b[A-Z]\d\d\.\d", re.IGNORECASE))
    plain = [anchor.plain for anchor in scan.anchors]
    assert plain == [re.compile(r"i(?=cd)"), None]  # [A-Z] also matches capitals
    text = "icd9 a12 and b34.5"
    assert _anchor_starts(scan, text) == [0, 13]


def test_ignoring_case_beyond_ascii_skips_the_shortcut():
    # "ſ" (long s) matches "s" when case is ignored, though "s" is not in the text.
    regex = re.compile(r"\bstatus post\b", re.IGNORECASE)
    assert _scanned(regex, "ſtatus poſt") == _plain(regex, "ſtatus poſt") != []


def test_fragments_find_what_in_finds(monkeypatch):
    strings = ["ectomy", "oma", "s/p", "follow up at ", "of ", " study", "a-b", "xy"]
    words = [("the", True), ("prior", True), ("stud", False), ("x", True)]
    texts = [*TEXTS, "follow up at 3 months of the study", "s/p a-b xyz", "oma"]
    for bound in (word_lookup._MAX_REMEMBERED, 3):
        # Past its bound it forgets what pieces hold and still finds the same.
        monkeypatch.setattr(word_lookup, "_MAX_REMEMBERED", bound)
        fragments = Fragments(strings, words)
        for text in texts * 2:  # the second time from remembered pieces
            index = WordIndex(text, fragments=fragments)
            found = {s for s in strings if s in text} | {
                w for w in words if _has_word(text, *w)
            }
            assert index.found == found, text


def _has_word(text: str, word: str, whole: bool) -> bool:
    words = re.findall(r"\w+", text)
    return word in words if whole else any(w.startswith(word) for w in words)


def _shipped_rules():
    layers, _ = read_target_rules("targets.json")
    return [
        rule for rules in layers.values() for rule in rules if hasattr(rule, "regex")
    ]


def _reports() -> list[str]:
    reports = [path.read_text().lower() for path in sorted(SYNTHETIC.glob("*.txt"))]
    return [text.lower() for text in TEXTS] + reports


def test_every_shipped_rule_matches_as_before():
    rules = _shipped_rules()
    scans = [_scan(rule.regex) for rule in rules]
    fragments = Fragments(
        (string for scan in scans for string in scan.strings),
        (word for scan in scans for word in scan.first_words),
    )
    for text in _reports():
        index = WordIndex(text, lowered=True, fragments=fragments)
        for rule, scan in zip(rules, scans, strict=True):
            regex = rule.regex.regex if isinstance(rule.regex, _Bounded) else rule.regex
            expected = [
                m.span("t") if "t" in regex.groupindex else m.span()
                for m in _bounded_plain(rule.regex, text)
            ]
            expected = [s for s in expected if s[1] > s[0]]
            if not scan.can_match(text, lowered=True, found=index.found):
                assert expected == [], regex.pattern
                continue
            found = list(_matches(scan, text, rule.regex, index))
            assert found == expected, regex.pattern


def test_shipped_rules_take_their_shortcuts():
    # The rules that tried every position of a report before: a suffix after a
    # run of letters, and an alternation mixing words, suffixes and stages.
    def anchors(start: str):
        (rule,) = [r for r in _shipped_rules() if r.regex.pattern.startswith(start)]
        return _scan(rule.regex).anchors

    assert anchors(r"\b[a-z]{3,}(?:ectomy")[0].strings[:2] == ("ectomies", "ectomy")
    kinds = {type(anchor) for anchor in anchors(r"\b(?:grade ")}
    assert kinds == {Anchor, FirstWords, WordEnding}


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
