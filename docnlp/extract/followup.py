"""Follow-up specifics: interval change, recommendations, and whether the impression
answers the reason for the follow-up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Span

from ..report import Report
from ..result import Element, Evidence, IntervalChange, Necessity, Recommendation
from ..rules import check_keys, compile_pattern, read_json

# Words a size's unit may be written as, by the unit reported.
_UNITS = {
    "mm": "mm",
    "millimeter": "mm",
    "millimeters": "mm",
    "cm": "cm",
    "centimeter": "cm",
    "centimeters": "cm",
}
# The kinds of change, in the order a clause is tested: the most specific first.
_KINDS = ("resolved", "new", "increased", "decreased", "stable")
_WORD = re.compile(r"[a-z]+")
# Words before a size that make it the size now.
_NOW = re.compile(r"\b(?:now|currently|today|measur\w*)\b[^.;]*$", re.IGNORECASE)


@dataclass(frozen=True)
class FollowupRules:
    """The patterns of `resources/followup.json`, compiled once."""

    sections: frozenset[str]
    answer_sections: frozenset[str]
    recommendation_sections: frozenset[str]
    changes: dict[str, re.Pattern]
    any_change: re.Pattern
    size: re.Pattern
    size_then: re.Pattern
    recommendation: re.Pattern
    conditional: re.Pattern
    interval: re.Pattern
    general_answer: re.Pattern
    status: re.Pattern
    answer_fallback_sections: frozenset[str]
    over_time: re.Pattern
    whole_study: re.Pattern
    answer_categories: frozenset[str]
    not_condition_words: re.Pattern
    synonyms: dict[str, frozenset[str]]


@cache
def followup_rules(path: str = "followup.json") -> FollowupRules:
    """Read and validate the follow-up rules once per process."""
    data = read_json(path)
    keys = [
        "sections",
        "answer_sections",
        "recommendation_sections",
        "changes",
        "size",
        "size_then",
        "recommendation",
        "conditional",
        "interval",
        "general_answer",
        "status",
        "answer_fallback_sections",
        "over_time",
        "whole_study",
        "answer_categories",
        "not_condition_words",
        "synonyms",
    ]
    check_keys(
        data, path=path, where="top level", required=keys, optional=["description"]
    )
    check_keys(data["changes"], path=path, where="changes", required=_KINDS)

    def regex(key: str, pattern: str | None = None) -> re.Pattern:
        return compile_pattern(pattern or data[key], path=path, where=key)

    synonyms: dict[str, frozenset[str]] = {}
    for group in data["synonyms"]:
        for word in group:
            synonyms[word] = synonyms.get(word, frozenset()) | frozenset(group)
    return FollowupRules(
        sections=frozenset(data["sections"]),
        answer_sections=frozenset(data["answer_sections"]),
        recommendation_sections=frozenset(data["recommendation_sections"]),
        changes={k: regex(f"changes.{k}", data["changes"][k]) for k in _KINDS},
        # One search tells the many clauses that change nothing from the rest.
        any_change=regex(
            "changes", "|".join(f"(?:{data['changes'][k]})" for k in _KINDS)
        ),
        size=regex("size"),
        size_then=regex("size_then"),
        recommendation=regex("recommendation"),
        conditional=regex("conditional"),
        interval=regex("interval"),
        general_answer=regex("general_answer"),
        status=regex("status"),
        answer_fallback_sections=frozenset(data["answer_fallback_sections"]),
        over_time=regex("over_time"),
        whole_study=regex("whole_study"),
        answer_categories=frozenset(data["answer_categories"]),
        not_condition_words=regex(
            "not_condition_words", rf"(?:{data['not_condition_words']})"
        ),
        synonyms=synonyms,
    )


def extract_changes(
    report: Report, rules: FollowupRules, comparison: Element
) -> list[IntervalChange]:
    """Each finding the report compares with the prior, and how it changed.

    A clause counts when it holds a change word and a finding (a condition or a
    region named) or a size, or is a statement on the whole study ("No interval
    change."); "8 mm, previously 6 mm" gives the sizes then and now.
    A report that compares with nothing has no interval change, and "increased" or
    "decreased" needs a word of time beside it ("since", "now", "interval", "from"):
    "increased uptake" describes, it does not compare.
    """
    if comparison.status == "missing":
        return []
    changes = []
    for clause_start, clause_end in _clauses(report, rules.sections):
        clause = report.text[clause_start:clause_end]
        bounds = (clause_start, clause_end)
        if "recommend" in clause.lower():
            continue
        sizes = report.finditer(rules.size, *bounds)
        finding = _finding(report, clause_start, clause_end)
        # Without a finding or a size there is nothing to have changed (asked
        # first, as it is cheaper than the change words), unless the clause speaks
        # of the whole study: "No interval change.", "Stable."
        if (
            finding is None
            and not sizes
            and not rules.whole_study.fullmatch(clause.strip())
        ):
            continue
        kind = (
            next(
                (k for k in _KINDS if report.search(rules.changes[k], *bounds)),
                None,
            )
            if report.search(rules.any_change, *bounds)
            else None
        )
        size_now, size_then = _sizes(clause, sizes, rules)
        if kind is None:
            # "measures 8 mm, previously 6 mm" states the change in numbers.
            kind = _change_in_size(size_then, size_now)
        if kind is None:
            continue
        if (
            kind in ("increased", "decreased")
            and size_then is None
            and not report.search(rules.over_time, *bounds)
        ):
            continue
        if kind == "new" and _negated_new(clause):
            kind = "stable"
        evidence = report.evidence(clause_start, clause_end)
        if evidence is None:
            continue
        changes.append(
            IntervalChange(
                finding=finding or clause.strip()[:60],
                change=kind,
                size_then=size_then,
                size_now=size_now,
                text=evidence.text,
                start=evidence.start,
                end=evidence.end,
                section=evidence.section,
            )
        )
    return changes


def extract_recommendations(
    report: Report, rules: FollowupRules
) -> list[Recommendation]:
    """Follow-up the report recommends, with its modality and interval."""
    found = []
    sections = report.in_sections(rules.recommendation_sections)
    for sent in report.sentences_in(sections):
        bounds = (sent.start_char, sent.end_char)
        modality = next(
            (
                report.metadata(t).get("modality")
                for t in report.targets_between(sent.start_char, sent.end_char)
                if t.label_ == "MODALITY"
            ),
            None,
        )
        # "Ultrasound in 6 months." recommends without saying so.
        if not (modality or report.search(rules.recommendation, *bounds)):
            continue
        interval = report.search(rules.interval, *bounds)
        if not interval:
            continue
        evidence = report.span_evidence(sent)
        found.append(
            Recommendation(
                modality=modality,
                interval=_interval(interval),
                conditional=bool(report.search(rules.conditional, *bounds)),
                text=evidence.text,
                start=evidence.start,
                end=evidence.end,
                section=evidence.section,
            )
        )
    return found


def check_necessity(report: Report, rules: FollowupRules, reason: Element) -> Necessity:
    """Whether the impression answers the reason for the follow-up.

    Only a follow-up reason is checked. The impression (the findings, when there is
    none) answers it when it names the condition followed, or a word of its group
    ("stone" and "nephrolithiasis"), or states a status over time (stable,
    improved, resolved, progressed, recurrence, healing, position).
    """
    terms = _reason_terms(report, reason, rules)
    if reason.status != "present" or not terms:
        # No condition named in words a rule knows: nothing to check it against.
        return Necessity(addressed=None, terms=sorted(terms), evidence=[])
    answers = report.in_sections(rules.answer_sections) or report.in_sections(
        rules.answer_fallback_sections
    )
    expanded = _expand(terms, rules)
    evidence = []
    for sent in report.sentences_in(answers):
        text = report.span_text(sent).lower()
        if (
            set(_WORD.findall(text)) & expanded
            or rules.general_answer.search(text)
            or rules.status.search(text)
        ):
            evidence.append(report.span_evidence(sent))
    addressed = bool(evidence)
    return Necessity(
        addressed=addressed,
        terms=sorted(terms),
        evidence=[e for e in evidence[:3] if e],
    )


def _clauses(report: Report, categories) -> list[tuple[int, int]]:
    """Sentences of the sections, split at semicolons."""
    clauses = []
    for sent in report.sentences_in(report.in_sections(categories)):
        start = sent.start_char
        for piece in re.split(r"(;)", report.span_text(sent)):
            if piece != ";" and piece.strip():
                clauses.append((start, start + len(piece)))
            start += len(piece)
    return clauses


def _finding(report: Report, start: int, end: int) -> str | None:
    """The condition a clause is about, else the anatomy it names."""
    inside = [t for t in report.targets_between(start, end) if t.end_char <= end]
    for label in ("CONDITION", "REGION"):
        for target in inside:
            if target.label_ == label:
                return report.span_text(target)
    return None


def _change_in_size(then: str | None, now: str | None) -> str | None:
    if not then or not now:
        return None
    before, after = _largest_mm(then), _largest_mm(now)
    if after > before:
        return "increased"
    if after < before:
        return "decreased"
    return "stable"


def _largest_mm(size: str) -> float:
    value, unit = size.rsplit(" ", 1)
    largest = max(float(v) for v in re.split(r"x|by", value.lower()))
    return largest * 10 if unit == "cm" else largest


def _negated_new(clause: str) -> bool:
    return bool(
        re.search(
            r"\bno (?:\w+ )?new\b|\bwithout (?:\w+ )?new\b", clause, re.IGNORECASE
        )
    )


def _sizes(
    clause: str, sizes: list[re.Match], rules: FollowupRules
) -> tuple[str | None, str | None]:
    """The size now and the size on the prior: a size after "previously", "from",
    "was" is the prior's; of the others one after "now" or "measures" wins."""
    now = then = None
    current = []
    for match in sizes:
        value = f"{match['size'].replace(' ', '')} {_UNITS[match['unit'].lower()]}"
        if rules.size_then.search(clause[: match.start()]):
            then = then or value
        else:
            current.append((match, value))
    for match, value in current:
        if _NOW.search(clause[max(0, match.start() - 25) : match.start()]):
            now = value
    if now is None and current:
        now = current[0][1]
    return now, then


def _interval(match: re.Match) -> str:
    if match["word"]:
        return match["word"].lower()
    return f"{match['n']} {match['unit'].lower()}"


def _reason_terms(report: Report, reason: Element, rules: FollowupRules) -> set[str]:
    terms: set[str] = set()
    for evidence in reason.evidence:
        for target in report.targets_between(evidence.start, evidence.end):
            named = (
                target.label_ in rules.answer_categories
                and report.context(target).asserted
            )
            # The organ of the reason ("renal stone") is answered by its group.
            organ = target.label_ == "REGION"
            if (named or organ) and evidence.start <= target.start_char < evidence.end:
                terms.update(
                    w
                    for w in _WORD.findall(report.span_text(target).lower())
                    if len(w) > 3 and w in rules.synonyms or len(w) > 4
                )
    # Follow-up words say a study follows something; they are not the something.
    return {t for t in terms if not rules.not_condition_words.fullmatch(t)}


def _expand(terms: set[str], rules: FollowupRules) -> set[str]:
    expanded = set(terms)
    for term in terms:
        expanded |= rules.synonyms.get(term, frozenset())
        # Plurals and inflections: "nodules" answers "nodule".
        expanded |= {term + "s", term + "es", term.rstrip("s")}
    return expanded


__all__ = [
    "Evidence",
    "FollowupRules",
    "Span",
    "check_necessity",
    "extract_changes",
    "extract_recommendations",
    "followup_rules",
]
