"""The target component: one PhraseMatcher for every layer keeps the layers apart."""

from docnlp.components.targets import CONTEXT_GROUP, SPAN_GROUP


def _targets(nlp, text: str, group: str = SPAN_GROUP) -> list[tuple[str, str]]:
    return [(span.text, span.label_) for span in nlp(text).spans[group]]


def test_a_phrase_of_two_layers_is_a_target_in_each(nlp):
    # "baseline study" is a clinical phrase (a reason for the study) and a study
    # phrase (no prior): pruning inside a layer must not let one hide the other.
    text = "Clinical history: baseline study. Comparison: none. CT of the chest."
    assert _targets(nlp, text) == [
        ("baseline study", "SYMPTOM"),
        ("baseline study", "NO_PRIOR"),
        ("none", "NO_PRIOR"),
        ("CT", "MODALITY"),
        ("chest", "REGION"),
    ]
    # ConText reads the clinical and study layers, not anatomy.
    assert _targets(nlp, text, CONTEXT_GROUP) == [
        ("baseline study", "SYMPTOM"),
        ("baseline study", "NO_PRIOR"),
        ("none", "NO_PRIOR"),
    ]


def test_a_longer_match_wins_only_inside_its_layer(nlp):
    # The prior-study phrase holds a modality and a region of the anatomy layer.
    assert _targets(nlp, "Compared with the prior CT of the chest.") == [
        ("Compared with", "COMPARE"),
        ("the prior CT", "PRIOR_STUDY"),
        ("CT", "MODALITY"),
        ("chest", "REGION"),
    ]
