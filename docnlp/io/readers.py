"""Readers: one per input kind, each yielding a Record per report and never raising.

A report that cannot be read comes out as a Record with `error` set to a catalogue
message naming the file, line or row, so that a batch keeps going and the output
still holds a line for it. Files are read one report at a time.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import DocnlpError, Errors
from ..pipeline import Record
from .decoding import decode_report, iter_lines, looks_binary, printable, undecodable

logger = logging.getLogger("docnlp")

# The path that stands for standard input.
STDIN = "-"
# Id and source of the report read from standard input.
STDIN_ID = "stdin"
STDIN_SOURCE = "<stdin>"
# File kinds a folder is searched for, and that a path may name.
SUFFIXES = (".txt", ".jsonl", ".csv")
# The bundled example report, under the package's examples/ folder.
EXAMPLE = "followup_chest_ct.txt"
# Longest CSV field read, in characters. Python's csv module stops at 131,072 by
# default, far under the longest text the pipeline takes (nlp.max_length, 1,000,000
# unless a caller raises it): a longer report must reach the pipeline and get its
# own E061 rather than end the file's reading. 2**31 - 1 is the largest limit the
# csv module takes on every platform (a C long), so no text is refused here; the
# limit is raised only while docnlp parses a row (see `_wide_fields`).
CSV_FIELD_LIMIT = 2**31 - 1
# Keys listed at most in a message about a JSONL line.
MAX_KEYS = 10
# JSON type names for a line that holds something other than an object.
_JSON_TYPES = {
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def read_inputs(
    paths: Iterable[str | Path],
    *,
    text_column: str = "text",
    id_column: str | None = None,
    exclude: Iterable[Path] = (),
) -> Iterator[Record]:
    """Read reports from files, folders and standard input, in the order given.

    Args:
        paths: `.txt`, `.jsonl` and `.csv` files, folders of them (searched
            recursively, in sorted order, hidden entries skipped), or "-" for one
            report on standard input.
        text_column: The CSV column holding the report text.
        id_column: The CSV column holding the report id; None uses "id" when the
            CSV has it and "<file>:<row>" otherwise.
        exclude: Files to skip when searching folders (the output file).

    Yields:
        One record per report; unreadable inputs as records with `error` set.
    """
    skip = {p.resolve() for p in exclude}
    for raw in paths:
        if str(raw) == STDIN:
            yield from read_stdin()
            continue
        path = Path(raw)
        if path.is_dir():
            yield from read_folder(
                path, text_column=text_column, id_column=id_column, exclude=skip
            )
        elif path.exists():
            yield from read_file(
                path, label=path.name, text_column=text_column, id_column=id_column
            )
        else:
            yield _failed(str(raw), str(raw), Errors.E010.format(source=raw))


def read_folder(
    folder: Path,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    exclude: Iterable[Path] = (),
) -> Iterator[Record]:
    """Read every `.txt`, `.jsonl` and `.csv` file under a folder, sorted by path.

    Ids carry the path inside the folder ("sub/a001" for sub/a001.txt), so that
    reports with the same file name in two sub-folders stay apart.

    Args:
        folder: The folder to search, recursively.
        text_column: See `read_inputs`.
        id_column: See `read_inputs`.
        exclude: Resolved paths to leave out.

    Yields:
        One record per report, or one error record when the folder holds none.
    """
    files = _report_files(folder, set(exclude))
    if not files:
        yield _failed(str(folder), str(folder), Errors.E011.format(source=folder))
        return
    logger.debug("%s: %d report files", folder, len(files))
    for path in files:
        yield from read_file(
            path,
            label=path.relative_to(folder).as_posix(),
            text_column=text_column,
            id_column=id_column,
        )


def read_file(
    path: Path,
    *,
    label: str | None = None,
    text_column: str = "text",
    id_column: str | None = None,
) -> Iterator[Record]:
    """Read one file with the reader its suffix names.

    Args:
        path: A `.txt`, `.jsonl` or `.csv` file.
        label: How ids name the file ("a.jsonl", "sub/a.txt"); its name by default.
        text_column: See `read_inputs`.
        id_column: See `read_inputs`.

    Yields:
        The file's reports, or one error record for an unsupported suffix.
    """
    label = label or path.name
    suffix = path.suffix.lower()
    if suffix == ".txt":
        stem = label[: -len(suffix)] if label.lower().endswith(suffix) else label
        yield from read_txt(path, id=stem)
    elif suffix == ".jsonl":
        yield from read_jsonl(path, label=label)
    elif suffix == ".csv":
        yield from read_csv(
            path, label=label, text_column=text_column, id_column=id_column
        )
    else:
        yield _failed(label, str(path), Errors.E019.format(source=path, suffix=suffix))


def read_txt(path: Path, *, id: str | None = None) -> Iterator[Record]:
    """Read a text file holding one report.

    Args:
        path: The file; UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM,
            or cp1252.
        id: The report's id; the file's stem by default.

    Yields:
        One record.
    """
    source = str(path)
    id = id or path.stem
    try:
        data = path.read_bytes()
    except OSError as err:
        yield _failed(id, source, _read_error(source, err))
        return
    yield _decoded(id, source, data)


def read_jsonl(path: Path, *, label: str | None = None) -> Iterator[Record]:
    """Read a JSON Lines file of `{"id": ..., "text": ...}` objects.

    Blank lines are skipped; line numbers count every line from 1.

    Args:
        path: The file.
        label: How ids name the file when a line has no "id"; its name by default.

    Yields:
        One record per non-blank line.
    """
    source, label = str(path), label or path.name
    found = False
    try:
        with path.open("rb") as stream:
            for number, line in enumerate(iter_lines(stream, source), start=1):
                if line.strip():
                    found = True
                    yield _jsonl_record(line, source, label, number)
    except (OSError, DocnlpError) as err:
        yield _failed(label, source, _read_error(source, err))
        return
    if not found:
        yield _failed(label, source, Errors.E029.format(source=source, what="lines"))


def read_csv(
    path: Path,
    *,
    label: str | None = None,
    text_column: str = "text",
    id_column: str | None = None,
) -> Iterator[Record]:
    """Read a CSV file with one report per row under a header row.

    Rows are numbered from 1 under the header; rows with no cells are skipped.

    Args:
        path: The file.
        label: How ids name the file when there is no id column; its name by
            default.
        text_column: The column holding the report text.
        id_column: The column holding the id; None uses "id" when present.

    Yields:
        One record per row, or one error record when a named column is missing.
    """
    source, label = str(path), label or path.name
    try:
        with path.open("rb") as stream:
            yield from _csv_records(
                stream, source, label, text_column=text_column, id_column=id_column
            )
    except (OSError, DocnlpError) as err:
        yield _failed(label, source, _read_error(source, err))


def read_stdin(stream: BinaryIO | None = None) -> Iterator[Record]:
    """Read standard input: one report, or JSON Lines of reports.

    Input whose first line is a JSON object with a "text" field is read as JSON
    Lines (`cat batch.jsonl | docnlp check -`): no report starts that way, and
    checking a batch as one report would pass or fail it as a whole.

    Args:
        stream: Where to read instead of standard input's bytes.

    Yields:
        One record with id "stdin", or one per line as `read_jsonl` gives them.
    """
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None)
    # A stand-in for stdin without bytes (some test runners) is read as text.
    data = sys.stdin.read().encode("utf-8") if stream is None else stream.read()
    record = _decoded(STDIN_ID, STDIN_SOURCE, data)
    if record.error is None and _is_jsonl(record.text):
        for number, line in enumerate(record.text.split("\n"), start=1):
            if line.strip():
                yield _jsonl_record(line, STDIN_SOURCE, STDIN_ID, number)
        return
    yield record


def _is_jsonl(text: str) -> bool:
    """Whether a text's first line is a JSON object with a "text" field."""
    first = text.lstrip().split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:
        data = json.loads(first)
    except ValueError:
        return False
    return isinstance(data, dict) and "text" in data


