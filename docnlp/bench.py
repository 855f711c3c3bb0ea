"""Measuring docnlp's speed, memory and start-up against spaCy and medspaCy.

`run_bench` is what `docnlp bench` runs. On the same texts, in one run, it measures
three configurations: the bare spaCy tokenizer (`spacy.blank("en")`), medspaCy's
default pipeline (`medspacy.load()`: PyRuSH, target matcher, ConText) and the full
docnlp check (`docnlp.check_many`), and with `jobs` above 1 the check in worker
processes too.

How it measures:
- Each configuration runs in a fresh process ("spawn"), so that its load time
  starts from nothing imported and its peak resident memory (`ru_maxrss`) is its
  own. The texts are handed to that process before the clock starts; they count
  in its memory the same way for every configuration.
- A configuration's first pass over the texts is timed on its own ("cold"): it
  fills spaCy's tokenizer cache and string store. Further passes ("warm") run
  until they add up to `MIN_SECONDS`; their median is the figure reported and
  compared. The tokenizer caches each word's tokens, so only warm passes compare
  it fairly with pipelines whose own tokenizer is warm after one pass too.
- Words are whitespace-separated words of the texts, the same count for all.
- Start-up and streaming memory run the `docnlp` command line in subprocesses.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DocnlpError, Errors

logger = logging.getLogger("docnlp")

# The configurations measured, the tokenizer first: the others are compared to it.
CONFIGS = ("tokenizer", "medspacy", "docnlp")
# The corpus used when none is given, relative to a source checkout (an editable
# install) or else to the working folder: an installed package has no corpora.
DEFAULT_CORPUS = "corpora/synthetic/reports"
# Seconds of warm passes to add up to before a configuration's median is taken.
MIN_SECONDS = 5.0
# Most warm passes per configuration, however short a pass is.
MAX_PASSES = 25
# Runs of each start-up command; the fastest is kept, as `timeit` does.
STARTUP_REPEATS = 3
# Reports in the smaller streaming batch, and how many times larger the other is.
STREAM_N = 100
STREAM_FACTOR = 10
# Bytes in a mebibyte; memory is reported in MiB.
MIB = 1024 * 1024
# What runs the command line in a subprocess, as the `docnlp` script does.
_CLI = "import sys; from docnlp.cli import main; sys.argv[0] = 'docnlp'; main()"
# Exit codes of `docnlp check` that mean the report was checked.
_CHECKED = (0, 3)

Texts = Sequence[tuple[str, str]]
Run = Callable[[Texts], None]
Close = Callable[[], None]


def run_bench(
    corpus: str | Path | None = None,
    *,
    n: int | None = None,
    jobs: int = 1,
    text_column: str = "text",
    stream_n: int = STREAM_N,
    startup: bool = True,
    profile: bool = False,
    min_seconds: float = MIN_SECONDS,
) -> dict[str, Any]:
    """Measure the configurations on one corpus, and start-up and streaming memory.

    Args:
        corpus: A folder, `.txt`, `.jsonl` or `.csv` file of reports; the project's
            synthetic reports by default.
        n: Reports to use: the corpus's first `n`, repeated when it has fewer; all
            of it once by default.
        jobs: Above 1, also check in this many worker processes, and report the
            speed-up over one process.
        text_column: The CSV column holding the report text.
        stream_n: Reports in the smaller of the two streaming batches; 0 skips the
            streaming measurement.
        startup: Measure start-up (`docnlp check one.txt` against `import spacy`).
        profile: Measure each docnlp component's share of the check's time.
        min_seconds: Seconds of warm passes per configuration; 0 runs one.

    Returns:
        JSON-ready figures: "corpus", "machine", "configurations" (one entry per
        configuration with "name", "jobs", "load_s", "cold_docs_per_s",
        "docs_per_s", "words_per_s", "ratio_to_tokenizer" (to the tokenizer's
        row), "ratio_interleaved" (to tokenizer passes run between its own, in
        its process: steadier on a busy machine), "docs_per_cpu_s" and
        "ratio_cpu" (per CPU second of its processes: what a busy machine changes
        least), "cpu_share" (the cores it got), "paired_speedup" and
        "paired_cpu_ratio" (with jobs: over passes of the same pool kept to one
        chunk at a time, run between its own), "passes", "loaded_rss_mib",
        "peak_rss_mib", "worker_peak_rss_mib"); "speedup" ("jobs", "speedup": the
        paired speed-up, "cpu_share", "cpu_ratio", "expected_on_free_cores",
        "over_one_process" and "cold_over_one_process": over the docnlp row),
        "startup",
        "streaming" and "profile"; each of the last four None when not measured.

    Raises:
        DocnlpError: The corpus holds no readable report (E050), or a value is
            below its minimum (E026).
    """
    for name, value, least in (
        ("n", n or 1, 1),
        ("jobs", jobs, 1),
        ("stream_n", stream_n, 0),
    ):
        if value < least:
            raise DocnlpError(Errors.E026.format(name=name, value=value))
    path = Path(corpus) if corpus is not None else default_corpus()
    texts = read_corpus(path, n=n, text_column=text_column)
    words = sum(len(text.split()) for _, text in texts)

    configurations = [
        in_subprocess(measure, name, texts, 1, min_seconds) for name in CONFIGS
    ]
    if jobs > 1:
        configurations.append(
            in_subprocess(measure, "docnlp", texts, jobs, min_seconds)
        )
    tokenizer = configurations[0]
    for figures in configurations:
        figures["ratio_to_tokenizer"] = figures["docs_per_s"] / tokenizer["docs_per_s"]
        per_cpu = figures["docs_per_cpu_s"], tokenizer["docs_per_cpu_s"]
        figures["ratio_cpu"] = per_cpu[0] / per_cpu[1] if all(per_cpu) else None

    return {
        "corpus": {
            "path": str(path),
            "reports": len(texts),
            "words": words,
            "words_per_report": words / len(texts),
        },
        "machine": machine(),
        "configurations": configurations,
        "speedup": _speedup(configurations) if jobs > 1 else None,
        "startup": measure_startup(texts[0][1]) if startup else None,
        "streaming": (
            measure_streaming(texts, n=stream_n, jobs=jobs) if stream_n else None
        ),
        "profile": in_subprocess(profile_components, texts) if profile else None,
    }


def default_corpus() -> Path:
    """The project's synthetic reports: beside the package's source, or under the
    working folder."""
    beside = Path(__file__).resolve().parents[1] / DEFAULT_CORPUS
    return beside if beside.is_dir() else Path.cwd() / DEFAULT_CORPUS


def read_corpus(
    path: Path, *, n: int | None = None, text_column: str = "text"
) -> list[tuple[str, str]]:
    """The readable reports of a corpus as (id, text) pairs, repeated up to `n`.

    Repeats get ids ending in "~1", "~2", ... so that every id stays unique.

    Raises:
        DocnlpError: The corpus holds no readable report (E050).
    """
    from .io.readers import read_inputs

    found = [
        (r.id, r.text)
        for r in read_inputs([path], text_column=text_column)
        if r.error is None and r.text
    ]
    if not found:
        raise DocnlpError(Errors.E050.format(path=path))
    texts = []
    for i in range(n or len(found)):
        id, text = found[i % len(found)]
        repeat = i // len(found)
        texts.append((f"{id}~{repeat}" if repeat else id, text))
    return texts


def measure(
    config: str, texts: Texts, jobs: int = 1, min_seconds: float = MIN_SECONDS
) -> dict[str, Any]:
    """Load one configuration and time it over the texts, in this process.

    Run it in a fresh process (`in_subprocess`) for load time and memory to mean
    anything.

    Args:
        config: One of `CONFIGS`.
        texts: (id, text) pairs.
        jobs: Worker processes, for "docnlp" only.
        min_seconds: Seconds the warm passes add up to, at least one pass.

    Returns:
        The configuration's figures (see `run_bench`), without the ratio.
    """
    started = time.perf_counter()
    loaded = _load(config, jobs, chunk_size=_chunk_size(len(texts), jobs))
    load_s = time.perf_counter() - started
    loaded_rss = peak_rss_mib()
    reference = _load("tokenizer", 1).run if config != "tokenizer" else loaded.run

    cold_s, _ = _timed(loaded.run, texts)
    _timed(reference, texts)  # its cache as warm as the configuration's tokenizer
    warm, cpu, tokenizer, baseline, baseline_cpu = [], [], [], [], []
    while not warm or (sum(warm) < min_seconds and len(warm) < MAX_PASSES):
        for times, run in ((warm, loaded.run), (baseline, loaded.one_worker)):
            if run is not None:
                wall, used = _timed(run, texts, loaded.pids)
                times.append(wall)
                (cpu if times is warm else baseline_cpu).append(used)
        tokenizer.append(_timed(reference, texts)[0])
    loaded.close()

    seconds = statistics.median(warm)
    words = sum(len(text.split()) for _, text in texts)
    paired = baseline and statistics.median(baseline_cpu)
    return {
        "name": config if jobs == 1 else f"{config} --jobs {jobs}",
        "jobs": jobs,
        "load_s": load_s,
        "cold_docs_per_s": len(texts) / cold_s,
        "docs_per_s": len(texts) / seconds,
        "words_per_s": words / seconds,
        "docs_per_cpu_s": len(texts) / statistics.median(cpu) if any(cpu) else None,
        "passes": len(warm),
        "ratio_interleaved": statistics.median(tokenizer) / seconds,
        "paired_speedup": statistics.median(baseline) / seconds if baseline else None,
        "cpu_share": sum(cpu) / sum(warm),
        "paired_cpu_ratio": statistics.median(cpu) / paired if paired else None,
        "loaded_rss_mib": loaded_rss,
        "peak_rss_mib": peak_rss_mib(),
        "worker_peak_rss_mib": peak_rss_mib(children=True) if jobs > 1 else None,
    }


def profile_components(texts: Texts) -> dict[str, Any]:
    """Each step's share of the docnlp check's time, component by component.

    The steps are what `check_many` does: normalise the texts, tokenize them, run
    each component over all of them (in batches through its `pipe` method, as
    `nlp.pipe` does, so that batched components are timed as they run), and build
    the results. One untimed pass warms the caches first.

    Returns:
        "seconds": the timed pass; "shares": each step's share of it, largest first.
    """
    from .checklist import load_checklist
    from .pipeline import BATCH_SIZE, Record, load, result_from_doc
    from .text import normalise

    nlp, checklist = load(), load_checklist("76380")
    records = [Record(id, "bench", text) for id, text in texts]
    steps: dict[str, float] = {}
    for _pass in ("warm-up", "timed"):  # only the last pass counts
        tick = time.perf_counter()
        normalised = [normalise(text).text for _, text in texts]
        tick = _step(steps, "normalise", tick)
        docs = [nlp.make_doc(text) for text in normalised]
        tick = _step(steps, "tokenizer", tick)
        for name, component in nlp.pipeline:
            if hasattr(component, "pipe"):
                docs = list(component.pipe(docs, batch_size=BATCH_SIZE))
            else:
                docs = [component(doc) for doc in docs]
            tick = _step(steps, name, tick)
        for doc, record in zip(docs, records, strict=True):
            result_from_doc(doc, record, checklist)
        _step(steps, "result", tick)
    total = sum(steps.values())
    ranked = sorted(steps.items(), key=lambda item: -item[1])
    return {"seconds": total, "shares": {name: s / total for name, s in ranked}}


def measure_startup(text: str, *, repeats: int = STARTUP_REPEATS) -> dict[str, Any]:
    """Wall time of `docnlp check one.txt` against `python -c "import spacy"`.

    Both run as fresh subprocesses; each is run `repeats` times and the fastest
    run kept.

    Returns:
        "import_spacy_s", "check_one_s" and "ratio" (check over import).
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "one.txt")
        path.write_text(text, encoding="utf-8")
        spacy_s = min(
            _wall([sys.executable, "-c", "import spacy"]) for _ in range(repeats)
        )
        check = _cli("check", path, "--format", "jsonl", "--output", os.devnull)
        check_s = min(_wall(check) for _ in range(repeats))
    return {
        "import_spacy_s": spacy_s,
        "check_one_s": check_s,
        "ratio": check_s / spacy_s,
    }


