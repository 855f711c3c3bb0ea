"""The `text` format: results and batch summaries laid out for a person, with rich.

Report text reaches the console only as `rich.text.Text`, never as markup, so that
brackets in a report ("[ ]", "[/b]") print as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..result import Result
from .writers import ResultWriter

if TYPE_CHECKING:
    from ..batch import BatchSummary
    from ..checklist import Checklist

# Styles of element statuses and gap severities.
STATUS_STYLES = {"present": "green", "partial": "yellow", "missing": "bold red"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# Longest evidence quote shown, in characters, before it is cut with "...".
QUOTE_CHARS = 160
# Width of the element label column.
LABEL_WIDTH = 34
# Indents, in spaces, of element lines and of what hangs under them.
INDENT = 2
HANG = 6


class TextWriter(ResultWriter):
    """Each report's checklist, evidence, gaps, score, reading and flags.

    Args:
        stream: Where to write; colours are used only when it is a terminal.
        checklist: The checklist checked, for element and reading labels.
        width: Columns to wrap at; the terminal's width, or 80, by default.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        checklist: Checklist | None = None,
        width: int | None = None,
    ) -> None:
        super().__init__(stream)
        self.console = Console(
            file=stream, width=width, highlight=False, markup=False, emoji=False
        )
        self.labels = (
            {name: spec.label for name, spec in checklist.elements.items()}
            if checklist
            else {}
        )
        self.readings = (
            {reading.name: reading.label for reading in checklist.readings}
            if checklist
            else {}
        )

    def _write(self, result: Result) -> None:
        if self.count:
            self.console.print()
        for part in render_result(result, self.labels, self.readings):
            self.console.print(part)


def render_result(
    result: Result,
    labels: dict[str, str] | None = None,
    readings: dict[str, str] | None = None,
) -> Iterator[RenderableType]:
    """The lines that show one result.

    Args:
        result: The result.
        labels: Element labels by name; names are shown where one is missing.
        readings: Reading labels by name.

    Yields:
        Renderables, one or more lines each.
    """
    labels, readings = labels or {}, readings or {}
    yield Text.assemble(
        (result.id, "bold"),
        ("  " + result.source, "dim") if result.source != result.id else "",
    )
    if result.error is not None:
        yield _indented(Text(result.error, style="bold red"), INDENT)
        return
    yield _indented(_standing(result, readings), INDENT)
    for name, element in result.elements.items():
        label = labels.get(name, name)
        status = Text(element.status, style=STATUS_STYLES.get(element.status, ""))
        yield _indented(Text.assemble(label.ljust(LABEL_WIDTH), status), INDENT)
        for evidence in element.evidence:
            quote = Text.assemble(
                f'"{_quote(evidence.text)}"', (f"  [{evidence.section}]", "dim")
            )
            yield _indented(quote, HANG)
    if result.gaps:
        yield _indented(Text("Gaps:", style="bold"), INDENT)
        yield _indented(_gaps(result, labels), HANG - INDENT)
    if result.flags:
        flags = Text.assemble(("Flags: ", "bold"), ", ".join(result.flags))
        yield _indented(flags, INDENT)


def render_summary(summary: BatchSummary, console: Console) -> None:
    """Print a batch's closing summary.

    Args:
        summary: The batch's counts.
        console: Where to print (the command prints to standard error).
    """
    line = Text.assemble(
        ("Checked ", "bold"),
        (_plural(summary.reports, "report"), "bold"),
        ": ",
        (f"{summary.complete} complete", "green"),
        ", ",
        (f"{summary.incomplete} incomplete", "yellow" if summary.incomplete else ""),
        ", ",
        (f"{summary.errors} in error", "bold red" if summary.errors else ""),
        ".",
    )
    console.print(line)
    if summary.gaps_by_element:
        # Most first, then by name, so that runs print alike.
        counts = ", ".join(
            f"{name} {count}"
            for name, count in sorted(
                summary.gaps_by_element.items(), key=lambda item: (-item[1], item[0])
            )
        )
        console.print(
            Text(f"Reports with a gap (error or warning), by element: {counts}.")
        )


def _standing(result: Result, readings: dict[str, str]) -> Text:
    verdict = (
        ("complete", "bold green") if result.complete else ("incomplete", "bold red")
    )
    if result.reading:
        label = readings.get(result.reading)
        reading = result.reading + (f" ({label})" if label else "")
    else:
        reading = "none (supports neither reading of the code)"
    return Text.assemble(
        f"CPT {result.code}  score {result.score:.2f}  ",
        verdict,
        f"  reading: {reading}",
    )


def _gaps(result: Result, labels: dict[str, str]) -> Table:
    # A grid, so that a long message wraps under itself, not under the severity.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for gap in result.gaps:
        severity = Text(gap.severity, style=SEVERITY_STYLES.get(gap.severity, ""))
        label = labels.get(gap.element, gap.element)
        grid.add_row(severity, Text.assemble((f"{label}: ", "bold"), gap.message))
    return grid


def _indented(renderable: RenderableType, spaces: int) -> Padding:
    return Padding(renderable, (0, 0, 0, spaces), expand=False)


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 3] + "..."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
