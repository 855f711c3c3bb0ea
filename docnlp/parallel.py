"""Checking a stream of reports in worker processes, with results in input order.

Each worker builds the pipeline once. Reports go to the workers in small chunks, at
most a fixed number of chunks in flight, so memory stays flat however long the
stream; results come back chunk by chunk in the order the reports were read. A
chunk whose worker fails is checked again in this process, and a report that fails
there too comes out as a result with its error: no report is lost.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING

from .errors import DocnlpError, Errors
from .result import Result

if TYPE_CHECKING:
    from spacy.language import Language

    from .pipeline import Record

logger = logging.getLogger("docnlp")

# Reports sent to a worker at a time: the pipeline's own batch, so that batched
# components (the element model classifies a batch in one call) cost what they cost
# in one process; smaller chunks cost a fifth more CPU per report.
CHUNK_SIZE = 64
# Chunks in flight per worker; at most jobs * IN_FLIGHT * CHUNK_SIZE reports are held.
IN_FLIGHT = 2
# "spawn" starts workers the same way on Linux, macOS and Windows, and they share
# no threads, locks or open files with the batch's process.
START_METHOD = "spawn"
# Times a broken pool is replaced before the rest of the batch is checked here.
MAX_RESTARTS = 3
# Seconds `wait_ready` waits for every worker to build its pipeline.
READY_TIMEOUT = 600.0
# Seconds a readiness probe keeps its worker busy, so that each worker answers one.
_PROBE_SECONDS = 0.1

# The worker process's pipeline, built once by `_start_worker`.
_worker_nlp: Language | None = None


def check_parallel(
    records: Iterable[Record],
    *,
    code: str = "76380",
    jobs: int = 2,
    chunk_size: int = CHUNK_SIZE,
    pipeline: Callable[[], Language] | None = None,
) -> Iterator[Result]:
    """Check a stream of reports in `jobs` worker processes, yielding results in order.

    Args:
        records: Reports as readers yield them.
        code: The CPT code whose checklist applies.
        jobs: Worker processes.
        chunk_size: Reports sent to a worker at a time.
        pipeline: A module-level function that builds the pipeline, called once in
            each worker (and here if a chunk must be checked again);
            `docnlp.pipeline.load` by default.

    Yields:
        One result per record, in the order of `records`.

    Raises:
        DocnlpError: `jobs` or `chunk_size` is below 1 (E026), or no checklist
            exists for `code` (E003).
    """
    with ParallelChecker(
        jobs=jobs, code=code, chunk_size=chunk_size, pipeline=pipeline
    ) as checker:
        yield from checker.check(records)


class ParallelChecker:
    """A pool of worker processes, each holding a pipeline, that checks reports.

    Use it as a context manager: entering starts the pool (workers build their
    pipelines as they start), leaving shuts it down.

    Args:
        jobs: Worker processes.
        code: The CPT code whose checklist applies.
        chunk_size: Reports sent to a worker at a time.
        in_flight: Chunks submitted per worker before the oldest is awaited.
        pipeline: See `check_parallel`.

    Attributes:
        restarts: Times a broken pool (a worker that died) was replaced.
        worker_pids: The workers' process ids, once `wait_ready` has seen them.
    """

    def __init__(
        self,
        *,
        jobs: int,
        code: str = "76380",
        chunk_size: int = CHUNK_SIZE,
        in_flight: int = IN_FLIGHT,
        pipeline: Callable[[], Language] | None = None,
    ) -> None:
        from .checklist import load_checklist
        from .pipeline import load

        for name, value in (("jobs", jobs), ("chunk_size", chunk_size)):
            if value < 1:
                raise DocnlpError(Errors.E026.format(name=name, value=value))
        load_checklist(code)  # an unknown code fails here, not in every worker
        self.jobs = jobs
        self.code = code
        self.chunk_size = chunk_size
        self.in_flight = max(1, in_flight)
        self.pipeline = pipeline or load
        self.restarts = 0
        self.worker_pids: list[int] = []
        self._pool: ProcessPoolExecutor | None = None
        self._local_nlp: Language | None = None

    def __enter__(self) -> ParallelChecker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker pool; workers are spawned as chunks arrive."""
        context = multiprocessing.get_context(START_METHOD)
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.pipeline,),
        )

    def close(self) -> None:
        """Shut the pool down, dropping chunks not yet started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until every worker has started and built its pipeline.

        Raises:
            TimeoutError: Not every worker answered within `timeout` seconds.
            BrokenProcessPool: A worker died while starting.
        """
        deadline = time.monotonic() + timeout
        seen: set[int] = set()
        while len(seen) < self.jobs:
            pool = self._running_pool()
            probes = [pool.submit(_worker_pid) for _ in range(self.jobs)]
            seen.update(f.result(max(0.0, deadline - time.monotonic())) for f in probes)
        self.worker_pids = sorted(seen)

    def check(
        self, records: Iterable[Record], *, max_chunks: int | None = None
    ) -> Iterator[Result]:
        """Check a stream of reports, yielding one result per record, in order.

        Args:
            records: Reports as readers yield them.
            max_chunks: Chunks in flight at most; `jobs * in_flight` by default.
                1 keeps one worker busy at a time: a one-process baseline that pays
                the same hand-over costs.
        """
        pending: deque[tuple[list[Record], Future]] = deque()
        limit = max_chunks or self.jobs * self.in_flight
        try:
            for chunk in _chunked(records, self.chunk_size):
                pending.append((chunk, self._submit(chunk)))
                if len(pending) >= limit:
                    yield from self._collect(pending)
            while pending:
                yield from self._collect(pending)
        finally:
            for _, future in pending:
                future.cancel()

    def _collect(self, pending: deque[tuple[list[Record], Future]]) -> list[Result]:
        # The oldest chunk's results, or, if its worker failed, the chunk checked here.
        chunk, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            logger.warning(
                "a worker process died; checking %d reports (from %s) again here",
                len(chunk),
                chunk[0].id,
            )
            self._replace_pool(pending)
        except Exception as err:
            logger.warning(
                "a worker failed (%s); checking %d reports (from %s) again here",
                type(err).__name__,
                len(chunk),
                chunk[0].id,
            )
        return self._check_here(chunk)

    def _submit(self, chunk: list[Record]) -> Future:
        if self._pool is not None:
            return self._pool.submit(_check_chunk, self.code, chunk)
        done: Future = Future()  # the pool broke too often: check here, in order
        done.set_result(self._check_here(chunk))
        return done

    def _replace_pool(self, pending: deque[tuple[list[Record], Future]]) -> None:
        # Every chunk still in flight in the broken pool goes to a new one; chunks
        # that finished before the break keep their results.
        wait([future for _, future in pending])
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self.restarts += 1
        if self.restarts <= MAX_RESTARTS:
            self.start()
        else:
            logger.warning("worker processes keep dying; checking the rest here")
        for i, (chunk, future) in enumerate(pending):
            if future.exception() is not None:
                pending[i] = (chunk, self._submit(chunk))

    def _check_here(self, chunk: list[Record]) -> list[Result]:
        from .pipeline import check_many

        try:
            if self._local_nlp is None:
                self._local_nlp = self.pipeline()
            return list(check_many(chunk, code=self.code, nlp=self._local_nlp))
        except Exception as err:
            problem = type(err).__name__
            return [_failed(record, self.code, problem) for record in chunk]

    def _running_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self.start()
        assert self._pool is not None
        return self._pool


def _start_worker(pipeline: Callable[[], Language]) -> None:
    global _worker_nlp
    _worker_nlp = pipeline()


def _check_chunk(code: str, chunk: list[Record]) -> list[Result]:
    from .pipeline import check_many

    return list(check_many(chunk, code=code, nlp=_worker_nlp))


def _worker_pid() -> int:
    time.sleep(_PROBE_SECONDS)
    return os.getpid()


def _chunked(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _failed(record: Record, code: str, problem: str) -> Result:
    if record.error is not None:
        return Result.failed(record.id, record.source, code, record.error)
    error = Errors.E028.format(source=record.source, problem=problem)
    return Result.failed(record.id, record.source, code, error)
