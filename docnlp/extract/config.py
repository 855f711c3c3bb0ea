"""The extractors' settings, read once from `resources/extraction.json`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Span

from ..rules import check_keys, compile_pattern, read_json

_LIST_KEYS = (
    "reason_extra",
    "history_sources",
    "comparison_sections",
    "comparison_body",
    "implied_body",
    "findings_sections",
    "impression_sections",
    "signature_sections",
    "known_categories",
    "history_categories",
    "followup_categories",
    "clinical_categories",
    "title_markers",
    "unlabelled_findings",
    "report_end_categories",
)
# Settings that are one regular expression each, compiled under their own name.
_PATTERN_KEYS = (
    "limited_exclusions",
    "observation",
    "summary",
    "self_reference",
    "study_words",
    "course_words",
    "not_title",
    "edge_of_scan",
    "technical_limits",
    "other_date_roles",
    "compared_after",
    "retracted_date",
    "preliminary",
    "final_read",
)
_CODE = re.compile(r"([A-Z]\d{2})(?:\.\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class ExtractionConfig:
    """Which sections each extractor reads and what target categories mean."""

    reason_sources: tuple[tuple[str, ...], ...]
    region_sources: tuple[tuple[str, ...], ...]
    lists: dict[str, frozenset[str]]
    limited_exclusions: re.Pattern
    observation: re.Pattern
    summary: re.Pattern
    title_max_words: int
    self_reference: re.Pattern
    study_words: re.Pattern
    course_words: re.Pattern
    not_title: re.Pattern
    reason_fallback_statements: int
    region_share: float
    statement_sections: tuple[str, ...]
    statement_technique: tuple[str, ...]
    statement_after: re.Pattern
    statement_before: re.Pattern
    statement_list: re.Pattern
    acquisition: re.Pattern
    edge_of_scan: re.Pattern
    whole_body_modalities: frozenset[str]
    whole_body_min_regions: int
    prior_date_window: int
    finding_window: int
    modality_window: int
    extent: re.Pattern
    technical_limits: re.Pattern
    limit_reason_sections: tuple[str, ...]
    limit_reasons: re.Pattern
    preliminary: re.Pattern
    final_read: re.Pattern
    other_codes: re.Pattern
    extent_axis: tuple[str, ...]
    extent_landmarks: dict[str, tuple[str, str]]
    other_date_roles: re.Pattern
    compared_after: re.Pattern
    retracted_date: re.Pattern
    code_default: str
    code_prefixes: dict[str, str]

    def __getattr__(self, name: str) -> frozenset[str]:
        try:
            return self.lists[name]
        except KeyError:
            raise AttributeError(name) from None

    def code_kind(self, span: Span) -> str:
        """What a billing code means as a reason: "known", "followup" or "symptom"."""
        match = _CODE.search(span.text)
        code = match.group(1).upper() if match else span.text.upper()
        for size in range(len(code), 0, -1):
            if code[:size] in self.code_prefixes:
                return self.code_prefixes[code[:size]]
        return self.code_default


@cache
def extraction_config(path: str = "extraction.json") -> ExtractionConfig:
    """Read and validate the extraction settings once per process."""
    data = read_json(path)
    check_keys(
        data,
        path=path,
        where="top level",
        required=[
            "reason_sources",
            "region_sources",
            "title_max_words",
            "reason_fallback_statements",
            "region_share",
            "region_statements",
            "whole_body",
            "prior_date_window",
            "finding_window",
            "modality_window",
            "extent",
            "limit_reasons",
            "study_modality",
            "code_kinds",
            *_PATTERN_KEYS,
            *_LIST_KEYS,
        ],
        optional=["description"],
    )

    def block(name: str, required: list[str]) -> dict:
        return check_keys(
            data[name],
            path=path,
            where=name,
            required=required,
            optional=["description"],
        )

    def pattern(value: str, where: str) -> re.Pattern:
        return compile_pattern(value, path=path, where=where)

    codes = block("code_kinds", ["default", "prefixes"])
    whole_body = block("whole_body", ["modalities", "min_regions"])
    statements = block(
        "region_statements",
        ["sections", "technique_sections", "after", "before", "list", "acquisition"],
    )
    limit_reasons = block("limit_reasons", ["sections", "pattern"])
    study = block("study_modality", ["other_codes"])
    extent = block("extent", ["axis", "landmarks"])
    landmarks = "|".join(
        sorted(map(re.escape, extent["landmarks"]), key=len, reverse=True)
    )
    return ExtractionConfig(
        reason_sources=tuple(tuple(group) for group in data["reason_sources"]),
        region_sources=tuple(tuple(group) for group in data["region_sources"]),
        lists={key: frozenset(data[key]) for key in _LIST_KEYS},
        **{key: pattern(data[key], key) for key in _PATTERN_KEYS},
        title_max_words=int(data["title_max_words"]),
        reason_fallback_statements=int(data["reason_fallback_statements"]),
        region_share=float(data["region_share"]),
        statement_sections=tuple(statements["sections"]),
        statement_technique=tuple(statements["technique_sections"]),
        **{
            f"statement_{key}": pattern(statements[key], f"region_statements.{key}")
            for key in ("after", "before", "list")
        },
        acquisition=pattern(statements["acquisition"], "region_statements.acquisition"),
        whole_body_modalities=frozenset(whole_body["modalities"]),
        whole_body_min_regions=int(whole_body["min_regions"]),
        prior_date_window=int(data["prior_date_window"]),
        finding_window=int(data["finding_window"]),
        modality_window=int(data["modality_window"]),
        extent=pattern(
            rf"\b(?:from )?(?:the )?(?P<a>{landmarks}) (?:through|to|down to|into|thru)"
            rf" (?:the |and including the )?(?P<b>{landmarks})\b",
            "extent",
        ),
        other_codes=pattern(study["other_codes"], "study_modality.other_codes"),
        limit_reason_sections=tuple(limit_reasons["sections"]),
        limit_reasons=pattern(limit_reasons["pattern"], "limit_reasons.pattern"),
        extent_axis=tuple(extent["axis"]),
        extent_landmarks={k: tuple(v) for k, v in extent["landmarks"].items()},
        code_default=codes["default"],
        code_prefixes={k.upper(): v for k, v in codes["prefixes"].items()},
    )
