"""Loading and validating the rule files under `docnlp/resources/`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import DocnlpError, Errors

# The package folder that holds every rule file.
RESOURCES = resources.files("docnlp") / "resources"


def read_json(name: str | Path) -> dict[str, Any]:
    """Read a rule file: a name under `docnlp/resources/` or a path.

    Args:
        name: A file name such as "sections.json", or a path to a user's file.

    Returns:
        The parsed JSON object.

    Raises:
        DocnlpError: The file is missing, not JSON, or not a JSON object.
    """
    packaged = RESOURCES / str(name)
    source = None if not isinstance(name, Path) and packaged.is_file() else Path(name)
    try:
        if source is not None:
            raw = source.read_text(encoding="utf-8")
        else:
            raw = packaged.read_text(encoding="utf-8")
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError) as err:
        raise DocnlpError(Errors.E001.format(path=name, problem=err)) from None
    except json.JSONDecodeError as err:
        problem = f"not JSON ({err.msg}, line {err.lineno})"
        raise DocnlpError(Errors.E001.format(path=name, problem=problem)) from None
    if not isinstance(data, dict):
        problem = "the top level must be a JSON object"
        raise DocnlpError(Errors.E001.format(path=name, problem=problem))
    return data


def check_keys(
    obj: Any,
    *,
    path: str | Path,
    where: str,
    required: Iterable[str],
    optional: Iterable[str] = (),
) -> Mapping[str, Any]:
    """Check that a rule entry is an object with the expected keys and no others.

    Raises:
        DocnlpError: Naming the file, the entry and the offending key.
    """
    if not isinstance(obj, Mapping):
        raise DocnlpError(
            Errors.E002.format(path=path, where=where, problem="expected an object")
        )
    required = set(required)
    missing = required - obj.keys()
    unknown = obj.keys() - required - set(optional)
    if missing:
        problem = f"missing key(s) {sorted(missing)}"
        raise DocnlpError(Errors.E002.format(path=path, where=where, problem=problem))
    if unknown:
        allowed = sorted(required | set(optional))
        problem = f"unknown key(s) {sorted(unknown)}; allowed are {allowed}"
        raise DocnlpError(Errors.E002.format(path=path, where=where, problem=problem))
    return obj


def compile_pattern(pattern: str, *, path: str | Path, where: str) -> re.Pattern:
    """Compile one case-insensitive rule pattern, naming the rule if it is broken."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        problem = f"bad regular expression {pattern!r} ({err})"
        raise DocnlpError(
            Errors.E002.format(path=path, where=where, problem=problem)
        ) from None


def alternation(patterns: Iterable[str]) -> str:
    """Join regex fragments into one alternation, longest first.

    Python's `re` takes the first alternative that matches, so the longer headings
    ("clinical history") must come before their prefixes ("clinical").
    """
    return "|".join(sorted(set(patterns), key=len, reverse=True))


@cache
def load_resource(name: str) -> dict[str, Any]:
    """Read a packaged rule file once per process."""
    return read_json(name)
