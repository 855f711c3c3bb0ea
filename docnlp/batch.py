"""Checking a batch of report files end to end: read, check, write, count.

`run_check` is what `docnlp check` runs; Python callers can use it the same way.
spaCy and the pipeline are imported only when a batch runs.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import DocnlpError, Errors
from .result import Result

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger("docnlp")

# Exit codes of `docnlp check`; errors take precedence over gaps.
EXIT_OK = 0  # every report was checked (and, with fail_on_gaps, is complete)
EXIT_ERRORS = 1  # some reports could not be read or checked
EXIT_USAGE = 2  # bad options, no input, unknown code or unwritable output
EXIT_GAPS = 3  # with fail_on_gaps: a checked report is not complete
# What stands for standard output as `output`.
STDOUT = "-"


@dataclass
class BatchSummary:
    """What a batch came to.

    Attributes:
        reports: Results written, one per report, including those in error.
        complete: Reports checked and complete.
        errors: Reports that could not be read or checked.
        gaps_by_element: Per checklist element, the reports with a gap in it.
        fail_on_gaps: Whether an incomplete report fails the batch.
        warned: Complete reports that still carry a warning (unsigned, say).
        fail_on_warnings: Whether such a report fails the batch too.
    """

    reports: int = 0
    complete: int = 0
    errors: int = 0
    gaps_by_element: Counter[str] = field(default_factory=Counter)
    fail_on_gaps: bool = False
    warned: int = 0
    fail_on_warnings: bool = False

    @property
    def incomplete(self) -> int:
        """Reports checked but not complete."""
        return self.reports - self.complete - self.errors

    @property
    def exit_code(self) -> int:
        """EXIT_ERRORS if any report is in error; else EXIT_GAPS if `fail_on_gaps`
        and any report is incomplete; else EXIT_OK."""
        if self.errors:
            return EXIT_ERRORS
        if self.fail_on_gaps and self.incomplete:
            return EXIT_GAPS
        if self.fail_on_warnings and (self.incomplete or self.warned):
            return EXIT_GAPS
        return EXIT_OK

    def add(self, result: Result) -> None:
        """Count one result."""
        self.reports += 1
        if result.error is not None:
            self.errors += 1
            return
        self.complete += result.complete
        self.warned += bool(result.complete and result.gaps)
        self.gaps_by_element.update({gap.element for gap in result.gaps})


def run_check(
    paths: Sequence[str | Path] | str | Path = (),
    *,
    code: str = "76380",
    output_format: str = "text",
    output: str | Path | TextIO | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    example: bool = False,
    fail_on_gaps: bool = False,
    fail_on_warnings: bool = False,
    on_result: Callable[[Result], None] | None = None,
    nlp: Language | None = None,
    jobs: int = 1,
) -> BatchSummary:
    """Check report files against a code's checklist and write one result per report.

    Reports are read, checked and written one at a time; a report that cannot be
    read or checked is written as a result with `error` set and the batch goes on.

    Args:
        paths: Files, folders and "-" (standard input), as `read_inputs` takes them.
        code: The CPT code whose checklist applies.
        output_format: "text", "json", "jsonl" or "csv".
        output: A file path, an open text stream, or None or "-" for standard
            output. A path is created or overwritten, in UTF-8.
        text_column: The CSV column holding the report text.
        id_column: The CSV column holding the id; None uses "id" when present.
        example: Check the bundled example report first.
        fail_on_gaps: Make an incomplete report fail the batch (exit code 3).
        fail_on_warnings: Make any gap fail the batch, a warning on a complete
            report included (exit code 3).
        on_result: Called with each result after it is written.
        nlp: A pipeline to use instead of the shared one; only with `jobs` 1.
        jobs: Worker processes; above 1, each worker builds its own pipeline and
            results still come out in input order.

    Returns:
        The batch's counts and exit code.

    Raises:
        DocnlpError: No input (E023), no checklist for `code` (E003), an unknown
            format (E024), the output cannot be written (E022), `jobs` is below 1
            (E026), or `nlp` is given with `jobs` above 1 (E027).
    """
    from .checklist import load_checklist
    from .io.writers import open_writer

    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths and not example:
        raise DocnlpError(Errors.E023)
    if jobs < 1:
        raise DocnlpError(Errors.E026.format(name="jobs", value=jobs))
    if jobs > 1 and nlp is not None:
        raise DocnlpError(Errors.E027.format(jobs=jobs))
    checklist = load_checklist(code)
    _refuse_overwriting_inputs(paths, output)
    summary = BatchSummary(fail_on_gaps=fail_on_gaps, fail_on_warnings=fail_on_warnings)

    with (
        _opened(output) as stream,
        open_writer(output_format, stream, checklist=checklist) as writer,
    ):
        for result in _results(
            paths, code, text_column, id_column, example, output, nlp, jobs
        ):
            writer.write(result)
            summary.add(result)
            if on_result is not None:
                on_result(result)
    logger.debug("checked %d reports, %d in error", summary.reports, summary.errors)
    return summary


def _results(
    paths: Sequence[str | Path],
    code: str,
    text_column: str,
    id_column: str | None,
    example: bool,
    output: str | Path | TextIO | None,
    nlp: Language | None,
    jobs: int,
) -> Iterator[Result]:
    from .io.readers import read_example, read_inputs
    from .parallel import check_parallel
    from .pipeline import check_many

    exclude = [Path(output)] if isinstance(output, (str, Path)) else []
    records = read_inputs(
        paths, text_column=text_column, id_column=id_column, exclude=exclude
    )
    if example:
        records = chain(read_example(), records)
    if jobs > 1:
        return check_parallel(records, code=code, jobs=jobs)
    return check_many(records, code=code, nlp=nlp)


def _refuse_overwriting_inputs(
    paths: Sequence[str | Path], output: str | Path | TextIO | None
) -> None:
    # Opening the output truncates it: it must not be a report file being read.
    if not isinstance(output, (str, Path)) or str(output) == STDOUT:
        return
    target = Path(output).resolve()
    for path in paths:
        if str(path) != STDOUT and Path(path).resolve() == target:
            problem = "it is one of the inputs"
            raise DocnlpError(Errors.E022.format(path=output, problem=problem))


@contextlib.contextmanager
def _opened(output: str | Path | TextIO | None) -> Iterator[TextIO]:
    if output is None or str(output) == STDOUT:
        yield sys.stdout
        return
    if not isinstance(output, (str, Path)):
        yield output
        return
    try:
        stream = open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as err:
        problem = err.strerror or type(err).__name__
        raise DocnlpError(Errors.E022.format(path=output, problem=problem)) from None
    with stream:
        yield stream
