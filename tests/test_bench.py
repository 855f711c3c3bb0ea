"""`docnlp bench`: every configuration and figure is there and positive.

No timing is asserted: the machines are shared and noisy; only that the benchmark
runs, measures what it documents and reports it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import docnlp.cli.bench  # noqa: F401  (registers the command)
from docnlp import bench
from docnlp.bench import CONFIGS, read_corpus, run_bench
from docnlp.cli import app
from docnlp.errors import DocnlpError

SYNTHETIC = Path(__file__).resolve().parents[1] / "corpora" / "synthetic" / "reports"
# The keys `run_bench` documents for each configuration.
CONFIG_KEYS = {
    "name",
    "jobs",
    "load_s",
    "cold_docs_per_s",
    "docs_per_s",
    "words_per_s",
    "ratio_to_tokenizer",
    "ratio_interleaved",
    "paired_speedup",
    "cpu_share",
    "docs_per_cpu_s",
    "ratio_cpu",
    "paired_cpu_ratio",
    "passes",
    "loaded_rss_mib",
    "peak_rss_mib",
    "worker_peak_rss_mib",
}
# Figures that must be positive in every configuration.
POSITIVE = (
    "load_s",
    "cold_docs_per_s",
    "docs_per_s",
    "words_per_s",
    "ratio_to_tokenizer",
    "ratio_interleaved",
    "peak_rss_mib",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Four synthetic reports."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted(SYNTHETIC.glob("*.txt"))[:4]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def figures(corpus) -> dict[str, Any]:
    """One bench run on the tiny corpus with two workers, one warm pass each."""
    return run_bench(
        corpus, n=6, jobs=2, stream_n=0, startup=False, profile=True, min_seconds=0
    )


def test_every_configuration_is_measured_with_positive_figures(figures):
    rows = figures["configurations"]

    assert [row["name"] for row in rows] == [*CONFIGS, "docnlp --jobs 2"]
    for row in rows:
        assert set(row) == CONFIG_KEYS
        assert all(row[key] > 0 for key in POSITIVE), row
        assert row["passes"] >= 1
    assert rows[0]["ratio_to_tokenizer"] == 1.0
    assert rows[-1]["worker_peak_rss_mib"] > 0 and rows[-1]["paired_speedup"] > 0
    assert all(row["paired_speedup"] is None for row in rows[:-1])
    assert all(row["paired_cpu_ratio"] is None for row in rows[:-1])


def test_corpus_speedup_and_profile_are_reported(figures):
    assert figures["corpus"]["reports"] == 6
    assert figures["corpus"]["words"] > 0
    speedup = figures["speedup"]
    assert speedup["jobs"] == 2
    assert speedup["speedup"] == figures["configurations"][-1]["paired_speedup"]
    assert speedup["over_one_process"] > 0 and speedup["cold_over_one_process"] > 0
    assert {"cpu_share", "cpu_ratio", "expected_on_free_cores"} <= set(speedup)
    shares = figures["profile"]["shares"]
    assert {"tokenizer", "normalise", "result", "docnlp_targets"} <= set(shares)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert figures["startup"] is None and figures["streaming"] is None


def test_startup_times_both_commands(corpus):
    text = next(corpus.glob("*.txt")).read_text(encoding="utf-8")

    startup = bench.measure_startup(text, repeats=1)

    assert startup["import_spacy_s"] > 0 and startup["check_one_s"] > 0
    assert startup["ratio"] == pytest.approx(
        startup["check_one_s"] / startup["import_spacy_s"]
    )


def test_streaming_measures_both_batch_sizes(corpus):
    texts = read_corpus(corpus)

    streaming = bench.measure_streaming(texts, n=2, factor=2)

    assert streaming["reports"] == [2, 4]
    assert all(peak > 0 for peak in streaming["peak_rss_mib"])
    assert streaming["ratio"] > 0 and streaming["jobs"] == 1


def test_read_corpus_repeats_reports_under_new_ids(corpus):
    texts = read_corpus(corpus, n=9)

    ids = [id for id, _ in texts]
    assert len(ids) == len(set(ids)) == 9
    assert ids[4] == f"{ids[0]}~1" and texts[4][1] == texts[0][1]


def test_a_corpus_without_reports_is_refused(tmp_path, runner):
    with pytest.raises(DocnlpError, match=r"\[E050\]"):
        read_corpus(tmp_path)

    result = runner.invoke(app, ["bench", "--corpus", str(tmp_path)])

    assert result.exit_code == 2
    assert result.stderr.startswith("[E050]")


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_cli_prints_the_figures(figures, runner, monkeypatch, output_format):
    shown = {
        **figures,
        "startup": {"import_spacy_s": 1.0, "check_one_s": 3.0, "ratio": 3.0},
        "streaming": {
            "jobs": 1,
            "reports": [2, 20],
            "seconds": [1.0, 2.0],
            "peak_rss_mib": [300.0, 310.0],
            "ratio": 310 / 300,
        },
    }
    monkeypatch.setattr(bench, "run_bench", lambda *args, **kwargs: shown)

    result = runner.invoke(app, ["bench", "--format", output_format])

    assert result.exit_code == 0, result.output
    if output_format == "json":
        assert json.loads(result.stdout) == shown
        return
    for name in (
        *CONFIGS,
        "--jobs 2",
        "Speed-up",
        "Start-up",
        "Streaming",
        "Where docnlp's time goes",
    ):
        assert name in result.stdout
