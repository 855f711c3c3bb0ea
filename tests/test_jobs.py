"""`--jobs`: worker processes give the same results in the same order, lose none."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import docnlp
import docnlp.cli.check  # noqa: F401  (registers the command)
from docnlp import parallel
from docnlp.batch import EXIT_USAGE, run_check
from docnlp.cli import app
from docnlp.errors import DocnlpError
from docnlp.io.readers import read_inputs
from docnlp.parallel import ParallelChecker, check_parallel
from docnlp.pipeline import Record, check_many

pytestmark = pytest.mark.usefixtures("nlp")

SYNTHETIC = Path(__file__).resolve().parents[1] / "corpora" / "synthetic" / "reports"
# A report holding this makes a worker process exit on the spot.
KILL_MARK = "KILL-THE-WORKER"


@Language.component("test_exit_on_mark")
def exit_on_mark(doc: Doc) -> Doc:
    """Ends a worker process (never the test's own) on a marked report."""
    if KILL_MARK in doc.text and multiprocessing.parent_process() is not None:
        os._exit(3)
    return doc


def pipeline_dying_on_mark() -> Language:
    """Workers die on a marked report; the batch's own process checks it as usual."""
    nlp = docnlp.load()
    if multiprocessing.parent_process() is not None:
        nlp.add_pipe("test_exit_on_mark", first=True)
    return nlp


def pipeline_never_built() -> Language:
    """A pipeline that cannot be built, in workers or here."""
    raise RuntimeError("no pipeline today")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    """Twenty synthetic reports with two unreadable records among them."""
    found = list(read_inputs([SYNTHETIC]))[:20]
    found.insert(3, Record("missing", "missing.txt", None, error="[E010] gone"))
    found.insert(11, Record("blank", "blank.txt", None, error="[E012] blank"))
    return found


@pytest.fixture(scope="module")
def expected(records) -> list[dict]:
    """What one process makes of the records."""
    return [result.to_dict() for result in check_many(records)]


@pytest.fixture(scope="module")
def checker() -> Iterator[ParallelChecker]:
    """Two workers taking two reports at a time, one chunk in flight each."""
    with ParallelChecker(jobs=2, chunk_size=2, in_flight=1) as pool:
        yield pool


def test_jobs_2_writes_exactly_what_jobs_1_writes(runner):
    args = ["check", str(SYNTHETIC), "--format", "jsonl"]

    one = runner.invoke(app, args)
    two = runner.invoke(app, [*args, "--jobs", "2"])

    assert one.exit_code == two.exit_code
    assert one.stdout.count("\n") == len(list(SYNTHETIC.glob("*.txt")))
    assert two.stdout == one.stdout


@pytest.mark.parametrize("max_chunks", [None, 1], ids=["parallel", "one-at-a-time"])
def test_results_keep_input_order_across_chunks(checker, records, expected, max_chunks):
    results = [
        result.to_dict() for result in checker.check(records, max_chunks=max_chunks)
    ]

    assert [r["id"] for r in results] == [r.id for r in records]
    assert results == expected


@pytest.mark.parametrize(
    ("max_chunks", "read"),
    [
        pytest.param(None, 4, id="one-chunk-per-worker"),
        pytest.param(1, 2, id="one-chunk-at-a-time"),
    ],
)
def test_reports_are_read_as_results_are_taken_not_all_at_once(
    checker, records, max_chunks, read
):
    taken = 0

    def stream() -> Iterator[Record]:
        nonlocal taken
        for record in records:
            taken += 1
            yield record

    results = checker.check(stream(), max_chunks=max_chunks)
    first = next(results)
    results.close()

    assert first.id == records[0].id
    # Chunks of two, one in flight per worker (or one in all) at the first result.
    assert taken == read < len(records)


def test_a_worker_that_dies_loses_no_report(records):
    marked = Record("marked", "marked.txt", records[0].text + f"\n{KILL_MARK}\n")
    # In the first chunk, so that its worker dies first and the pool is replaced once.
    batch = [records[0], marked, *records[1:14]]
    want = [result.to_dict() for result in check_many(batch)]

    with ParallelChecker(
        jobs=2, chunk_size=2, pipeline=pipeline_dying_on_mark
    ) as checker:
        got = [result.to_dict() for result in checker.check(batch)]

    assert checker.restarts >= 1
    assert got == want
    assert got[1]["id"] == "marked" and got[1]["error"] is None


def test_reports_come_back_in_error_when_no_process_can_check_them(
    records, monkeypatch
):
    monkeypatch.setattr(parallel, "MAX_RESTARTS", 0)
    batch = records[:6]

    results = list(check_parallel(batch, jobs=2, pipeline=pipeline_never_built))

    assert [r.id for r in results] == [r.id for r in batch]
    readable = [
        r for r, record in zip(results, batch, strict=True) if record.error is None
    ]
    assert readable and all(r.error.startswith("[E028]") for r in readable)
    assert results[3].error == "[E010] gone"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({"jobs": 0}, "E026", id="no-jobs"),
        pytest.param({"jobs": 2, "nlp": "pipeline"}, "E027", id="nlp-with-jobs"),
    ],
)
def test_run_check_refuses_bad_jobs(nlp, kwargs, code):
    if kwargs.get("nlp") == "pipeline":
        kwargs["nlp"] = nlp

    with pytest.raises(DocnlpError, match=rf"\[{code}\]"):
        run_check([SYNTHETIC], output_format="jsonl", **kwargs)


def test_cli_refuses_jobs_below_one(runner):
    result = runner.invoke(app, ["check", str(SYNTHETIC), "--jobs", "0"])

    assert result.exit_code == EXIT_USAGE
    assert "--jobs" in result.stderr


def test_an_unknown_code_fails_before_any_worker_starts():
    with pytest.raises(DocnlpError, match=r"\[E003\]"):
        ParallelChecker(jobs=2, code="99999")


def test_evaluate_with_jobs_gives_the_same_figures(tmp_path):
    from typer.testing import CliRunner

    import docnlp.cli.evaluate  # noqa: F401  (registers the command)

    gold = tmp_path / "gold.jsonl"
    lines = (SYNTHETIC.parent / "gold.part-a.jsonl").read_text(encoding="utf-8")
    gold.write_text("\n".join(lines.splitlines()[:12]) + "\n", encoding="utf-8")
    args = [
        "evaluate",
        "--gold",
        str(gold),
        "--corpus",
        f"synthetic={SYNTHETIC}",
        "--model",
        "off",
        "--resamples",
        "50",
        "--format",
        "json",
        "--errors",
    ]
    runner = CliRunner()
    one = runner.invoke(app, [*args, "--jobs", "1"])
    two = runner.invoke(app, [*args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0, two.output
    assert '"reports": 12' in one.stdout
    assert two.stdout == one.stdout