def measure_streaming(
    texts: Texts, *, n: int = STREAM_N, factor: int = STREAM_FACTOR, jobs: int = 1
) -> dict[str, Any]:
    """Peak memory of `docnlp check` on a JSONL of `n` reports and of `factor * n`.

    The batches repeat the texts. Peak memory is the command's `ru_maxrss` as
    `wait4` reports it on Linux: the largest of the process and the worker
    processes it waited for.

    Returns:
        "jobs", "reports", "seconds" and "peak_rss_mib" (one value per batch), and
        "ratio" (the larger batch's peak over the smaller's).
    """
    sizes = (n, n * factor)
    seconds, peaks = [], []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder, f"{size}.jsonl")
            _write_jsonl(path, texts, size)
            command = _cli(
                "check",
                path,
                "--format",
                "jsonl",
                "--output",
                os.devnull,
                "--jobs",
                jobs,
            )
            elapsed, peak = _wall_and_peak(command)
            seconds.append(elapsed)
            peaks.append(peak)
    return {
        "jobs": jobs,
        "reports": list(sizes),
        "seconds": seconds,
        "peak_rss_mib": peaks,
        "ratio": peaks[1] / peaks[0] if None not in peaks else None,
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("spacy", "medspacy", "docnlp"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "load_average": load,
    }


def in_subprocess(target: Callable[..., Any], *args: Any) -> Any:
    """Call a module-level function in a fresh ("spawn") process and return its value.

    Raises:
        RuntimeError: The function raised, or the process died.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_reply, args=(sender, target, *args))
    process.start()
    sender.close()
    try:
        status, value = receiver.recv()
    except EOFError:
        status, value = "error", f"the process exited with {process.exitcode}"
    finally:
        process.join()
        receiver.close()
    if status != "ok":
        # Named by configuration only: the arguments hold report texts.
        config = f"({args[0]!r})" if args and isinstance(args[0], str) else ""
        raise RuntimeError(f"{target.__name__}{config} failed: {value}")
    return value


def peak_rss_mib(*, children: bool = False) -> float | None:
    """Peak resident memory of this process (or its largest waited-for child), MiB.

    Returns:
        None where the `resource` module is missing (Windows).
    """
    try:
        import resource
    except ImportError:
        return None
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return peak / MIB if sys.platform == "darwin" else peak / 1024


def _load(config: str, jobs: int, *, chunk_size: int = 1) -> _Loaded:
    # A configuration ready to run over the texts; imports and loading included.
    if config == "tokenizer":
        import spacy

        nlp = spacy.blank("en")
        return _Loaded(lambda texts: _drain(nlp.pipe(t for _, t in texts)))
    if config == "medspacy":
        import medspacy

        _quiet_loguru()
        nlp = medspacy.load()
        return _Loaded(lambda texts: _drain(nlp.pipe(t for _, t in texts)))
    if config != "docnlp":
        raise ValueError(f"unknown configuration {config!r}; use one of {CONFIGS}")
    from .pipeline import Record, check_many, load

    def records(texts: Texts) -> Iterable[Record]:
        return (Record(id, "bench", text) for id, text in texts)

    if jobs == 1:
        load()
        return _Loaded(lambda texts: _drain(check_many(records(texts))))
    from .parallel import ParallelChecker

    checker = ParallelChecker(jobs=jobs, chunk_size=chunk_size)
    checker.start()
    checker.wait_ready()
    return _Loaded(
        lambda texts: _drain(checker.check(records(texts))),
        close=checker.close,
        one_worker=lambda texts: _drain(checker.check(records(texts), max_chunks=1)),
        pids=tuple(checker.worker_pids),
    )


def _speedup(configurations: list[dict[str, Any]]) -> dict[str, Any]:
    one, many = configurations[CONFIGS.index("docnlp")], configurations[-1]
    ratio = many["paired_cpu_ratio"]
    return {
        "jobs": many["jobs"],
        "speedup": many["paired_speedup"],
        "cpu_share": many["cpu_share"],
        "cpu_ratio": ratio,
        "expected_on_free_cores": many["jobs"] / ratio if ratio else None,
        "over_one_process": many["docs_per_s"] / one["docs_per_s"],
        "cold_over_one_process": many["cold_docs_per_s"] / one["cold_docs_per_s"],
    }


def _chunk_size(reports: int, jobs: int) -> int:
    # Enough chunks for every worker to get several, even from a small corpus.
    from .parallel import CHUNK_SIZE, IN_FLIGHT

    return max(1, min(CHUNK_SIZE, reports // (jobs * IN_FLIGHT)))


def _reply(sender: Any, target: Callable[..., Any], *args: Any) -> None:
    try:
        sender.send(("ok", target(*args)))
    except Exception as err:
        sender.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        sender.close()


def _timed(run: Run, texts: Texts, pids: Sequence[int] = ()) -> tuple[float, float]:
    # Wall seconds, and CPU seconds of this process and the worker processes.
    started, used = time.perf_counter(), _cpu_seconds(pids)
    run(texts)
    return time.perf_counter() - started, _cpu_seconds(pids) - used


def _cpu_seconds(pids: Sequence[int]) -> float:
    # Worker processes are read from /proc (Linux); elsewhere they count as 0.
    total = time.process_time()
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _step(steps: dict[str, float], name: str, started: float) -> float:
    # Record a step's seconds since `started`; the next step starts now.
    now = time.perf_counter()
    steps[name] = now - started
    return now


def _drain(items: Iterable[Any]) -> None:
    deque(items, maxlen=0)


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class _Loaded:
    # A loaded configuration: a pass over texts, what closes it, and with jobs the
    # same pool kept to one chunk at a time, and the workers' process ids.
    run: Run
    close: Close = _nothing
    one_worker: Run | None = None
    pids: tuple[int, ...] = ()


def _quiet_loguru() -> None:
    # PyRuSH logs every sentence at DEBUG through loguru unless told not to.
    from loguru import logger as loguru_logger

    loguru_logger.disable("PyRuSH")
    loguru_logger.disable("medspacy")


def _cli(*args: object) -> list[str]:
    return [sys.executable, "-c", _CLI, *map(str, args)]


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in _CHECKED:
        raise RuntimeError(
            f"{command[-6:]} exited {done.returncode}: "
            f"{done.stderr.decode(errors='replace')[-500:]}"
        )
    return elapsed


def _wall_and_peak(command: list[str]) -> tuple[float, float | None]:
    # wait4 reports the peak of the process it reaps, and of the children it reaped.
    if not hasattr(os, "wait4"):
        return _wall(command), None
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in _CHECKED:
        raise RuntimeError(f"{command[-8:]} exited {process.returncode}")
    scale = MIB if sys.platform == "darwin" else 1024
    return elapsed, usage.ru_maxrss / scale


def _write_jsonl(path: Path, texts: Texts, size: int) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for i in range(size):
            id, text = texts[i % len(texts)]
            stream.write(json.dumps({"id": f"{id}~{i}", "text": text}) + "\n")
