"""Training the element model on a gold corpus: data, cross-validation, saving."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_recall_fscore_support,
)

from ..errors import DocnlpError, Errors
from ..evaluate.gold import attach_texts, read_gold
from ..result import Element
from .card import CARD_JSON, DEFAULT_MODEL, MODEL_FILE, model_dir, write_card
from .combine import THRESHOLD, assist, best_sentences, model_only, sentence_evidence
from .estimator import ElementSentenceClassifier
from .persist import save_model
from .sentences import POSITIVE_STATUSES, Sentence, read_sentences, sentence_labels

logger = logging.getLogger("docnlp")

# Folds of the cross-validation the card reports.
CV_FOLDS = 5
# The version of the model's format and features; raise it when either changes.
MODEL_VERSION = "1.0"
# Elements whose status the model may change in the pipeline. None: in the
# ablation (docs/evaluation.md) it helps no element enough to keep; see there.
ENABLED_ELEMENTS: tuple[str, ...] = ()
# Where the report texts of a training corpus are, beside its gold files.
REPORTS_FOLDER = "reports"


@dataclass
class TrainingReport:
    """One gold report, read and processed by the rule components.

    Attributes:
        key: "<corpus>/<id>".
        record: The gold record.
        sentences: Its sentences with section and rule tags.
        labels: 0/1 per sentence and element, shape (len(sentences), 5).
        rules: The elements as the rules extracted them.
    """

    key: str
    record: dict[str, Any]
    sentences: list[Sentence]
    labels: np.ndarray
    rules: dict[str, Element]


def gold_files(corpus: Path) -> list[Path]:
    """A corpus's gold files: gold.jsonl and every gold.part-*.jsonl, sorted.

    Raises:
        DocnlpError: The corpus has no gold file or no reports folder.
    """
    paths = sorted(corpus.glob("gold.part-*.jsonl"))
    if (corpus / "gold.jsonl").is_file():
        paths.append(corpus / "gold.jsonl")
    if not paths or not (corpus / REPORTS_FOLDER).is_dir():
        raise DocnlpError(Errors.E045.format(path=corpus))
    return paths


def read_training_reports(corpus: Path) -> list[TrainingReport]:
    """Read a gold corpus and run the rule components over each report.

    Args:
        corpus: A folder holding gold files and a reports/ folder of <id>.txt.

    Returns:
        The reports, sorted by key so that the order never depends on the files.
    """
    from ..pipeline import build
    from ..text import normalise

    records = read_gold(gold_files(corpus))
    names = sorted({str(r["corpus"]) for r in records})
    reports = attach_texts(records, [(n, corpus / REPORTS_FOLDER) for n in names])
    reports.sort(key=lambda g: g.key)
    nlp = build(model=False)
    texts = (normalise(g.text).text for g in reports)
    found = []
    for gold, doc in zip(reports, nlp.pipe(texts), strict=True):
        sentences = read_sentences(doc)
        labels = sentence_labels(gold.text, sentences, gold.record)
        found.append(
            TrainingReport(
                gold.key, gold.record, sentences, labels, doc._.docnlp_elements
            )
        )
    return found


def stack(reports: Sequence[TrainingReport]) -> tuple[list, np.ndarray, np.ndarray]:
    """The reports' sentences as estimator input: rows, labels and report groups."""
    rows = [s.row() for r in reports for s in r.sentences]
    labels = np.vstack([r.labels for r in reports])
    groups = np.repeat(np.arange(len(reports)), [len(r.sentences) for r in reports])
    return rows, labels, groups


def cross_validate(
    reports: Sequence[TrainingReport],
    estimator: ElementSentenceClassifier,
    *,
    folds: int = CV_FOLDS,
    seed: int = 0,
) -> dict[str, Any]:
    """Held-out figures: reports dealt into folds at random, each fold predicted by
    a model fitted on the others.

    Args:
        reports: The training reports.
        estimator: The (unfitted) estimator to clone for each fold.
        folds: Number of folds.
        seed: Seeds the dealing of reports into folds.

    Returns:
        Per-element sentence figures and report status agreement (rules only, model
        only, rules and model), as the card stores them.
    """
    rows, labels, groups = stack(reports)
    fold_of = np.random.RandomState(seed).permutation(len(reports)) % folds
    held_out = np.zeros(labels.shape)
    for k in range(folds):
        test = fold_of[groups] == k
        train_rows = [row for row, t in zip(rows, test, strict=True) if not t]
        test_rows = [row for row, t in zip(rows, test, strict=True) if t]
        model = clone(estimator).fit(train_rows, labels[~test], groups=groups[~test])
        held_out[test] = model.predict_proba(test_rows)
    return {
        "folds": folds,
        "seed": seed,
        "note": "Every report is predicted by a model that never saw it. Report "
        "statuses use threshold 0.5; the rules are tuned on this corpus, so their "
        "figures here are optimistic.",
        "sentence": _sentence_figures(labels, held_out, estimator.elements),
        "report": _report_figures(reports, held_out, groups, estimator.elements),
    }


