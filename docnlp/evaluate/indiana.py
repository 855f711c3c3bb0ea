"""Measuring docnlp on the Indiana chest X-ray CSV against the labels its fields carry.

The CSV is under a NoDerivatives licence: each report's text is built in memory from
its fields and never written anywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import DocnlpError, Errors
from .files import reject_folder, utf8_text
from .indiana_labels import comparison_label, expects_prior, indication_label
from .metrics import Bootstrap, agreement, prf
from .scoring import NO_RESULT, STATUSES

# The report's fields, in reading order, with the heading each gets in the text.
HEADINGS = (
    ("image", "EXAMINATION"),
    ("indication", "INDICATION"),
    ("comparison", "COMPARISON"),
    ("findings", "FINDINGS"),
    ("impression", "IMPRESSION"),
)
# The column naming each report.
ID_COLUMN = "uid"
# Longest share of a comparison value --errors shows; the field is a short label.
SHOWN_CHARS = 40


@dataclass(frozen=True)
class IndianaReport:
    """One row of the CSV: its id and the fields the text is built from.

    Attributes:
        uid: The row's uid.
        fields: The HEADINGS fields, stripped of surrounding white space.
    """

    uid: str
    fields: dict[str, str]

    @cached_property
    def text(self) -> str:
        """The report text: one "HEADING: value" line per non-empty field."""
        return "\n".join(
            f"{heading}: {self.fields[name]}"
            for name, heading in HEADINGS
            if self.fields[name]
        )

    @cached_property
    def comparison(self) -> tuple[str, str | None]:
        """The comparison field's category and the rule that decided it."""
        return comparison_label(self.fields["comparison"])

    @cached_property
    def indication(self) -> str:
        """The indication field's category."""
        return indication_label(self.fields["indication"])


def read_indiana(path: Path) -> list[IndianaReport]:
    """Read the CSV's rows.

    Raises:
        DocnlpError: The file is missing, a folder or not UTF-8, or lacks a needed
            column.
    """
    reject_folder(path, "Indiana CSV", "the indiana_reports.csv file")
    if not path.is_file():
        raise DocnlpError(Errors.E010.format(source=path))
    needed = (ID_COLUMN, *(name for name, _ in HEADINGS))
    with io.StringIO(utf8_text(path), newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in needed if c not in (reader.fieldnames or ())]
        if missing:
            raise DocnlpError(
                Errors.E036.format(
                    source=path, missing=", ".join(missing), expected=", ".join(needed)
                )
            )
        return [
            IndianaReport(
                row[ID_COLUMN].strip(), {n: (row[n] or "").strip() for n, _ in HEADINGS}
            )
            for row in reader
        ]


def score_indiana(
    reports: Sequence[IndianaReport],
    results: Mapping[str, dict[str, Any]],
    boot: Bootstrap,
) -> dict[str, Any]:
    """Agreement of docnlp with the CSV's comparison and indication labels.

    Args:
        reports: The CSV's rows.
        results: Results as `Result.to_dict()` gives them, by uid.
        boot: How intervals are drawn.

    Returns:
        JSON-ready data: "reports", "failed" (results with an error), "labels"
        (counts per category), "checks" ("comparison", "none_available",
        "indication": n, agreement, P/R/F1 of the positive label and a
        category-by-prediction table) and "errors".
    """
    rows = [_Row(r, results.get(r.uid) or {}) for r in reports]
    checks = {name: _check(rows, name, boot) for name in _CHECKS}
    return {
        "reports": len(reports),
        "failed": [r.uid for r in reports if (results.get(r.uid) or {}).get("error")],
        "labels": {
            "comparison": _count(r.report.comparison[0] for r in rows),
            "indication": _count(r.report.indication for r in rows),
        },
        "checks": checks,
        "errors": [e for row in rows for e in row.disagreements()],
    }


class _Row:
    """One report's labels next to what docnlp found."""

    def __init__(self, report: IndianaReport, result: dict[str, Any]) -> None:
        self.report = report
        elements = result.get("elements") or {}
        self.comparison = elements.get("comparison") or {}
        self.reason = elements.get("reason_for_followup") or {}

    def outcome(self, check: str) -> tuple[str, bool | None, bool, str]:
        """(label category, label, prediction, predicted value shown) for a check.

        The label is None where the field is silent: an empty comparison field
        neither names a prior nor says there is none, and the text may do either.
        """
        category = self.report.comparison[0]
        silent = category == "empty"
        if check == "comparison":
            got = self.comparison.get("status") or NO_RESULT
            want = None if silent else expects_prior(category)
            return category, want, got == "present", got
        if check == "none_available":
            got = self.comparison.get("none_available")
            want = None if silent else category == "none"
            return category, want, got is True, _flag(got)
        got = self.reason.get("status") or NO_RESULT
        wanted = self.report.indication != "empty"
        return self.report.indication, wanted, got not in ("missing", NO_RESULT), got

    def disagreements(self) -> list[dict[str, Any]]:
        """One entry per check where the prediction and the label differ."""
        found = []
        for check in _CHECKS:
            category, want, got, shown = self.outcome(check)
            if want is None or want == got:
                continue
            element = self.reason if check == "indication" else self.comparison
            entry = {
                "id": self.report.uid,
                "check": check,
                "category": category,
                "expected": _EXPECTED[check][want],
                "got": shown,
                "evidence": [
                    {"start": e["start"], "end": e["end"], "section": e.get("section")}
                    for e in element.get("evidence", [])
                ],
            }
            if check != "indication":
                entry["rule"] = self.report.comparison[1]
                entry["comparison"] = _shorten(self.report.fields["comparison"])
            found.append(entry)
        return found


# The checks, and how each states the label it expects.
_EXPECTED = {
    "comparison": {True: "present", False: "not present"},
    "none_available": {True: "true", False: "false"},
    "indication": {True: "not missing", False: "missing"},
}
_CHECKS = tuple(_EXPECTED)


def _check(rows: list[_Row], check: str, boot: Bootstrap) -> dict[str, Any]:
    outcomes = [row.outcome(check) for row in rows]
    table: dict[str, dict[str, int]] = {}
    for category, _, _, shown in outcomes:
        columns = table.setdefault(category, {})
        columns[shown] = columns.get(shown, 0) + 1
    # Rows whose field is silent are shown in the table but scored nowhere.
    labelled = [(w, g) for _, w, g, _ in outcomes if w is not None]
    want = [w for w, _ in labelled]
    got = [g for _, g in labelled]
    scores = prf(
        [w and g for w, g in zip(want, got, strict=True)],
        [g and not w for w, g in zip(want, got, strict=True)],
        [w and not g for w, g in zip(want, got, strict=True)],
        boot,
    )
    return {
        "n": len(labelled),
        "silent": len(rows) - len(labelled),
        "agreement": agreement(
            [w == g for w, g in zip(want, got, strict=True)], boot
        ).to_dict(),
        "positive": {k: v.to_dict() for k, v in scores.items()},
        "table": {
            c: dict(sorted(v.items(), key=_column_order))
            for c, v in sorted(table.items())
        },
    }


def _column_order(item: tuple[str, int]) -> tuple[int, str]:
    order = (*STATUSES, "true", "false", NO_RESULT)
    return (order.index(item[0]) if item[0] in order else len(order), item[0])


def _count(categories) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in categories:
        counts[c] = counts.get(c, 0) + 1
    return dict(sorted(counts.items()))


def _flag(value: Any) -> str:
    return NO_RESULT if value is None else str(bool(value)).lower()


def _shorten(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"
