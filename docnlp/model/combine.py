"""How the element model's sentence probabilities meet the rules' elements.

The rules stay the primary evidence. For each element the model gives a confidence,
the highest probability any sentence of the report documents it. Where the rules
found nothing at all and the model is at least `threshold` sure the report
documents the element, the element becomes `partial` on the model's best sentence:
weak support, for a reviewer to confirm, never `present`. An element the rules
found (present, partial, or missing on an explicit statement such as
"COMPARISON: None.") keeps its status and evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..result import Element, Evidence
from .sentences import Sentence

# Decimal places a confidence is given to.
CONFIDENCE_DIGITS = 3
# Default probability from which the model's support counts (calibrated: more
# likely than not).
THRESHOLD = 0.5


def best_sentences(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each element's highest sentence probability and the sentence that has it.

    Args:
        probabilities: Shape (n_sentences, n_elements).

    Returns:
        The confidences and the sentence indices, each of shape (n_elements,);
        a report without sentences has confidence 0 and index -1.
    """
    if len(probabilities) == 0:
        n = probabilities.shape[1] if probabilities.ndim == 2 else 0
        return np.zeros(n), np.full(n, -1)
    index = probabilities.argmax(axis=0)
    return probabilities[index, np.arange(probabilities.shape[1])], index


def rules_found_nothing(element: Element) -> bool:
    """True when the rules left an element missing with no evidence or statement."""
    return (
        element.status == "missing"
        and not element.evidence
        and not element.details.get("none_available")
    )


def assist(
    element: Element,
    confidence: float,
    evidence: Evidence | None,
    *,
    enabled: bool,
    threshold: float = THRESHOLD,
) -> Element:
    """The rules' element with the model's confidence, lifted to partial if due.

    Args:
        element: The element as the rules extracted it.
        confidence: The model's confidence that the report documents the element.
        evidence: The sentence the model is most sure of, or None.
        enabled: Whether the model may change this element's status.
        threshold: Confidence from which the model's support counts.

    Returns:
        A new element; `details["confidence"]` holds the confidence.
    """
    details = {**element.details, "confidence": round(confidence, CONFIDENCE_DIGITS)}
    lift = (
        enabled
        and confidence >= threshold
        and evidence is not None
        and rules_found_nothing(element)
    )
    if lift:
        return Element("partial", [evidence], {**details, "source": "model"})
    return replace(element, details=details)


def model_only(
    confidence: float, evidence: Evidence | None, *, threshold: float = THRESHOLD
) -> Element:
    """The element as the model alone would have it, for measuring the model.

    The model tells documented from not documented, not present from partial: a
    documented element is `present`.

    Args:
        confidence: The model's confidence that the report documents the element.
        evidence: The sentence the model is most sure of, or None.
        threshold: Confidence from which the element counts as documented.

    Returns:
        The element, with its confidence in `details`.
    """
    details = {"confidence": round(confidence, CONFIDENCE_DIGITS), "source": "model"}
    if confidence >= threshold and evidence is not None:
        return Element("present", [evidence], details)
    return Element("missing", [], details)


def sentence_evidence(sentences: Sequence[Sentence], index: int) -> Evidence | None:
    """Evidence quoting one sentence, or None for index -1."""
    if index < 0:
        return None
    sentence = sentences[index]
    return Evidence(sentence.text, sentence.start, sentence.end, sentence.section)
