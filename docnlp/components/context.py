"""The `docnlp_context` component: medspaCy ConText with radiology modifier rules."""

from medspacy.context import ConText, ConTextRule
from spacy.language import Language

from ..rules import check_keys, compile_pattern, read_json
from .targets import CONTEXT_GROUP, spell_out

_RULE_KEYS = ("category", "direction", "phrases")
_RULE_OPTIONAL = ("patterns", "token_patterns", "max_scope", "allowed_types",
                  "excluded_types")
_PASSED_ON = ("max_scope", "allowed_types", "excluded_types")


def load_context_rules(path: str) -> list[ConTextRule]:
    """Read and validate a ConText rule file.

    Raises:
        DocnlpError: The file or one of its rules is invalid.
    """
    data = read_json(path)
    check_keys(data, path=path, where="top level", required=["context_rules"],
               optional=["description"])
    rules = []
    for i, entry in enumerate(data["context_rules"]):
        where = f"context_rules[{i}]"
        check_keys(entry, path=path, where=where, required=_RULE_KEYS,
                   optional=_RULE_OPTIONAL)
        kwargs = {k: entry[k] for k in _PASSED_ON if k in entry}
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        category, direction = entry["category"], entry["direction"]
        for phrase in entry["phrases"]:
            rules.append(ConTextRule(phrase, category, direction=direction, **kwargs))
        for tokens in entry.get("token_patterns", ()):
            rules.append(ConTextRule(str(tokens), category, pattern=tokens,
                                     direction=direction, **kwargs))
        for pattern in entry.get("patterns", ()):
            compile_pattern(pattern, path=path, where=where)
            # medspaCy's regex matcher rebuilds the doc's text for every pattern:
            # a pattern that names a finite set of phrases is matched as phrases.
            phrases = spell_out(pattern)
            if phrases is not None:
                rules.extend(ConTextRule(phrase, category, direction=direction,
                                         **kwargs) for phrase in phrases)
                continue
            rules.append(ConTextRule(pattern, category, pattern=pattern,
                                     direction=direction, **kwargs))
    return rules


@Language.factory("docnlp_context", default_config={"rules": "context.json"})
def make_context(nlp: Language, name: str, rules: str) -> ConText:
    """Create ConText over the targets' contextual layers, with radiology rules.

    medspaCy's default rules are not loaded: they are written for clinical notes and
    read "stable" and "unchanged" as nothing, but "HISTORY:" as historical.

    Config:
        rules (str): Rule file, a name under docnlp/resources/ or a path.
            Default "context.json".
    """
    context = ConText(
        nlp,
        name=name,
        rules=None,
        input_span_type="group",
        span_group_name=CONTEXT_GROUP,
    )
    context.add(load_context_rules(rules))
    return context
