"""The `docnlp_context` component: ConText with radiology modifier rules.

Two engines read the same rules. `medspacy` is medspaCy's ConText. `compiled`, the
default, applies the same algorithm (modifiers matched once, pruned longest first,
never modifying a target they overlap, scopes bounded by the sentence, `max_scope`,
TERMINATE and the next modifier of the same category) with spaCy's matchers and a
single pass per sentence; `tests/test_context.py` holds the two to the same answers
on the project corpus. medspaCy's graph compares every modifier with every target
and every other modifier, which took a third of the pipeline's time.
"""

from bisect import bisect_right
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..rules import check_keys, compile_pattern, read_json
from ..text import doc_text, sentences
from .targets import CONTEXT_GROUP, spell_out

_RULE_KEYS = ("category", "direction", "phrases")
_RULE_OPTIONAL = (
    "patterns",
    "token_patterns",
    "max_scope",
    "allowed_types",
    "excluded_types",
)
_PASSED_ON = ("max_scope", "allowed_types", "excluded_types")
# The span attribute each ConText category sets (medspaCy's defaults).
ATTRIBUTES = {
    "NEGATED_EXISTENCE": "is_negated",
    "POSSIBLE_EXISTENCE": "is_uncertain",
    "HYPOTHETICAL": "is_hypothetical",
    "HISTORICAL": "is_historical",
    "FAMILY": "is_family",
}


@dataclass(frozen=True)
class ContextRule:
    """One modifier rule, as medspaCy's ConTextRule names its parts.

    medspaCy itself is imported only for its own engine: importing it takes seconds.
    """

    literal: str
    category: str
    direction: str = "BIDIRECTIONAL"
    pattern: str | list | None = None
    max_scope: int | None = None
    allowed_types: frozenset[str] | None = None
    excluded_types: frozenset[str] | None = None
    terminated_by: frozenset[str] = frozenset()

    def to_medspacy(self):
        """The same rule as a medspaCy ConTextRule."""
        from medspacy.context import ConTextRule

        kwargs = {"max_scope": self.max_scope}
        for key in ("allowed_types", "excluded_types"):
            if getattr(self, key) is not None:
                kwargs[key] = set(getattr(self, key))
        return ConTextRule(
            self.literal,
            self.category,
            pattern=self.pattern,
            direction=self.direction,
            **kwargs,
        )


def load_context_rules(path: str) -> list[ContextRule]:
    """Read and validate a ConText rule file.

    Raises:
        DocnlpError: The file or one of its rules is invalid.
    """
    data = read_json(path)
    check_keys(
        data,
        path=path,
        where="top level",
        required=["context_rules"],
        optional=["description"],
    )
    rules = []
    for i, entry in enumerate(data["context_rules"]):
        where = f"context_rules[{i}]"
        check_keys(
            entry, path=path, where=where, required=_RULE_KEYS, optional=_RULE_OPTIONAL
        )
        kwargs = {k: entry[k] for k in _PASSED_ON if k in entry}
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = frozenset(kwargs[key])
        category, direction = entry["category"], entry["direction"].upper()
        for phrase in entry["phrases"]:
            rules.append(ContextRule(phrase, category, direction=direction, **kwargs))
        for tokens in entry.get("token_patterns", ()):
            rules.append(
                ContextRule(
                    str(tokens), category, pattern=tokens, direction=direction, **kwargs
                )
            )
        for pattern in entry.get("patterns", ()):
            compile_pattern(pattern, path=path, where=where)
            # A pattern that names a finite set of phrases is matched as phrases.
            phrases = spell_out(pattern)
            if phrases is not None:
                rules.extend(
                    ContextRule(phrase, category, direction=direction, **kwargs)
                    for phrase in phrases
                )
                continue
            rules.append(
                ContextRule(
                    pattern, category, pattern=pattern, direction=direction, **kwargs
                )
            )
    return rules


@dataclass
class _Modifier:
    start: int
    end: int
    rule: ContextRule
    scope_start: int = 0
    scope_end: int = 0