def read_example() -> Iterator[Record]:
    """Read the bundled example report, a complete CT chest follow-up.

    Yields:
        One record with id "followup_chest_ct".
    """
    resource = resources.files("docnlp") / "examples" / EXAMPLE
    yield _decoded(
        Path(EXAMPLE).stem, f"docnlp/examples/{EXAMPLE}", resource.read_bytes()
    )


def _report_files(folder: Path, exclude: set[Path]) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(folder):
        # Hidden folders (.git, .venv) are pruned, not walked and then filtered.
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(root, name)
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_file() and path.resolve() not in exclude:
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def _jsonl_record(line: str, source: str, label: str, number: int) -> Record:
    where = f"{source}:{number}"
    fallback_id = f"{label}:{number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        problem = f"{err.msg} at column {err.colno}"
        return _failed(
            fallback_id,
            where,
            Errors.E015.format(source=source, line=number, problem=problem),
        )
    if not isinstance(data, dict):
        keys = f"none, the line holds a JSON {_JSON_TYPES.get(type(data), 'value')}"
        return _failed(
            fallback_id,
            where,
            Errors.E016.format(source=source, line=number, field="text", keys=keys),
        )
    id = fallback_id if data.get("id") is None else printable(str(data["id"]))
    text = data.get("text")
    if not isinstance(text, str):
        return _failed(
            id,
            where,
            Errors.E016.format(
                source=source, line=number, field="text", keys=_keys(data)
            ),
        )
    return _checked(id, where, text, line=number)


