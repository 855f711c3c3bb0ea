"""Reading the files docnlp evaluate is given as UTF-8, with errors naming the file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import DocnlpError, Errors


def utf8_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a UTF-8 file, numbered from 1, with their line endings.

    Args:
        path: The file.

    Yields:
        (line number, line) pairs.

    Raises:
        DocnlpError: A line is not UTF-8 (E039).
    """
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise DocnlpError(_not_utf8(path, number, raw[err.start])) from None


def json_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON objects of a UTF-8 JSON Lines file, numbered by line; blank lines
    are skipped.

    Raises:
        DocnlpError: A line is not UTF-8 (E039), or not a JSON object (E015).
    """
    for line_no, line in utf8_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DocnlpError(
                Errors.E015.format(source=path, line=line_no, problem=err.msg)
            ) from None
        if not isinstance(record, dict):
            raise DocnlpError(
                Errors.E015.format(source=path, line=line_no, problem="not an object")
            )
        yield line_no, record


def utf8_text(path: Path) -> str:
    """The text of a UTF-8 file, line endings as written.

    Raises:
        DocnlpError: The file is not UTF-8 (E039).
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DocnlpError(_not_utf8(path, line, data[err.start])) from None


def reject_folder(path: Path, what: str, expected: str) -> None:
    """Raise E070 when a path that should be a file is a folder.

    Args:
        path: The path given.
        what: What the path should be, for the message ("Gold file").
        expected: What to give instead.

    Raises:
        DocnlpError: The path is a folder (E070).
    """
    if path.is_dir():
        raise DocnlpError(Errors.E070.format(what=what, source=path, expected=expected))


def _not_utf8(path: Path, line: int, byte: int) -> str:
    return Errors.E039.format(source=path, line=line, byte=f"0x{byte:02x}")