def train(corpus: Path, output: Path | None = None, *, seed: int = 0) -> dict[str, Any]:
    """Train the element model on a gold corpus and write its folder.

    Args:
        corpus: A folder holding gold files and a reports/ folder.
        output: The model folder to write; by default the shipped model's folder.
        seed: Seeds the cross-validation folds and the calibration folds.

    Returns:
        The card written beside the model.

    Raises:
        DocnlpError: The corpus has no gold files or texts, or the data cannot
            train a classifier.
    """
    output = output or model_dir(DEFAULT_MODEL)
    reports = read_training_reports(corpus)
    estimator = ElementSentenceClassifier(random_state=seed)
    logger.info("cross-validating on %s reports", len(reports))
    cv = cross_validate(reports, estimator, seed=seed)

    rows, labels, groups = stack(reports)
    model = clone(estimator).fit(rows, labels, groups=groups)
    sha256 = save_model(model, output / MODEL_FILE)
    card = _card(corpus, reports, model, cv, sha256=sha256, seed=seed)
    write_card(output, card)
    logger.info("model written to %s (%s)", output / MODEL_FILE, CARD_JSON)
    return card


def _sentence_figures(
    labels: np.ndarray, scores: np.ndarray, elements: Sequence[str]
) -> dict[str, dict[str, float]]:
    figures = {}
    for j, name in enumerate(elements):
        p, r, f, _ = precision_recall_fscore_support(
            labels[:, j], scores[:, j] >= THRESHOLD, average="binary", zero_division=0
        )
        figures[name] = {
            "positives": int(labels[:, j].sum()),
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "average_precision": round(
                float(average_precision_score(labels[:, j], scores[:, j])), 4
            ),
            "brier": round(float(brier_score_loss(labels[:, j], scores[:, j])), 4),
        }
    return figures


def _report_figures(
    reports: Sequence[TrainingReport],
    scores: np.ndarray,
    groups: np.ndarray,
    elements: Sequence[str],
) -> dict[str, Any]:
    agree = {name: np.zeros(3) for name in elements}
    for i, report in enumerate(reports):
        confidence, index = best_sentences(scores[groups == i])
        for j, name in enumerate(elements):
            gold = report.record["elements"][name]["status"]
            evidence = sentence_evidence(report.sentences, int(index[j]))
            rules = report.rules[name]
            both = assist(rules, float(confidence[j]), evidence, enabled=True)
            alone = model_only(float(confidence[j]), evidence)
            agree[name] += [
                rules.status == gold,
                alone.status == gold,
                both.status == gold,
            ]
    n = len(reports)
    return {
        name: {
            "reports": n,
            "documented": sum(
                r.record["elements"][name]["status"] in POSITIVE_STATUSES
                for r in reports
            ),
            "rules": round(a[0] / n, 4),
            "model_only": round(a[1] / n, 4),
            "rules_and_model": round(a[2] / n, 4),
        }
        for name, a in agree.items()
    }


def _card(
    corpus: Path,
    reports: Sequence[TrainingReport],
    model: ElementSentenceClassifier,
    cv: dict[str, Any],
    *,
    sha256: str,
    seed: int,
) -> dict[str, Any]:
    from .persist import file_sha256

    rows, labels, _ = stack(reports)
    transformers = dict(model.features_.named_transformers_)
    return {
        "name": DEFAULT_MODEL,
        "version": MODEL_VERSION,
        "description": (
            "Predicts which of the five CPT 76380 checklist elements each sentence of "
            "a radiology report documents (multi-label), from the sentence's words "
            "and character n-grams, its section and the rule components' targets. "
            "In the pipeline (docnlp_model) it gives each element a confidence and "
            "marks an element partial where the rules found nothing and the model "
            "is at least 0.5 sure, for the enabled elements only."
        ),
        "file": MODEL_FILE,
        "sha256": sha256,
        "date": datetime.date.today().isoformat(),
        "seed": seed,
        "docnlp_version": _version("docnlp"),
        "libraries": {
            name: _version(name) for name in ("scikit-learn", "skops", "numpy", "spacy")
        },
        "training_data": {
            "corpus": corpus.as_posix(),
            "gold_files": [
                {"path": p.name, "sha256": file_sha256(p)} for p in gold_files(corpus)
            ],
            "reports": len(reports),
            "sentences": len(rows),
            "labels": (
                "A sentence is positive for an element when it overlaps an evidence "
                "string of that element (placed at its first occurrence) whose gold "
                "status is present or partial."
            ),
            "positive_sentences": {
                name: int(labels[:, j].sum()) for j, name in enumerate(model.elements)
            },
        },
        "estimator": {
            "class": f"{type(model).__module__}.{type(model).__name__}",
            "params": {
                k: list(v) if isinstance(v, tuple) else v
                for k, v in model.get_params().items()
            },
        },
        "features": {
            name: len(t.get_feature_names_out())
            for name, t in transformers.items()
            if name != "remainder"
        },
        "threshold": THRESHOLD,
        "enabled_elements": list(ENABLED_ELEMENTS),
        "cross_validation": cv,
        "limits": (
            "Trained on synthetic CT reports written by the team; sentence labels "
            "come from the annotators' evidence strings, which quote some sentences "
            "of an element, not all, so sentence recall is understated. The model "
            "cannot tell present from partial. See docs/evaluation.md for the "
            "ablation on the development gold and the Indiana labels."
        ),
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
