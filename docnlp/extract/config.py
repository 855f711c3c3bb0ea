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
    other_codes: re.Pattern
    extent_axis: tuple[str, ...]
    extent_landmarks: dict[str, tuple[str, str]]
    other_date_roles: re.Pattern
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
            "limited_exclusions",
            "observation",
            "summary",
            "title_max_words",
            "self_reference",
            "study_words",
            "course_words",
            "not_title",
            "reason_fallback_statements",
            "region_share",
            "region_statements",
            "edge_of_scan",
            "whole_body",
            "prior_date_window",
            "finding_window",
            "modality_window",
            "other_date_roles",
            "extent",
            "technical_limits",
            "limit_reasons",
            "study_modality",
            "code_kinds",
            *_LIST_KEYS,
        ],
        optional=["description"],
    )
    codes = check_keys(
        data["code_kinds"],
        path=path,
        where="code_kinds",
        required=["default", "prefixes"],
        optional=["description"],
    )
    whole_body = check_keys(
        data["whole_body"],
        path=path,
        where="whole_body",
        required=["modalities", "min_regions"],
        optional=["description"],
    )
    statements = check_keys(
        data["region_statements"],
        path=path,
        where="region_statements",
        required=[
            "sections",
            "technique_sections",
            "after",
            "before",
            "list",
            "acquisition",
        ],
        optional=["description"],
    )
    limit_reasons = check_keys(
        data["limit_reasons"],
        path=path,
        where="limit_reasons",
        required=["sections", "pattern"],
        optional=["description"],
    )
    study = check_keys(
        data["study_modality"],
        path=path,
        where="study_modality",
        required=["other_codes"],
        optional=["description"],
    )
    extent = check_keys(
        data["extent"],
        path=path,
        where="extent",
        required=["axis", "landmarks"],
        optional=["description"],
    )
    landmarks = "|".join(
        sorted(map(re.escape, extent["landmarks"]), key=len, reverse=True)
    )
    return ExtractionConfig(
        reason_sources=tuple(tuple(group) for group in data["reason_sources"]),
        region_sources=tuple(tuple(group) for group in data["region_sources"]),
        lists={key: frozenset(data[key]) for key in _LIST_KEYS},
        limited_exclusions=compile_pattern(
            data["limited_exclusions"], path=path, where="limited_exclusions"
        ),
        observation=compile_pattern(
            data["observation"], path=path, where="observation"
        ),
        summary=compile_pattern(data["summary"], path=path, where="summary"),
        title_max_words=int(data["title_max_words"]),
        self_reference=compile_pattern(
            data["self_reference"], path=path, where="self_reference"
        ),
        study_words=compile_pattern(
            data["study_words"], path=path, where="study_words"
        ),
        course_words=compile_pattern(
            data["course_words"], path=path, where="course_words"
        ),
        not_title=compile_pattern(data["not_title"], path=path, where="not_title"),
        reason_fallback_statements=int(data["reason_fallback_statements"]),
        region_share=float(data["region_share"]),
        statement_sections=tuple(statements["sections"]),
        statement_technique=tuple(statements["technique_sections"]),
        **{
            f"statement_{key}": compile_pattern(
                statements[key], path=path, where=f"region_statements.{key}"
            )
            for key in ("after", "before", "list")
        },
        acquisition=compile_pattern(
            statements["acquisition"], path=path, where="region_statements.acquisition"
        ),
        edge_of_scan=compile_pattern(
            data["edge_of_scan"], path=path, where="edge_of_scan"
        ),
        whole_body_modalities=frozenset(whole_body["modalities"]),
        whole_body_min_regions=int(whole_body["min_regions"]),
        prior_date_window=int(data["prior_date_window"]),
        finding_window=int(data["finding_window"]),
        modality_window=int(data["modality_window"]),
        extent=compile_pattern(
            rf"\b(?:from )?(?:the )?(?P<a>{landmarks}) (?:through|to|down to|into|thru)"
            rf" (?:the |and including the )?(?P<b>{landmarks})\b",
            path=path,
            where="extent",
        ),
        technical_limits=compile_pattern(
            data["technical_limits"], path=path, where="technical_limits"
        ),
        other_codes=compile_pattern(
            study["other_codes"], path=path, where="study_modality.other_codes"
        ),
        limit_reason_sections=tuple(limit_reasons["sections"]),
        limit_reasons=compile_pattern(
            limit_reasons["pattern"], path=path, where="limit_reasons.pattern"
        ),
        extent_axis=tuple(extent["axis"]),
        extent_landmarks={k: tuple(v) for k, v in extent["landmarks"].items()},
        other_date_roles=compile_pattern(
            data["other_date_roles"], path=path, where="other_date_roles"
        ),
        code_default=codes["default"],
        code_prefixes={k.upper(): v for k, v in codes["prefixes"].items()},
    )
