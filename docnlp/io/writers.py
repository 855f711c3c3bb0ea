"""Writers: one per output format, each streaming results as they come.

A writer is a context manager over a text stream it does not own: entering writes
what comes before the first result (a CSV header, a JSON array's bracket), `write`
adds one result, and leaving writes what closes the output and flushes it.
"""

from __future__ import annotations

import csv
import json
import textwrap
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Literal, TextIO

from ..errors import DocnlpError, Errors
from ..result import ELEMENTS, Result

if TYPE_CHECKING:
    from ..checklist import Checklist

Format = Literal["text", "json", "jsonl", "csv"]
# The output formats, the first being the command's default.
FORMATS: tuple[Format, ...] = ("text", "json", "jsonl", "csv")
# Spaces per level in the `json` format.
JSON_INDENT = 2


class ResultWriter:
    """Base class of the writers: a context manager that writes results one by one.

    Args:
        stream: Where to write; left open when the writer closes.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0

    def __enter__(self) -> ResultWriter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Write what comes before the first result."""

    def write(self, result: Result) -> None:
        """Write one result."""
        self._write(result)
        self.count += 1

    def close(self) -> None:
        """Write what comes after the last result, and flush."""
        self.stream.flush()

    def _write(self, result: Result) -> None:
        raise NotImplementedError


class JsonlWriter(ResultWriter):
    """One JSON object per line: `Result.to_dict()`, in the documented field order."""

    def _write(self, result: Result) -> None:
        self.stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")


class JsonWriter(ResultWriter):
    """A JSON array of `Result.to_dict()` objects, always an array.

    One report gives an array of one, so that a script reads every output the same
    way; nothing is held back to decide the shape, so the array streams.
    """

    def open(self) -> None:
        """Open the array."""
        self.stream.write("[")

    def _write(self, result: Result) -> None:
        data = json.dumps(result.to_dict(), ensure_ascii=False, indent=JSON_INDENT)
        separator = ",\n" if self.count else "\n"
        self.stream.write(separator + textwrap.indent(data, " " * JSON_INDENT))

    def close(self) -> None:
        """Close the array and flush."""
        self.stream.write("\n]\n" if self.count else "]\n")
        super().close()


# Between the gap messages of one CSV cell; a message never holds it.
GAP_SEPARATOR = " | "


class CsvWriter(ResultWriter):
    """One row per report: id, source, code, score, complete, reading, each
    element's status, the number of gaps, the gaps' messages (" | " between them),
    flags and error.

    A report in error has its error set and score, complete, reading, element and
    gap cells left empty, so that a spreadsheet does not count it as a zero.

    Args:
        stream: Where to write; open it with `newline=""`.
        elements: The checklist's element names, one column each.
    """

    def __init__(self, stream: TextIO, *, elements: Sequence[str] = ELEMENTS) -> None:
        super().__init__(stream)
        self.elements = tuple(elements)
        self.columns = (
            ("id", "source", "code", "score", "complete", "reading")
            + self.elements
            + ("gaps", "gap_messages", "flags", "error")
        )
        self._csv = csv.writer(stream, lineterminator="\n")

    def open(self) -> None:
        """Write the header row."""
        self._csv.writerow(self.columns)

    def _write(self, result: Result) -> None:
        self._csv.writerow(csv_row(result, self.elements))


def csv_row(result: Result, elements: Sequence[str] = ELEMENTS) -> list[str]:
    """A result as the cells of a `CsvWriter` row.

    Args:
        result: The result.
        elements: The element columns, in order.

    Returns:
        The row's cells, as strings.
    """
    head = [result.id, result.source, result.code]
    tail = [" ".join(result.flags), result.error or ""]
    if result.error is not None:
        return head + [""] * (3 + len(elements) + 2) + tail
    statuses = [
        result.elements[name].status if name in result.elements else ""
        for name in elements
    ]
    return (
        head
        + [f"{result.score:.4f}", str(result.complete).lower(), result.reading or ""]
        + statuses
        + [str(len(result.gaps)), GAP_SEPARATOR.join(g.message for g in result.gaps)]
        + tail
    )


def open_writer(
    output_format: str, stream: TextIO, *, checklist: Checklist | None = None
) -> ResultWriter:
    """The writer for a format.

    Args:
        output_format: One of `FORMATS`.
        stream: Where to write.
        checklist: The checklist checked, for element names and labels.

    Returns:
        A writer, not yet entered.

    Raises:
        DocnlpError: The format is unknown (E024).
    """
    elements = tuple(checklist.elements) if checklist else ELEMENTS
    if output_format == "jsonl":
        return JsonlWriter(stream)
    if output_format == "json":
        return JsonWriter(stream)
    if output_format == "csv":
        return CsvWriter(stream, elements=elements)
    if output_format == "text":
        from .text_output import TextWriter  # rich is only needed for people

        return TextWriter(stream, checklist=checklist)
    raise DocnlpError(
        Errors.E024.format(format=output_format, known=", ".join(FORMATS))
    )
