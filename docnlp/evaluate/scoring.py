"""Scoring results against gold records, per checklist element, as gold.py does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..result import ELEMENTS
from .gold import GoldReport
from .metrics import Bootstrap, agreement, prf

# The statuses gold records use, in table order.
STATUSES = ("present", "partial", "missing")
# What a report counts as when it has no result, or its check failed.
NO_RESULT = "error"
# The two ways every figure is given: all gold elements, and borderline ones left out.
VARIANTS = ("all", "without_borderline")
# Figures beyond status that some elements carry: (agreement flags, set-valued
# fields scored by micro P/R/F1). Borderline marks on the element apply to them.
EXTRAS = {
    "comparison": (("none_available",), ("prior_dates", "prior_modalities")),
    "scanned_region": ((), ("regions",)),
}


@dataclass
class _Row:
    """One report's gold and result for one element."""

    key: str
    want: str
    got: str
    borderline: bool
    evidence: list[dict[str, Any]]
    flags: dict[str, tuple[bool, Any, Any]] = field(default_factory=dict)
    sets: dict[str, tuple[set, set, list[dict[str, Any]]]] = field(default_factory=dict)


def score_gold(
    reports: Sequence[GoldReport],
    results: Mapping[str, dict[str, Any]],
    boot: Bootstrap,
) -> dict[str, Any]:
    """Figures per element, with and without borderline elements, and disagreements.

    Args:
        reports: The gold reports.
        results: Results as `Result.to_dict()` gives them, by "<corpus>/<id>".
        boot: How intervals are drawn.

    Returns:
        JSON-ready data: "reports", "without_result", "failed" (results with an
        error), "elements" (per element and variant: n, agreement, present P/R/F1,
        confusion, and the comparison and region extras) and "errors" (every
        disagreement, by report id and offsets).
    """
    elements: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name in ELEMENTS:
        rows = [_row(g, results.get(g.key), name) for g in reports]
        elements[name] = {v: _summarise(rows, v, boot, name) for v in VARIANTS}
        errors.extend(_disagreements(rows, name))
    return {
        "reports": len(reports),
        "without_result": [g.key for g in reports if g.key not in results],
        "failed": [g.key for g in reports if (results.get(g.key) or {}).get("error")],
        "elements": elements,
        "errors": errors,
    }


def _row(gold: GoldReport, result: dict[str, Any] | None, name: str) -> _Row:
    want = gold.record["elements"][name]
    got = ((result or {}).get("elements") or {}).get(name) or {}
    row = _Row(
        key=gold.key,
        want=want["status"],
        got=got.get("status") or NO_RESULT,
        borderline=name in gold.borderline,
        evidence=_offsets(got.get("evidence", [])),
    )
    if name == "comparison":
        priors = got.get("priors") or []
        want_none = bool(want.get("none_available", False))
        got_none = got.get("none_available") if got else None
        row.flags["none_available"] = (want_none == got_none, want_none, got_none)
        row.sets["prior_dates"] = (
            set(want.get("prior_dates") or ()),
            {p["date"] for p in priors if p.get("date")},
            _offsets(priors),
        )
        row.sets["prior_modalities"] = (
            set(want.get("prior_modalities") or ()),
            {p["modality"] for p in priors if p.get("modality")},
            _offsets(priors),
        )
    elif name == "scanned_region":
        row.sets["regions"] = (
            set(want.get("regions") or ()),
            set(got.get("regions") or ()),
            row.evidence,
        )
    return row


def _summarise(
    rows: list[_Row], variant: str, boot: Bootstrap, name: str
) -> dict[str, Any]:
    flags, sets = EXTRAS.get(name, ((), ()))
    if variant == "without_borderline":
        rows = [r for r in rows if not r.borderline]
    want = np.array([r.want for r in rows], dtype=object)
    got = np.array([r.got for r in rows], dtype=object)
    present_w, present_g = want == "present", got == "present"

    summary: dict[str, Any] = {
        "n": len(rows),
        "agreement": agreement(want == got, boot).to_dict(),
        "present": _prf_dict(
            present_w & present_g, ~present_w & present_g, present_w & ~present_g, boot
        ),
        "confusion": confusion(list(want), list(got)),
    }
    for flag in flags:
        summary[flag] = agreement([r.flags[flag][0] for r in rows], boot).to_dict()
    for set_name in sets:
        pairs = [r.sets[set_name][:2] for r in rows]
        summary[set_name] = _prf_dict(
            [len(w & g) for w, g in pairs],
            [len(g - w) for w, g in pairs],
            [len(w - g) for w, g in pairs],
            boot,
        )
    return summary


def confusion(want: Sequence[str], got: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts of gold status (rows) by predicted status (columns).

    Args:
        want: Gold statuses.
        got: Predicted statuses; NO_RESULT where a report has none.

    Returns:
        {gold: {predicted: count}} over STATUSES, with a NO_RESULT column.
    """
    table = {w: dict.fromkeys((*STATUSES, NO_RESULT), 0) for w in STATUSES}
    for w, g in zip(want, got, strict=True):
        table[w][g] += 1
    return table


def _prf_dict(tp, fp, fn, boot: Bootstrap) -> dict[str, Any]:
    return {k: v.to_dict() for k, v in prf(tp, fp, fn, boot).items()}


def _disagreements(rows: list[_Row], name: str) -> list[dict[str, Any]]:
    found = []
    for r in rows:
        base = {"id": r.key, "element": name, "borderline": r.borderline}
        if r.want != r.got:
            found.append(
                {
                    **base,
                    "field": "status",
                    "expected": r.want,
                    "got": r.got,
                    "evidence": r.evidence,
                }
            )
        for flag, (agree, want, got) in r.flags.items():
            if not agree:
                found.append(
                    {
                        **base,
                        "field": flag,
                        "expected": want,
                        "got": got,
                        "evidence": r.evidence,
                    }
                )
        for field_name, (want, got, spans) in r.sets.items():
            if want != got:
                found.append(
                    {
                        **base,
                        "field": field_name,
                        **_set_difference(field_name, want, got),
                        "evidence": spans,
                    }
                )
    return found


def _set_difference(name: str, want: set, got: set) -> dict[str, Any]:
    # Dates come from report text, so only their counts leave the evaluation.
    if name == "prior_dates":
        return {"expected": len(want), "got": len(got), "matched": len(want & got)}
    return {"expected": sorted(want), "got": sorted(got)}


def _offsets(spans: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"start": s["start"], "end": s["end"], "section": s.get("section")}
        for s in spans
    ]