def _csv_records(
    stream: BinaryIO,
    source: str,
    label: str,
    *,
    text_column: str,
    id_column: str | None,
) -> Iterator[Record]:
    # Strict: an unbalanced quote is an error, not rows silently merged into one
    # field. Reading stops there: where the next row starts cannot be told, and
    # reading on makes rows of the lines of a quoted report.
    rows = csv.reader(iter_lines(stream, source), strict=True)
    try:
        with _wide_fields():
            first = next(rows, [])
    except csv.Error as err:
        yield _failed(
            label, source, Errors.E025.format(source=source, line=1, problem=err)
        )
        return
    header = [printable(name.strip()) for name in first]
    if not header:
        yield _failed(label, source, Errors.E012.format(source=source))
        return
    columns = [text_column] + ([id_column] if id_column else [])
    for column in columns:
        if column not in header:
            yield _failed(
                label,
                source,
                Errors.E017.format(
                    source=source, column=column, columns=", ".join(map(repr, header))
                ),
            )
            return
    text_at = header.index(text_column)
    id_name = id_column or ("id" if "id" in header else None)
    id_at = header.index(id_name) if id_name else None

    number = 0
    while True:
        number += 1
        try:
            with _wide_fields():
                row = next(rows)
        except StopIteration:
            if number == 1:
                yield _failed(
                    label, source, Errors.E029.format(source=source, what="rows")
                )
            return
        except csv.Error as err:
            yield _failed(
                f"{label}:{number}",
                f"{source}:line {rows.line_num}",
                Errors.E025.format(source=source, line=rows.line_num, problem=err),
            )
            return
        if row:
            yield _csv_record(row, source, label, number, text_at, id_at, text_column)


@contextlib.contextmanager
def _wide_fields() -> Iterator[None]:
    # The csv module's limit is global: raised for one row's parsing and put back
    # before the row is yielded, so that other code's CSV reading keeps its own.
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_record(
    row: list[str],
    source: str,
    label: str,
    number: int,
    text_at: int,
    id_at: int | None,
    text_column: str,
) -> Record:
    where = f"{source}:row {number}"
    cell_id = row[id_at].strip() if id_at is not None and id_at < len(row) else ""
    id = printable(cell_id) if cell_id else f"{label}:{number}"
    text = row[text_at] if text_at < len(row) else ""
    if not text.strip():
        return _failed(
            id, where, Errors.E018.format(source=source, row=number, column=text_column)
        )
    return _checked(id, where, text, row=number)


def _decoded(id: str, source: str, data: bytes) -> Record:
    try:
        text = decode_report(data, source)
    except DocnlpError as err:
        return _failed(id, source, str(err))
    return _checked(id, source, text)


def _checked(id: str, source: str, text: str, **metadata: Any) -> Record:
    # The pipeline only ever sees text that is non-blank, decoded and not binary.
    if not text.strip():
        return _failed(id, source, Errors.E012.format(source=source), **metadata)
    if undecodable(text):
        return _failed(id, source, Errors.E014.format(source=source), **metadata)
    if looks_binary(text):
        return _failed(id, source, Errors.E013.format(source=source), **metadata)
    return Record(id, source, text, metadata=metadata)


def _failed(id: str, source: str, error: str, **metadata: Any) -> Record:
    logger.debug("unreadable input %s: %s", source, error)
    return Record(id, source, None, error=error, metadata=metadata)


def _read_error(source: str, err: Exception) -> str:
    if isinstance(err, DocnlpError):
        return str(err)
    if isinstance(err, FileNotFoundError):
        return Errors.E010.format(source=source)
    return Errors.E021.format(source=source, problem=err.strerror or type(err).__name__)


def _keys(data: dict[str, Any]) -> str:
    keys = [printable(str(k)) for k in data]
    shown = ", ".join(map(repr, keys[:MAX_KEYS]))
    more = len(keys) - MAX_KEYS
    return (shown + (f" and {more} more" if more > 0 else "")) or "none"