class CompiledContext:
    """ConText over the contextual target group, matched with spaCy's matchers."""

    def __init__(self, nlp: Language, name: str, *, rules: str) -> None:
        self.name = name
        self.rules = load_context_rules(rules)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = _token_matcher(nlp, self.rules)
        self.regexes = []
        for i, rule in enumerate(self.rules):
            key = str(i)
            if rule.pattern is None:
                self.phrases.add(key, [nlp.make_doc(rule.literal)])
            elif isinstance(rule.pattern, list):
                continue
            else:
                self.regexes.append(
                    (
                        compile_pattern(rule.pattern, path=rules, where=rule.literal),
                        rule,
                    )
                )
        # Each matcher key is a rule's index as a string; its hash names the rule.
        self._rule_of = {
            nlp.vocab.strings[str(i)]: rule for i, rule in enumerate(self.rules)
        }
        for attribute in ATTRIBUTES.values():
            if not Span.has_extension(attribute):
                Span.set_extension(attribute, default=False)
        if not Doc.has_extension("docnlp_modifiers"):
            Doc.set_extension("docnlp_modifiers", default=None)

    def __call__(self, doc: Doc) -> Doc:
        targets = list(doc.spans[CONTEXT_GROUP]) if CONTEXT_GROUP in doc.spans else []
        modifiers = self._modifiers(doc)
        # (start char, end char, category) of every modifier, for the extractors.
        doc._.docnlp_modifiers = [
            (
                doc[m.start].idx,
                doc[m.end - 1].idx + len(doc[m.end - 1]),
                m.rule.category,
            )
            for m in modifiers
        ]
        if not targets:
            return doc
        sentence_starts = [s.start for s in sentences(doc)]
        ends = sentence_starts[1:] + [len(doc)]
        by_sentence: dict[int, list[_Modifier]] = {}
        for modifier in modifiers:
            i = bisect_right(sentence_starts, modifier.start) - 1
            modifier.scope_start, modifier.scope_end = _scope(
                modifier, sentence_starts[i], ends[i]
            )
            by_sentence.setdefault(i, []).append(modifier)
        for group in by_sentence.values():
            _limit_scopes(group)
        for target in targets:
            i = bisect_right(sentence_starts, target.start) - 1
            for modifier in by_sentence.get(i, ()):
                if _modifies(modifier, target):
                    setattr(target._, ATTRIBUTES[modifier.rule.category], True)
        return doc

    def _modifiers(self, doc: Doc) -> list[_Modifier]:
        found = [
            (start, end, self._rule_of[key])
            for matcher in (self.phrases, self.tokens)
            if len(matcher)
            for key, start, end in matcher(doc)
        ]
        text = doc_text(doc)
        for regex, rule in self.regexes:
            for match in regex.finditer(text):
                span = doc.char_span(*match.span(), alignment_mode="expand")
                if span is not None:
                    found.append((span.start, span.end, rule))
        # Overlapping modifiers: the longest wins.
        kept: list[_Modifier] = []
        taken: set[int] = set()
        for start, end, rule in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
            if taken.isdisjoint(range(start, end)):
                kept.append(_Modifier(start, end, rule))
                taken.update(range(start, end))
        return sorted(kept, key=lambda m: m.start)


def _token_matcher(nlp: Language, rules: list[ContextRule]) -> Matcher | PhraseMatcher:
    """A matcher of the rules' token patterns.

    spaCy's Matcher steps through every token in Python, so when every token
    pattern is one token compared on one attribute (`[{"TEXT": "?"}]`), the
    PhraseMatcher finds the same tokens by hash at a tenth of the cost.
    """
    patterns = {
        str(i): rule.pattern
        for i, rule in enumerate(rules)
        if isinstance(rule.pattern, list)
    }
    single = {key: _single_token(pattern) for key, pattern in patterns.items()}
    attrs = {found[0] for found in single.values() if found is not None}
    values = [found[1] for found in single.values() if found is not None]
    if (
        patterns
        and None not in single.values()
        and len(attrs) == 1
        and len(set(values)) == len(values)
        and all(len(nlp.make_doc(value)) == 1 for value in values)
    ):
        phrases = PhraseMatcher(nlp.vocab, attr=attrs.pop())
        for key, (_, value) in single.items():
            phrases.add(key, [nlp.make_doc(value)])
        return phrases
    tokens = Matcher(nlp.vocab)
    for key, pattern in patterns.items():
        tokens.add(key, [pattern])
    return tokens


