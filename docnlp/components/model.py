"""The `docnlp_model` component: the element model's confidence beside the rules."""

import logging
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ..errors import DocnlpError, DocnlpWarning, Errors, Warnings
from ..model.card import (
    CARD_JSON,
    DEFAULT_MODEL,
    MODEL_FILE,
    load_element_model,
    model_dir,
)
from ..model.combine import (
    THRESHOLD,
    assist,
    best_sentences,
    model_only,
    sentence_evidence,
)
from ..model.sentences import read_sentences
from ..result import ELEMENTS, Element, Evidence

logger = logging.getLogger("docnlp")

# Docs whose sentences go through the classifier in one call.
BATCH_SIZE = 64
Mode = Literal["assist", "only"]


class ElementModel:
    """Adds the element model's view to `doc._.docnlp_elements`.

    In "assist" mode every element gets `details["confidence"]`, and an enabled
    element the rules found nothing for becomes `partial` on the model's best
    sentence when the confidence reaches the threshold (see docnlp.model.combine).
    In "only" mode the model's own statuses replace the rules', for measuring the
    model alone. Without a model file the component changes nothing.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        model: str,
        mode: Mode,
        elements: list[str] | None,
        threshold: float,
    ) -> None:
        self.name = name
        self.mode = mode
        self.threshold = threshold
        self.estimator: Any = None
        self.card: dict[str, Any] = {}
        directory = model_dir(model)
        if (directory / MODEL_FILE).exists() or (directory / CARD_JSON).exists():
            self.estimator, self.card = load_element_model(directory)
        else:
            warnings.warn(
                Warnings.W002.format(path=directory), DocnlpWarning, stacklevel=2
            )
        if elements is None:
            elements = self.card.get("enabled_elements", [])
        unknown = sorted(set(elements) - set(ELEMENTS))
        if unknown:
            raise DocnlpError(
                Errors.E046.format(names=", ".join(unknown), known=", ".join(ELEMENTS))
            )
        self.enabled = frozenset(elements)

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(
        self, stream: Iterable[Doc], *, batch_size: int = BATCH_SIZE
    ) -> Iterator[Doc]:
        """Annotate docs a batch at a time, one classifier call per batch."""
        for batch in minibatch(stream, size=batch_size):
            self._annotate(batch)
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        if self.estimator is None:
            return
        sentences = [read_sentences(doc) for doc in docs]
        rows = [s.row() for found in sentences for s in found]
        probabilities = self.estimator.predict_proba(rows)
        bounds = np.cumsum([0, *(len(found) for found in sentences)])
        columns = {name: j for j, name in enumerate(self.estimator.classes_)}
        for i, doc in enumerate(docs):
            confidence, index = best_sentences(probabilities[bounds[i] : bounds[i + 1]])
            elements = dict(doc._.docnlp_elements)
            for name, j in columns.items():
                evidence = sentence_evidence(sentences[i], int(index[j]))
                elements[name] = self._element(
                    elements[name], float(confidence[j]), evidence, name
                )
            doc._.docnlp_elements = elements

    def _element(
        self, element: Element, confidence: float, evidence: Evidence | None, name: str
    ) -> Element:
        if self.mode == "only":
            return model_only(confidence, evidence, threshold=self.threshold)
        return assist(
            element,
            confidence,
            evidence,
            enabled=name in self.enabled,
            threshold=self.threshold,
        )


@Language.factory(
    "docnlp_model",
    default_config={
        "model": DEFAULT_MODEL,
        "mode": "assist",
        "elements": None,
        "threshold": THRESHOLD,
    },
)
def make_model(
    nlp: Language,
    name: str,
    model: str,
    mode: Mode,
    elements: list[str] | None,
    threshold: float,
) -> ElementModel:
    """Create the element model component; it runs after docnlp_elements.

    Config:
        model (str): A model folder under docnlp/models/, or a path to one (a folder
            with model.skops and card.json). Default "element-sentences".
        mode (str): "assist" (rules first, the model adds confidence and partial
            statuses) or "only" (the model's statuses alone, for measuring it).
            Default "assist".
        elements (list[str] | None): Elements whose status the model may change;
            None takes the card's `enabled_elements`. Default None.
        threshold (float): Confidence from which the model's support counts.
            Default 0.5.

    Raises:
        DocnlpError: The model file does not match its card, holds untrusted
            types, or an element name is unknown.
    """
    return ElementModel(
        nlp, name, model=model, mode=mode, elements=elements, threshold=threshold
    )
