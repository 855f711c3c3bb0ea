"""Tests of the element model: estimator, features, saving, card and component."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.feature_extraction.text import TfidfVectorizer

import docnlp
from docnlp.errors import DocnlpError, DocnlpWarning
from docnlp.evaluate.gold import read_corpus
from docnlp.model.card import (
    CARD_JSON,
    CARD_MARKDOWN,
    DEFAULT_MODEL,
    MODEL_FILE,
    load_element_model,
    model_dir,
    read_card,
)
from docnlp.model.combine import assist, rules_found_nothing
from docnlp.model.estimator import ElementSentenceClassifier
from docnlp.model.features import WORD_PATTERN, WordCharNgrams, WordNgrams
from docnlp.model.persist import ALLOWED_TYPES, file_sha256, load_model, model_bytes
from docnlp.model.sentences import read_sentences, sentence_labels
from docnlp.pipeline import Record, check_many
from docnlp.result import ELEMENTS, Element, Evidence

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = REPO / "corpora" / "synthetic"
SHIPPED = model_dir(DEFAULT_MODEL)

# Sentences of a made-up report, one per element and one that documents none:
# (text, section, rule tags, the element it documents or None).
TEMPLATES = [
    ("Follow-up of {x} lung nodule.", "indication", "FOLLOWUP CONDITION", 0),
    ("Compared with CT of {x} 2024.", "comparison", "PRIOR_STUDY", 1),
    ("CT chest without contrast, {x}.", "exam", "MODALITY REGION", 2),
    ("Stable {x} nodule, no new findings.", "impression", "CHANGE CONDITION", 3),
    ("History of {x} colon cancer.", "history", "HISTORY_OF CONDITION", 4),
    ("Axial images were obtained {x}.", "technique", "", None),
]
WORDS = ["small", "right", "left", "known", "prior", "solid", "tiny", "upper"]


def tiny_dataset(n_reports: int = 12) -> tuple[list, np.ndarray, np.ndarray]:
    """Rows, labels and report groups of made-up reports with clear cues."""
    rows, labels, groups = [], [], []
    for r in range(n_reports):
        for t, (text, section, rules, element) in enumerate(TEMPLATES):
            rows.append((text.format(x=WORDS[(r + t) % len(WORDS)]), section, rules))
            labels.append([int(element == j) for j in range(len(ELEMENTS))])
            groups.append(r)
    return rows, np.array(labels), np.array(groups)


class Untrusted(BaseEstimator):
    """A class no allow-list names, saved to see it refused."""

    def __init__(self, value: int = 1) -> None:
        self.value = value


@pytest.fixture(scope="module")
def fitted() -> ElementSentenceClassifier:
    rows, labels, groups = tiny_dataset()
    return ElementSentenceClassifier(min_df=1).fit(rows, labels, groups=groups)


@pytest.fixture(scope="module")
def rules_nlp():
    return docnlp.build(model=False)


@pytest.fixture(scope="module")
def model_nlp():
    """The pipeline with the shipped model, whatever its card enables."""
    return docnlp.build(model=True)


@pytest.fixture(scope="module")
def synthetic_records() -> list[Record]:
    texts = read_corpus(SYNTHETIC / "reports")
    return [Record(key, f"{key}.txt", texts[key]) for key in sorted(texts)[::4]]


# The estimator


def test_estimator_shapes_and_probabilities(fitted):
    rows, labels, _ = tiny_dataset(3)
    proba = fitted.predict_proba(rows)
    assert proba.shape == (len(rows), len(ELEMENTS))
    assert ((proba >= 0) & (proba <= 1)).all()
    assert list(fitted.classes_) == list(ELEMENTS)
    assert (fitted.predict(rows) == labels).mean() > 0.9
    assert fitted.predict_proba([]).shape == (0, len(ELEMENTS))


def test_estimator_follows_sklearn_conventions(fitted):
    params = fitted.get_params()
    assert params["min_df"] == 1 and params["random_state"] == 0
    assert not hasattr(clone(fitted), "estimators_")
    with pytest.raises(TypeError):
        ElementSentenceClassifier(1.0)


def test_same_data_and_seed_give_the_same_bytes():
    rows, labels, groups = tiny_dataset()
    first = ElementSentenceClassifier(min_df=1, random_state=3).fit(
        rows, labels, groups
    )
    again = ElementSentenceClassifier(min_df=1, random_state=3).fit(
        rows, labels, groups
    )
    assert model_bytes(first) == model_bytes(again)


@pytest.mark.parametrize(
    ("rows", "labels", "match"),
    [
        ([("text", "findings")], [[1, 0, 0, 0, 0]], r"\[E041\].*X"),
        ([("text", "findings", "")], [[1, 0]], r"\[E041\].*Y"),
        ([("text", "findings", 3)], [[1, 0, 0, 0, 0]], r"\[E041\].*strings"),
    ],
    ids=["two-columns", "labels-short", "not-a-string"],
)
def test_fit_refuses_bad_input(rows, labels, match):
    with pytest.raises(DocnlpError, match=match):
        ElementSentenceClassifier().fit(rows, labels)


def test_fit_refuses_an_element_without_positives():
    rows, labels, groups = tiny_dataset()
    labels[:, 2] = 0
    with pytest.raises(DocnlpError, match=r"\[E042\].*scanned_region"):
        ElementSentenceClassifier(min_df=1).fit(rows, labels, groups)


# Features: the same matrices as scikit-learn's TfidfVectorizer


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (
            WordNgrams(min_df=1),
            TfidfVectorizer(
                token_pattern=WORD_PATTERN,
                ngram_range=(1, 2),
                max_features=2000,
                sublinear_tf=True,
            ),
        ),
        (
            WordCharNgrams(min_df=1),
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 4),
                max_features=2000,
                sublinear_tf=True,
            ),
        ),
    ],
    ids=["words", "chars"],
)
def test_features_equal_tfidf_vectorizer(ours, theirs):
    rows, _, _ = tiny_dataset()
    texts = [r[0] for r in rows]
    unseen = ["Follow-up of a NEW  nodule;  compared with MRI.", "", "x"]
    ours.fit(texts)
    theirs.fit(texts)
    for batch in (texts, unseen, unseen):  # the third call reads the word cache
        diff = ours.transform(batch) - theirs.transform(batch)
        assert abs(diff).max() < 1e-12 if diff.nnz else True


def test_word_cache_is_not_saved(fitted):
    chars = fitted.features_.named_transformers_["chars"]
    chars.transform(["a sentence read once"])
    assert "_runtime" in chars.__dict__
    assert "_runtime" not in chars.__getstate__()


# Saving and loading


def test_skops_round_trip(fitted, tmp_path):
    path = tmp_path / MODEL_FILE
    path.write_bytes(model_bytes(fitted))
    loaded = load_model(path)
    rows, _, _ = tiny_dataset(2)
    assert np.array_equal(loaded.predict_proba(rows), fitted.predict_proba(rows))


def test_untrusted_type_is_refused(tmp_path):
    path = tmp_path / "untrusted.skops"
    path.write_bytes(model_bytes(Untrusted()))
    with pytest.raises(DocnlpError, match=r"\[E043\].*test_model\.Untrusted"):
        load_model(path)


def test_allow_list_is_what_decides(fitted, tmp_path):
    path = tmp_path / MODEL_FILE
    path.write_bytes(model_bytes(fitted))
    narrower = ALLOWED_TYPES - {"docnlp.model.features.WordCharNgrams"}
    with pytest.raises(DocnlpError, match=r"\[E043\].*WordCharNgrams"):
        load_model(path, allowed=narrower)


def test_not_a_model_file_is_refused(tmp_path):
    path = tmp_path / MODEL_FILE
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DocnlpError, match=r"\[E044\]"):
        load_model(path)


@pytest.fixture
def model_copy(tmp_path) -> Path:
    folder = tmp_path / "element-sentences"
    shutil.copytree(SHIPPED, folder)
    return folder


def test_hash_mismatch_is_refused(model_copy):
    data = bytearray((model_copy / MODEL_FILE).read_bytes())
    data[-30] ^= 0xFF
    (model_copy / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(DocnlpError, match=r"\[E040\].*sha256"):
        load_element_model(model_copy)
    with pytest.raises(DocnlpError, match=r"\[E040\]"):
        docnlp.build(rules={"docnlp_model": {"model": str(model_copy)}})


def test_model_without_card_is_refused(model_copy):
    (model_copy / CARD_JSON).unlink()
    with pytest.raises(DocnlpError, match=r"\[E044\].*card\.json"):
        docnlp.build(rules={"docnlp_model": {"model": str(model_copy)}})


# The shipped model


def test_shipped_card_matches_the_file():
    card = read_card(SHIPPED)
    assert file_sha256(SHIPPED / card["file"]) == card["sha256"]
    assert card["name"] == DEFAULT_MODEL
    for key in ("version", "date", "training_data", "cross_validation", "seed"):
        assert card[key] not in (None, "", {})
    assert card["training_data"]["reports"] >= 150
    assert set(card["cross_validation"]["sentence"]) == set(ELEMENTS)
    assert set(card["enabled_elements"]) <= set(ELEMENTS)
    assert card["sha256"] in (SHIPPED / CARD_MARKDOWN).read_text(encoding="utf-8")


def test_shipped_model_loads_with_the_pipeline(model_nlp):
    assert model_nlp.pipe_names[-1] == "docnlp_model"
    assert model_nlp.get_pipe("docnlp_model").estimator is not None


def test_load_leaves_out_a_model_enabled_for_no_element(nlp):
    card = read_card(model_dir(DEFAULT_MODEL))
    assert ("docnlp_model" in nlp.pipe_names) == bool(card["enabled_elements"])


# The component


def results(records, nlp) -> list[dict]:
    return [r.to_dict() for r in check_many(records, nlp=nlp)]


def without_confidence(result: dict) -> dict:
    for element in result["elements"].values():
        element.pop("confidence", None)
    return result


def test_switched_off_gives_exactly_the_rules(model_nlp, rules_nlp, synthetic_records):
    rules = results(synthetic_records, rules_nlp)
    with model_nlp.select_pipes(disable="docnlp_model"):
        excluded = results(synthetic_records, model_nlp)
    assert excluded == rules
    assert not any("confidence" in e for r in rules for e in r["elements"].values())


def test_on_never_changes_what_the_rules_found(rules_nlp, synthetic_records):
    every = docnlp.build(rules={"docnlp_model": {"elements": list(ELEMENTS)}})
    rules = results(synthetic_records, rules_nlp)
    both = results(synthetic_records, every)
    for before, after in zip(rules, both, strict=True):
        for name in ELEMENTS:
            got = dict(after["elements"][name])
            assert 0.0 <= got.pop("confidence") <= 1.0
            was = before["elements"][name]
            if was["status"] != "missing" or was["evidence"]:
                assert got == was, (before["id"], name)
            elif got["status"] != "missing":
                assert got["status"] == "partial" and got["source"] == "model"


def test_shipped_config_changes_only_enabled_elements(
    model_nlp, rules_nlp, synthetic_records
):
    nlp = model_nlp
    enabled = set(nlp.get_pipe("docnlp_model").enabled)
    rules = results(synthetic_records, rules_nlp)
    shipped = results(synthetic_records, nlp)
    for before, after in zip(rules, shipped, strict=True):
        for name in set(ELEMENTS) - enabled:
            got = dict(after["elements"][name])
            got.pop("confidence")
            assert got == before["elements"][name]


def test_model_only_mode(synthetic_records):
    only = docnlp.build(rules={"docnlp_model": {"mode": "only"}})
    for result in results(synthetic_records[:5], only):
        for element in result["elements"].values():
            assert element["status"] in ("present", "missing")
            assert element["source"] == "model"


def test_no_model_file_warns_and_changes_nothing(
    tmp_path, rules_nlp, synthetic_records
):
    with pytest.warns(DocnlpWarning, match=r"\[W002\]"):
        empty = docnlp.build(rules={"docnlp_model": {"model": str(tmp_path / "none")}})
    assert results(synthetic_records[:5], empty) == results(
        synthetic_records[:5], rules_nlp
    )


def test_unknown_element_is_refused():
    with pytest.raises(DocnlpError, match=r"\[E046\].*regions"):
        docnlp.build(rules={"docnlp_model": {"elements": ["regions"]}})


@pytest.mark.parametrize(
    ("element", "lifted"),
    [
        (Element("missing"), True),
        (Element("missing", details={"none_available": True}), False),
        (Element("partial", [Evidence("again seen", 0, 10, "findings")]), False),
        (Element("present", [Evidence("CT 2024", 0, 7, "comparison")]), False),
    ],
    ids=["nothing-found", "none-available", "partial", "present"],
)
def test_assist_lifts_only_what_the_rules_did_not_find(element, lifted):
    evidence = Evidence("Compared with the prior.", 20, 44, "findings")
    got = assist(element, 0.9, evidence, enabled=True)
    assert rules_found_nothing(element) is lifted
    assert (got.status == "partial" and got.evidence == [evidence]) is lifted
    assert got.details["confidence"] == 0.9
    weak = assist(element, 0.2, evidence, enabled=True)
    off = assist(element, 0.9, evidence, enabled=False)
    assert weak.status == off.status == element.status


# Sentences and labels


def test_labels_come_from_present_and_partial_evidence(rules_nlp):
    text = (
        "EXAM: CT CHEST\nINDICATION: Cough.\nCOMPARISON: None.\n"
        "FINDINGS: Clear lungs.\nIMPRESSION: Normal chest.\n"
    )
    record = {
        "id": "t1",
        "elements": {
            "reason_for_followup": {"status": "partial", "evidence": ["Cough."]},
            "comparison": {"status": "missing", "evidence": ["COMPARISON: None."]},
            "scanned_region": {"status": "present", "evidence": ["CT CHEST"]},
            "interpretation": {"status": "present", "evidence": ["Normal chest."]},
            "clinical_history": {"status": "missing", "evidence": []},
        },
    }
    sentences = read_sentences(rules_nlp(text))
    labels = sentence_labels(text, sentences, record)
    for sentence, row in zip(sentences, labels, strict=True):
        assert text[sentence.start : sentence.end] == sentence.text
        if "Cough" in sentence.text:
            assert row.tolist() == [1, 0, 0, 0, 0]
        if "None" in sentence.text:
            assert row.tolist() == [0, 0, 0, 0, 0]
    assert labels[:, 2].sum() >= 1 and labels[:, 3].sum() == 1


def test_rule_tags_carry_context_flags(rules_nlp):
    # Regression: a ConText engine without medspaCy's `modifiers` attribute once
    # left every flag out of the features.
    text = "HISTORY: No history of colon cancer.\n"
    tags = " ".join(s.rules for s in read_sentences(rules_nlp(text)))
    assert "CONDITION" in tags.split()
    assert "CONDITION:neg" in tags.split()


# docnlp train


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "reports").mkdir()
    lines = (SYNTHETIC / "gold.part-a.jsonl").read_text(encoding="utf-8").splitlines()
    kept = lines[:24]
    for line in kept:
        name = json.loads(line)["id"] + ".txt"
        shutil.copyfile(SYNTHETIC / "reports" / name, folder / "reports" / name)
    (folder / "gold.part-a.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return folder


def test_train_is_reproducible(runner, small_corpus, tmp_path):
    from docnlp.cli import _register, app

    _register()
    hashes = []
    for name in ("one", "two"):
        out = tmp_path / name
        args = ["train", "--corpus", str(small_corpus), "--output", str(out)]
        result = runner.invoke(app, [*args, "--seed", "1"])
        assert result.exit_code == 0, result.output
        card = json.loads((out / CARD_JSON).read_text(encoding="utf-8"))
        assert card["sha256"] == file_sha256(out / MODEL_FILE)
        assert card["training_data"]["reports"] == 24
        hashes.append(card["sha256"])
    assert hashes[0] == hashes[1]
    loaded, _ = load_element_model(tmp_path / "one")
    assert loaded.get_params()["random_state"] == 1


def test_train_refuses_to_overwrite_an_installed_model(runner, tmp_path, monkeypatch):
    from docnlp.cli import _register, app
    from docnlp.model import card

    installed = tmp_path / "lib" / "site-packages" / "docnlp" / "models" / "m"
    monkeypatch.setattr(card, "model_dir", lambda model: installed)
    _register()
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 2
    assert "[E047]" in result.output and "--output" in result.output
    assert not installed.exists()


def test_train_without_gold_fails_clearly(runner, tmp_path):
    from docnlp.cli import _register, app

    _register()
    result = runner.invoke(app, ["train", "--corpus", str(tmp_path)])
    assert result.exit_code == 1
    assert "[E045]" in result.output