def _single_token(pattern: list) -> tuple[str, str] | None:
    """(attribute, value) of a one-token pattern on ORTH or LOWER, else None."""
    if len(pattern) != 1 or not isinstance(pattern[0], dict) or len(pattern[0]) != 1:
        return None
    ((key, value),) = pattern[0].items()
    attr = {"TEXT": "ORTH", "ORTH": "ORTH", "LOWER": "LOWER"}.get(key.upper())
    if attr is None or not isinstance(value, str):
        return None
    if attr == "LOWER" and value != value.lower():
        return None  # matches nothing in the Matcher; the PhraseMatcher would differ
    return attr, value


def _scope(modifier: _Modifier, sent_start: int, sent_end: int) -> tuple[int, int]:
    direction = modifier.rule.direction.upper()
    limit = modifier.rule.max_scope
    start, end = modifier.start, modifier.end
    if direction in ("FORWARD", "BIDIRECTIONAL"):
        end = sent_end if limit is None else min(sent_end, modifier.end + limit)
    if direction in ("BACKWARD", "BIDIRECTIONAL"):
        start = sent_start if limit is None else max(sent_start, modifier.start - limit)
    return start, end


def _limit_scopes(modifiers: list[_Modifier]) -> None:
    """A TERMINATE modifier, or another of the same category, ends a scope."""
    for one in modifiers:
        direction = one.rule.direction.upper()
        if direction == "TERMINATE":
            continue
        for other in modifiers:
            if other is one:
                continue
            ends_it = (
                other.rule.direction.upper() == "TERMINATE"
                or other.rule.category.upper() == one.rule.category.upper()
                or other.rule.category.upper() in one.rule.terminated_by
            )
            if not ends_it or not (
                other.start < one.scope_end and one.scope_start < other.end
            ):
                continue
            if direction in ("FORWARD", "BIDIRECTIONAL") and other.start > one.start:
                one.scope_end = min(one.scope_end, other.start)
            if direction in ("BACKWARD", "BIDIRECTIONAL") and other.start < one.start:
                one.scope_start = max(one.scope_start, other.end)


def _modifies(modifier: _Modifier, target: Span) -> bool:
    rule = modifier.rule
    if rule.direction.upper() in ("TERMINATE", "PSEUDO"):
        return False
    if rule.category not in ATTRIBUTES:
        return False
    if modifier.start < target.end and target.start < modifier.end:
        return False
    label = target.label_.upper()
    if rule.allowed_types is not None and label not in rule.allowed_types:
        return False
    if rule.excluded_types is not None and label in rule.excluded_types:
        return False
    return modifier.scope_start < target.end and target.start < modifier.scope_end


@Language.factory(
    "docnlp_context", default_config={"rules": "context.json", "engine": "compiled"}
)
def make_context(nlp: Language, name: str, rules: str, engine: str):
    """Create ConText over the targets' contextual layers, with radiology rules.

    medspaCy's default rules are not loaded: they are written for clinical notes and
    read "stable" and "unchanged" as nothing, but "HISTORY:" as historical.

    Config:
        rules (str): Rule file, a name under docnlp/resources/ or a path.
            Default "context.json".
        engine (str): "compiled" (default) or "medspacy", the same rules run by
            medspaCy's own ConText.
    """
    if engine == "compiled":
        return CompiledContext(nlp, name, rules=rules)
    if engine != "medspacy":
        raise ValueError(
            f"docnlp_context engine must be 'compiled' or 'medspacy', not {engine!r}"
        )
    from medspacy.context import ConText

    context = ConText(
        nlp,
        name=name,
        rules=None,
        input_span_type="group",
        span_group_name=CONTEXT_GROUP,
    )
    context.add([rule.to_medspacy() for rule in load_context_rules(rules)])
    return context
