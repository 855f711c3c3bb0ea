"""The checklist model and its loader: one JSON file per CPT code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import DocnlpError, Errors
from ..result import ELEMENTS
from ..rules import RESOURCES, read_json

_STATUSES = ("present", "partial", "missing")
_SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class ElementSpec:
    """One element of a checklist."""

    name: str
    label: str
    required: bool
    weight: float
    messages: dict[str, str]
    unsigned_severity: str | None = None


@dataclass(frozen=True)
class Reading:
    """A way a report can support the code ("followup", "limited")."""

    name: str
    label: str
    basis_any: dict[str, tuple[str, ...]]
    basis_limited: bool
    requires: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Checklist:
    """What a report must document for one CPT code."""

    code: str
    title: str
    version: str
    credit: dict[str, float]
    elements: dict[str, ElementSpec]
    readings: tuple[Reading, ...]
    report_gaps: dict[str, dict[str, str]]
    modalities: frozenset[str] = frozenset()


def available_codes() -> list[str]:
    """The codes that have a packaged checklist."""
    folder = RESOURCES / "checklists"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


@cache
def load_checklist(code: str = "76380", path: str | None = None) -> Checklist:
    """Load and validate a checklist.

    Args:
        code: The CPT code, looked up under docnlp/resources/checklists/.
        path: A user's checklist file, instead of the packaged one.

    Raises:
        DocnlpError: No checklist for the code, or the file is invalid.
    """
    if path is None:
        if code not in available_codes():
            raise DocnlpError(Errors.E003.format(code=code, known=available_codes()))
        source: str | Path = f"checklists/{code}.json"
    else:
        source = Path(path)
    return _parse(read_json(source), str(source))


def _parse(data: dict[str, Any], path: str) -> Checklist:
    def fail(where: str, problem: str) -> DocnlpError:
        return DocnlpError(Errors.E004.format(path=path, where=where, problem=problem))

    _keys(
        data,
        {"code", "title", "version", "credit", "elements", "readings"},
        {"description", "report_gaps", "modalities"},
        "top level",
        fail,
    )
    modalities = data.get("modalities", [])
    if not isinstance(modalities, list) or not all(
        isinstance(m, str) for m in modalities
    ):
        raise fail("modalities", "must be a list of modality names, e.g. ['CT']")
    if not isinstance(data["credit"], dict) or set(data["credit"]) != set(_STATUSES):
        raise fail("credit", f"needs exactly the keys {list(_STATUSES)}")
    for status, value in data["credit"].items():
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= 1
        ):
            raise fail(
                f"credit.{status}", f"must be a number from 0 to 1, not {value!r}"
            )
    elements = {}
    for name, spec in data["elements"].items():
        where = f"elements.{name}"
        if name not in ELEMENTS:
            raise fail(where, f"unknown element; known are {list(ELEMENTS)}")
        _keys(
            spec,
            {"label", "required", "weight", "messages"},
            {"unsigned_severity"},
            where,
            fail,
        )
        if not isinstance(spec["weight"], (int, float)) or spec["weight"] < 0:
            raise fail(f"{where}.weight", "must be a number of at least 0")
        for status in ("partial", "missing"):
            if status not in spec["messages"]:
                raise fail(f"{where}.messages", f"needs a message for {status!r}")
        severity = spec.get("unsigned_severity")
        if severity is not None and severity not in _SEVERITIES:
            raise fail(f"{where}.unsigned_severity", f"must be one of {_SEVERITIES}")
        elements[name] = ElementSpec(
            name,
            spec["label"],
            bool(spec["required"]),
            float(spec["weight"]),
            dict(spec["messages"]),
            severity,
        )
    readings = []
    for name, spec in data["readings"].items():
        where = f"readings.{name}"
        _keys(spec, {"label", "basis", "requires"}, set(), where, fail)
        _keys(spec["basis"], set(), {"any", "limited_extent"}, f"{where}.basis", fail)
        requires = _statuses(spec["requires"], f"{where}.requires", elements, fail)
        basis_any = _statuses(
            spec["basis"].get("any", {}), f"{where}.basis.any", elements, fail
        )
        readings.append(
            Reading(
                name,
                spec["label"],
                basis_any,
                bool(spec["basis"].get("limited_extent")),
                requires,
            )
        )
    gaps = data.get("report_gaps", {})
    for name, spec in gaps.items():
        where = f"report_gaps.{name}"
        _keys(spec, {"severity", "message"}, {"regions"}, where, fail)
        regions = spec.get("regions", 2)
        if not isinstance(regions, int) or isinstance(regions, bool) or regions < 2:
            raise fail(f"{where}.regions", "must be a whole number of 2 or more")
    return Checklist(
        str(data["code"]),
        data["title"],
        str(data["version"]),
        {k: float(v) for k, v in data["credit"].items()},
        elements,
        tuple(readings),
        gaps,
        frozenset(modalities),
    )


def _keys(obj: Any, required: set[str], optional: set[str], where: str, fail) -> None:
    if not isinstance(obj, dict):
        raise fail(where, "expected an object")
    if missing := required - obj.keys():
        raise fail(where, f"missing key(s) {sorted(missing)}")
    if unknown := obj.keys() - required - optional:
        raise fail(where, f"unknown key(s) {sorted(unknown)}")


def _statuses(mapping: Any, where: str, elements: dict, fail) -> dict[str, tuple]:
    if not isinstance(mapping, dict):
        raise fail(where, "expected an object of element: [statuses]")
    result = {}
    for name, statuses in mapping.items():
        if name not in elements:
            raise fail(where, f"names {name!r}, which the checklist does not define")
        if not isinstance(statuses, list) or not set(statuses) <= set(_STATUSES):
            raise fail(f"{where}.{name}", f"must be a list drawn from {_STATUSES}")
        result[name] = tuple(statuses)
    return result
