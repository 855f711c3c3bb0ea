"""Evaluating docnlp: against gold records, and against the Indiana CSV's labels.

`evaluate_gold` and `evaluate_indiana` return JSON-ready data; `render` turns it
into text for people. Figures follow /work/shared/tools/gold.py on the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DocnlpError, Errors
from .files import json_objects, reject_folder
from .gold import GoldReport, expand_paths, load_gold
from .indiana import IndianaReport, read_indiana, score_indiana
from .metrics import Bootstrap, Estimate
from .scoring import score_gold

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "Bootstrap",
    "Estimate",
    "GoldReport",
    "IndianaReport",
    "check_texts",
    "evaluate_gold",
    "evaluate_indiana",
    "load_gold",
    "read_indiana",
    "score_gold",
    "score_indiana",
]


def check_texts(
    texts: Iterable[tuple[str, str, str]],
    *,
    code: str = "76380",
    nlp: Language | None = None,
    jobs: int = 1,
    pipeline: Callable[[], Language] | None = None,
) -> dict[str, dict[str, Any]]:
    """Check reports with the shared pipeline, or with the one given.

    Args:
        texts: (id, source, text) per report.
        code: The CPT code whose checklist applies.
        nlp: A pipeline to use instead of the shared one (e.g. without the model);
            only with `jobs` 1.
        jobs: Worker processes (`docnlp.parallel`); the results are the same.
        pipeline: With `jobs` above 1, a picklable function that builds each
            worker's pipeline; the shared one by default.

    Returns:
        Each result as `Result.to_dict()` gives it, by id.
    """
    from ..parallel import ParallelChecker
    from ..pipeline import Record, check_many

    records = (Record(id, source, text) for id, source, text in texts)
    if jobs == 1:
        if nlp is None and pipeline is not None:
            nlp = pipeline()
        return {r.id: r.to_dict() for r in check_many(records, code=code, nlp=nlp)}
    if nlp is not None:
        raise DocnlpError(Errors.E027.format(jobs=jobs))
    with ParallelChecker(jobs=jobs, code=code, pipeline=pipeline) as checker:
        return {r.id: r.to_dict() for r in checker.check(records)}


def evaluate_gold(
    gold: Sequence[str],
    corpora: Sequence[str] = (),
    *,
    results: Path | None = None,
    boot: Bootstrap | None = None,
    nlp: Language | None = None,
    jobs: int = 1,
    pipeline: Callable[[], Language] | None = None,
) -> dict[str, Any]:
    """Score docnlp against gold records.

    Args:
        gold: Gold .jsonl file names or glob patterns.
        corpora: NAME=PATH arguments saying where report texts are.
        results: A .jsonl of results (ids "<corpus>/<id>") to score instead of
            checking the texts.
        boot: How intervals are drawn; the default is 1000 resamples, seed 0.
        nlp: A pipeline to check the texts with instead of the shared one.
        jobs: Worker processes to check the texts with (see `check_texts`).
        pipeline: What builds each worker's pipeline (see `check_texts`).

    Returns:
        See `score_gold`; "gold" adds the files read.

    Raises:
        DocnlpError: A gold file, corpus or results file cannot be used.
    """
    paths = [str(p) for p in expand_paths(gold)]
    reports = load_gold(paths, corpora, require_text=results is None)
    if results is None:
        texts = ((g.key, g.source, g.text) for g in reports)
        found = check_texts(texts, nlp=nlp, jobs=jobs, pipeline=pipeline)
    else:
        found = _read_results(results)
        if reports and not any(g.key in found for g in reports):
            raise DocnlpError(
                Errors.E038.format(
                    path=results, found=len(found), example=reports[0].key
                )
            )
    return {"gold": paths, **score_gold(reports, found, boot or Bootstrap())}


def evaluate_indiana(
    path: Path,
    *,
    boot: Bootstrap | None = None,
    nlp: Language | None = None,
    jobs: int = 1,
    pipeline: Callable[[], Language] | None = None,
) -> dict[str, Any]:
    """Measure docnlp against the comparison and indication labels of the CSV.

    Args:
        path: indiana_reports.csv.
        boot: How intervals are drawn; the default is 1000 resamples, seed 0.
        nlp: A pipeline to check the texts with instead of the shared one.
        jobs: Worker processes to check the texts with (see `check_texts`).
        pipeline: What builds each worker's pipeline (see `check_texts`).

    Returns:
        See `score_indiana`; "csv" adds the file read.

    Raises:
        DocnlpError: The CSV is missing, a folder, not UTF-8, or lacks a needed
            column.
    """
    reports = read_indiana(path)
    texts = ((r.uid, f"{path.name}:{r.uid}", r.text) for r in reports)
    found = check_texts(texts, nlp=nlp, jobs=jobs, pipeline=pipeline)
    return {"csv": str(path), **score_indiana(reports, found, boot or Bootstrap())}


def _read_results(path: Path) -> dict[str, dict[str, Any]]:
    reject_folder(path, "Results file", "the .jsonl file docnlp check -f jsonl wrote")
    if not path.is_file():
        raise DocnlpError(Errors.E010.format(source=path))
    return {str(result.get("id")): result for _, result in json_objects(path)}
