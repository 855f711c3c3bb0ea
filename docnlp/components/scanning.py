"""Exact shortcuts for searching a text with one target rule's regular expression.

Python's `re` jumps straight to the next possible match only when a pattern starts
with a literal or a plain character class; a pattern that starts with `\\b`, a
look-behind or an optional word tries every position of the text. These shortcuts,
all worked out once from the parsed pattern, keep the matches exactly as they were:

- words a match must contain (`needs`): when none of them occurs in the text, the
  rule cannot match and is not run at all (`Fragments` tells which occur, for every
  rule at once, from the pieces of the text that earlier texts had too);
- the characters a match can start with (`finder`): a pattern that starts with one
  of them and then checks the rule at that position, so that `re` jumps between
  those characters instead of trying every position;
- failing those, or when they are frequent words ("the", "on"), for each
  alternative of the rule a way to find where it can start (`anchors`): the words
  it starts with, or that follow a few strings it starts with; a run of characters
  it holds a bounded distance from its start ("icd" or `\\d\\d\\.\\d` in a billing
  code rule); or strings its first word ends in (`[a-z]{3,}(?:ectomy|otomy)`), read
  back to the start of that word. The rule is tried only at those positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from functools import partial

from spacy.lang.en.stop_words import STOP_WORDS

from .words import WordIndex

try:  # the regex parser (private, stable since 3.0)
    from re import _constants as _c
    from re import _parser
except ImportError:  # Python 3.10
    import sre_constants as _c  # noqa: N812
    import sre_parse as _parser

# Most strings a set of spelled-out alternatives may hold before it is dropped.
_MAX_STRINGS = 64
# Most words one need may list: testing each costs a scan of the text.
_MAX_NEED_WORDS = 24
# Shortest word worth a need: shorter ones are in almost every text.
_MIN_NEED_LENGTH = 3
# Needs tested per rule, the most selective first.
_MAX_NEEDS = 2
# Items that match no characters.
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)
# A word, as `\b` delimits it.
_WORD = re.compile(r"\w+")
# Fewest first words for which a rule with its `\b` taken off is searched by word.
_MIN_BOUNDED_WORDS = 4
# Shortest start of a word looked up in the word index.
_MIN_PREFIX = 3
# How the first word of a match is known: open to more letters, starting with a
# string, or whole.
_OPEN, _PREFIX, _WHOLE = 0, 1, 2
# Character classes a finder may start with without trying most positions anyway.
_NARROW_CATEGORIES = {_c.CATEGORY_DIGIT: r"\d"}
# Every class an anchor may hold, as written in a pattern.
_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}
# Classes of word characters only.
_WORD_CATEGORIES = (_c.CATEGORY_WORD, _c.CATEGORY_DIGIT)
# Widest range of characters checked one by one for being word characters.
_MAX_RANGE = 1024
# Flags under which `\b` and `\w` differ from the word index's.
_OTHER_WORDS = re.ASCII | re.LOCALE
# Every character of lower-cased ASCII text.
_LOWER_ASCII = [chr(c) for c in range(128) if not chr(c).isupper()]
# A guess of the share of a report's words that are one given word, by its
# length (short ones such as "ct" are frequent), several times that for a stop
# word ("the", "no", "other"). It only steers which shortcut a rule takes, never
# what it finds.
_WORD_SHARE = (0.0, 0.03, 0.02, 0.01, 0.002, 0.001, 0.0005)
_STOP_FACTOR = 5
# Strings checked before a word for the cost of trying a rule once.
_CHECKS_PER_TRY = 4
# Fewest characters an anchor checks: one alone occurs too often to save anything.
_MIN_ANCHOR = 2
# Widths are counted up to here; a wider item leaves the offsets after it unbounded.
_UNBOUNDED = _c.MAXREPEAT
# Most positions before an anchor where a match may start: each is tried.
_MAX_WINDOW = 16


@dataclass(frozen=True)
class Scan:
    """How to search a text for one compiled rule.

    Attributes:
        regex: The rule's compiled pattern; its matches are the answer.
        needs: Sets of words; a match contains one word of every set.
        finder: A pattern that matches one character exactly where `regex` matches,
            found faster; None to search with `regex` itself.
        words: Every match starts a word of the text that is one of these
            (`(word, True)`) or starts with one (`(word, False)`); None when that
            is not known.
        anchors: Ways to find where the rule's alternatives can start: every
            match starts at a position one of them finds; None when that is not
            known.
    """

    regex: re.Pattern
    needs: tuple[frozenset[str], ...] = ()
    finder: re.Pattern | None = None
    words: tuple[tuple[str, bool], ...] | None = None
    anchors: tuple[Anchor | FirstWords | WordEnding, ...] | None = None

    def __post_init__(self) -> None:
        # Read once: testing a RegexFlag goes through Python's enum code.
        object.__setattr__(self, "_folds", bool(self.regex.flags & re.IGNORECASE))

    def can_match(
        self, text: str, *, lowered: bool = False, found: Set[str] | None = None
    ) -> bool:
        """False when a word the rule needs is missing from the text.

        Args:
            text: The text to search.
            lowered: The text is lower-cased: only then can a rule that ignores
                case take its shortcuts.
            found: Those of the rule's words that occur in the text, when known
                (from `Fragments.found_in`); None to look for them in the text.
        """
        if self.needs and self.folds and not (lowered and text.isascii()):
            return True  # case folding beyond ASCII ("ſ" matches "s"): no shortcut
        if found is not None:
            return not any(map(found.isdisjoint, self.needs))
        for need in self.needs:
            for word in need:
                if word in text:
                    break
            else:
                return False
        return True

    @property
    def folds(self) -> bool:
        """Whether the rule ignores case."""
        return self._folds

    @property
    def first_words(self) -> set[tuple[str, bool]]:
        """Every word the shortcuts look up as in `words` (for `Fragments`)."""
        found = set(self.words or ())
        for anchor in self.anchors or ():
            if isinstance(anchor, FirstWords):
                found.update(anchor.words)
        return found

    @property
    def strings(self) -> set[str]:
        """Every string the shortcuts look for in a text (for `Fragments`)."""
        found = {word for need in self.needs for word in need}
        for anchor in self.anchors or ():
            if isinstance(anchor, WordEnding):
                found.update(anchor.strings)
        return found

    def matches(
        self,
        text: str,
        index: WordIndex,
        *,
        keep: Callable[[re.Match], bool] | None = None,
    ) -> list[re.Match]:
        """What `regex.search` finds from the start of the text, each search from
        where the previous match ended (or one character on, after an empty one),
        found the fastest known way.

        Args:
            text: The text to search.
            index: The text's index (made with `lowered` as for `can_match`).
            keep: Says whether to keep a match; one it refuses is passed over, and
                the search goes on from the character after the match's start.
        """
        found: list[re.Match] = []
        starts = self._starts(index)
        if starts is None:
            search = self._searcher(text)
            pos = 0
            while (match := search(pos)) is not None:
                begin, end = match.span()
                if keep is None or keep(match):
                    found.append(match)
                    pos = end if end > begin else begin + 1
                else:
                    pos = begin + 1
            return found
        # Every match starts at one of the starts: `re` tries only those.
        match_at, pos = self.regex.match, 0
        for at in starts:
            if at < pos:
                continue
            match = match_at(text, at)
            if match is not None and (keep is None or keep(match)):
                found.append(match)
                end = match.end()
                pos = end if end > at else at + 1
        return found

    def _starts(self, index: WordIndex) -> list[int] | None:
        """Every position where a match may start, in order; None when unknown."""
        if self.words is not None and (not self.folds or index.plain):
            return index.starts(self.words)
        if self.anchors is not None:
            return _anchored_starts(self.anchors, index)
        return None

    def _searcher(self, text: str) -> Callable[[int], re.Match | None]:
        """A function that gives `regex.search(text, pos)` the fastest known way."""
        if self.finder is not None:
            return partial(_find, self.finder, self.regex, text)
        return partial(self.regex.search, text)


@dataclass(frozen=True)
class Anchor:
    """A character every match holds `low` to `high` characters after its start,
    with the characters around it.

    Attributes:
        pattern: Finds the character, with the others looked around at.
        low: Fewest characters from a match's start to it.
        high: Most characters from a match's start to it.
        plain: `pattern` without case folding, for a lower-cased ASCII text,
            which it then searches faster; None when it would find other things.
    """

    pattern: re.Pattern
    low: int
    high: int
    plain: re.Pattern | None = None

    def starts(self, index: WordIndex) -> Iterable[int]:
        """Every position where a match may start."""
        pattern = self.pattern
        if self.plain is not None and index.plain:
            pattern = self.plain
        for hit in pattern.finditer(index.text):
            at = hit.start()
            yield from range(max(0, at - self.high), at - self.low + 1)


@dataclass(frozen=True)
class FirstWords:
    """Words every match starts, or starts after one of a few strings, for a rule
    that keeps case.

    Attributes:
        words: As `Scan.words`.
        before: The strings before such a word a match may start with.
    """

    words: tuple[tuple[str, bool], ...]
    before: tuple[str, ...] = ("",)

    def starts(self, index: WordIndex) -> Iterable[int]:
        """Every position where a match may start."""
        starts = index.starts(self.words)
        if self.before == ("",):
            return starts
        text = index.text
        return [
            at - len(string)
            for at in starts
            for string in self.before
            if at >= len(string) and text.startswith(string, at - len(string))
        ]


@dataclass(frozen=True)
class WordEnding:
    """Strings that follow a run of word characters starting every match.

    A match of `\\b[a-z]{3,}(?:ectomy|otomy)` starts where the word holding
    "ectomy" or "otomy" starts: the strings are found, and read back from.

    Attributes:
        strings: Strings of word characters; a match holds one of them.
    """

    strings: tuple[str, ...]

    def starts(self, index: WordIndex) -> Iterable[int]:
        """Every position where a match may start."""
        text = index.text
        for string in self.strings:
            if not index.occurs(string):
                continue
            at = text.find(string)
            while at >= 0:
                start = at
                while start and _is_word(text[start - 1]):
                    start -= 1
                yield start
                at = text.find(string, at + 1)


def _find(finder: re.Pattern, regex: re.Pattern, text: str, pos: int):
    hit = finder.search(text, pos)
    return None if hit is None else regex.match(text, hit.start())


def _anchored_starts(anchors, index: WordIndex) -> list[int]:
    """Every position where a match may start, given the rule's anchors."""
    starts: set[int] = set()
    for anchor in anchors:
        starts.update(anchor.starts(index))
    return sorted(starts)


def plan(regex: re.Pattern, *, bounded: bool = False) -> Scan:
    """Work out the shortcuts for a compiled rule.

    Args:
        regex: The rule.
        bounded: The caller keeps only matches that do not start inside a word
            (a rule whose leading `\b` was taken off).
    """
    items = _parser.parse(regex.pattern, regex.flags)
    needs = _needs(items)
    # Words and their starts are what `\w` means in a str pattern without flags.
    by_word = not regex.flags & _OTHER_WORDS
    words = None
    if by_word and (bounded or _at_boundary(items)):
        words = _first_words(items)
    if words is not None and bounded and len(words) < _MIN_BOUNDED_WORDS:
        words = None  # `re` already jumps between the few letters it starts with
    if regex.flags & re.IGNORECASE:
        needs = [n for n in needs if all(w.isascii() for w in n)]
        needs = [frozenset(w.lower() for w in n) for n in needs]
        if words is not None and all(w.isascii() for w, _ in words):
            words = tuple((w.lower(), whole) for w, whole in words)
        else:
            words = None
    finder = None if bounded else _finder(regex, items)
    anchors = None
    if by_word and (words is not None or not (bounded or finder is not None)):
        anchors = _anchors(regex, items, bounded or _at_boundary(items))
    if words is not None and not _rarer(anchors, words):
        anchors = None
    elif words is not None and anchors is not None:
        words = None  # the anchors find fewer places to try
    return Scan(
        regex,
        needs=tuple(_shortest(need) for need in needs[:_MAX_NEEDS]),
        finder=finder,
        words=words,
        anchors=anchors,
    )


def _rarer(anchors, words: tuple[tuple[str, bool], ...]) -> bool:
    """True when a rule's anchors, all words, are guessed to give fewer places to
    try than its first words."""
    return (
        anchors is not None
        and all(isinstance(anchor, FirstWords) for anchor in anchors)
        and sum(map(_tries, anchors)) < _tries(FirstWords(words))
    )


def _tries(anchor: FirstWords) -> float:
    """A guess of what a rule's words cost to try, per word of a text."""
    share = sum(_share(word) * (1 if whole else 2) for word, whole in anchor.words)
    return share * (1 + (len(anchor.before) - 1) / _CHECKS_PER_TRY)


def _share(word: str) -> float:
    share = _WORD_SHARE[min(len(word), len(_WORD_SHARE) - 1)]
    return share * _STOP_FACTOR if word in STOP_WORDS else share


def _at_boundary(items) -> bool:
    """True when every match starts where `\b` holds."""
    for op, arg in items:
        if op is _c.AT and arg is _c.AT_BOUNDARY:
            return True
        if op in _ZERO_WIDTH:
            continue
        if op is _c.SUBPATTERN:
            return _at_boundary(arg[-1])
        if op is _c.BRANCH:
            return all(_at_boundary(branch) for branch in arg[1])
        return False
    return False


def _first_words(items) -> tuple[tuple[str, bool], ...] | None:
    """The words a match that starts a word can start with (see `Scan.words`)."""
    try:
        heads = _heads(items, {("", _OPEN)})
    except _NotAWord:
        return None
    if any(
        len(word) < (1 if state == _WHOLE else _MIN_PREFIX) for word, state in heads
    ):
        return None  # a short prefix starts too many words to be worth looking up
    # A word that starts others already asks for its own starts.
    opened = {word for word, state in heads if state != _WHOLE}
    return tuple(
        sorted(
            (word, state == _WHOLE)
            for word, state in heads
            if state != _WHOLE or word not in opened
        )
    )


def _heads(items, heads: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """How the first word reads after the items, from each way it read before:
    still open to more letters, known to start with the string, or whole."""
    for op, arg in items:
        if all(state != _OPEN for _, state in heads):
            return heads
        if op in _ZERO_WIDTH:
            continue
        before = heads
        chars = _chars(op, arg)
        if chars is not None:
            heads = _extend(heads, chars)
        elif op is _c.SUBPATTERN:
            heads = _heads(arg[-1], heads)
        elif op is _c.BRANCH:
            heads = set().union(*(_heads(branch, heads) for branch in arg[1]))
        elif op in _REPEATS and arg[1] >= 1:
            once = _heads(arg[2], heads)
            if arg[1] > 1:
                once = _close(once)  # more repeats: only the first is spelled out
            heads = once if arg[0] > 0 else heads | once
        else:
            heads = _close(heads)
        if len(heads) > _MAX_STRINGS:
            return _close(before)  # too many spellings: the words start with these
    return heads


def _chars(op, arg) -> set[str] | None:
    if op is _c.LITERAL:
        return {chr(arg)}
    if op is _c.IN and all(kind is _c.LITERAL for kind, _ in arg):
        return {chr(value) for _, value in arg}
    return None


def _extend(heads: set[tuple[str, int]], chars: set[str]) -> set[tuple[str, int]]:
    opened = [word for word, state in heads if state == _OPEN]
    if len(opened) * len(chars) > _MAX_STRINGS:
        return _close(heads)
    extended = {(word, state) for word, state in heads if state != _OPEN}
    for word in opened:
        for char in chars:
            if _is_word(char):
                extended.add((word + char, _OPEN))
            elif not word:
                raise _NotAWord  # the match can start with a space or a sign
            else:
                extended.add((word, _WHOLE))
    return extended


def _close(heads: set[tuple[str, int]]) -> set[tuple[str, int]]:
    return {(word, _PREFIX if state == _OPEN else state) for word, state in heads}


def _is_word(char: str) -> bool:
    # What `\w` and `\b` call a word character in a str pattern.
    return char.isalnum() or char == "_"


class _NotAWord(Exception):
    """A match can start with a character that does not start a word."""


def _finder(regex: re.Pattern, items) -> re.Pattern | None:
    """A pattern that consumes the first character of each match of `regex`.

    It is `[F](?<=(?=RULE)[F])`: a class of the characters a match can start with,
    which `re` searches for without trying other positions, then a look-behind that
    steps back over that character and checks the whole rule from there.
    """
    first = _first_class(items)
    if first is None or first[1] or not first[0]:
        return None
    members = list(dict.fromkeys(first[0]))
    if any(m is None for m in members):
        return None
    chars = "[" + "".join(members) + "]"
    try:
        return re.compile(f"{chars}(?<=(?=(?:{regex.pattern})){chars})", regex.flags)
    except re.error:  # e.g. inline global flags, which must lead the pattern
        return None


def first_chars(pattern: str) -> list[str] | None:
    """The characters one of which starts every match of a pattern (before case
    folding), or None when that is not a list of characters."""
    found = _first_class(_parser.parse(pattern))
    if found is None or found[1]:
        return None
    chars = []
    for member in found[0]:
        # `re.escape` escapes no letter or digit: an escaped one is a class (`\d`).
        if member is None or member[0] == "\\" and member[1:].isalnum():
            return None
        chars.append(member[-1])
    return chars


def _first_class(items) -> tuple[list[str | None], bool] | None:
    """The class members one of which starts every match, and whether the items
    can match the empty string; None when some start is not a narrow class."""
    members: list[str | None] = []
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        one = _class_members(op, arg)
        if one is not None:
            return members + one, False
        if op is _c.SUBPATTERN:
            inner = [arg[-1]]
        elif op is _c.BRANCH:
            inner = arg[1]
        elif op in _REPEATS:
            inner = [arg[2]]
        else:
            return None
        nullable = False
        for sub in inner:
            found = _first_class(sub)
            if found is None:
                return None
            members += found[0]
            nullable |= found[1]
        if op in _REPEATS and arg[0] == 0:
            nullable = True
        if not nullable:
            return members, False
    return members, True


def _class_members(op, arg) -> list[str | None] | None:
    """A literal or a class as members of a character class; None for anything
    else. A member that would let the class match most characters is None."""
    if op is _c.LITERAL:
        return [re.escape(chr(arg))]
    if op is not _c.IN:
        return None
    members: list[str | None] = []
    for kind, value in arg:
        if kind is _c.LITERAL:
            members.append(re.escape(chr(value)))
        elif kind is _c.CATEGORY:
            members.append(_NARROW_CATEGORIES.get(value))
        else:  # a range, or a negated class
            members.append(None)
    return members


def _needs(items) -> list[tuple[str, ...]]:
    """Sets of words, one word of each occurring in every match, most selective
    first."""
    found = _sequence(items)[1]
    usable = {
        n
        for n in found
        if min(map(len, n)) >= _MIN_NEED_LENGTH and len(n) <= _MAX_NEED_WORDS
    }
    return sorted(usable, key=_selectivity, reverse=True)


def _shortest(need: frozenset[str]) -> frozenset[str]:
    """A need without the words holding another of its words, which occur only
    where that one does."""
    return frozenset(w for w in need if not any(o != w and o in w for o in need))


def _selectivity(need: frozenset[str]) -> tuple[int, int]:
    # Longer words occur less often by chance; fewer words cost fewer scans.
    return min(min(map(len, need)), 8), -len(need)


def _sequence(items) -> tuple[set[str] | None, list[frozenset[str]]]:
    """Everything a sequence of items can match when that is a few strings (else
    None), and the word sets one of which each of its matches contains."""
    exact: set[str] | None = {""}
    run: set[str] = {""}
    needs: list[frozenset[str]] = []
    for op, arg in items:
        strings, inner = _item(op, arg)
        needs += inner
        exact = _product(exact, strings)
        joined = _product(run, strings)
        if joined is None:
            _add(needs, run)
            run = {""} if strings is None else strings
        else:
            run = joined
    _add(needs, run)
    if exact is not None:
        _add(needs, exact)
    return exact, needs


def _item(op, arg) -> tuple[set[str] | None, list[frozenset[str]]]:
    """What one parsed item can match (or None), and its needs."""
    if op is _c.LITERAL:
        return {chr(arg)}, []
    if op is _c.IN:
        if len(arg) <= _MAX_STRINGS and all(k is _c.LITERAL for k, _ in arg):
            return {chr(v) for _, v in arg}, []
        return None, []
    if op in _ZERO_WIDTH:
        return {""}, []
    if op is _c.SUBPATTERN:
        return _sequence(arg[-1])
    if op is _c.BRANCH:
        return _branch(arg[1])
    if op in _REPEATS:
        low, high, sub = arg
        strings, needs = _sequence(sub)
        if low == 0:
            optional = {""} | strings if high == 1 and strings is not None else None
            return optional, []
        return (strings if (low, high) == (1, 1) else None), needs
    return None, []


def _branch(branches) -> tuple[set[str] | None, list[frozenset[str]]]:
    """Alternatives: the union of what each matches, and of each one's best need."""
    exact: set[str] | None = set()
    union: set[str] | None = set()
    for branch in branches:
        strings, needs = _sequence(branch)
        exact = None if exact is None or strings is None else exact | strings
        best = _needs_best(needs)
        union = None if union is None or best is None else union | best
    if exact is not None and len(exact) > _MAX_STRINGS:
        exact = None
    return exact, [] if union is None else [frozenset(union)]


def _needs_best(needs: list[frozenset[str]]) -> frozenset[str] | None:
    usable = [n for n in needs if "" not in n]
    return max(usable, key=_selectivity) if usable else None


def _product(left: set[str] | None, right: set[str] | None) -> set[str] | None:
    if left is None or right is None or len(left) * len(right) > _MAX_STRINGS:
        return None
    return {a + b for a in left for b in right}


def _add(needs: list[frozenset[str]], strings: set[str] | None) -> None:
    if strings and "" not in strings:
        needs.append(frozenset(strings))


def _anchors(
    regex: re.Pattern, items, boundary: bool
) -> tuple[Anchor | FirstWords | WordEnding, ...] | None:
    """How to find where each alternative of a pattern that is one alternation can
    start (see `Scan.anchors`); None when that is not known for one of them.
    `boundary`: every match starts where `\\b` holds."""
    # Checks of no width move no anchor; left out, a `\b` that `re` took out of
    # every alternative no longer hides the alternation.
    items = [item for item in items if item[0] not in _ZERO_WIDTH]
    while (
        len(items) == 1 and items[0][0] is _c.SUBPATTERN and not any(items[0][1][1:3])
    ):
        items = [item for item in items[0][1][-1] if item[0] not in _ZERO_WIDTH]
    branches = [items]
    if len(items) == 1 and items[0][0] is _c.BRANCH:
        branches = items[0][1][1]
    anchors = []
    grouped: dict[tuple[str, ...], set[tuple[str, bool]]] = {}
    for branch in branches:
        anchor = _anchor(regex, branch, boundary or _at_boundary(branch))
        if anchor is None:
            return None
        if isinstance(anchor, FirstWords):
            # Words after the same strings are looked up together.
            grouped.setdefault(anchor.before, set()).update(anchor.words)
        else:
            anchors.append(anchor)
    for before, words in grouped.items():
        anchors.append(FirstWords(tuple(sorted(words)), before))
    return tuple(anchors)


def _anchor(
    regex: re.Pattern, items, boundary: bool
) -> Anchor | FirstWords | WordEnding | None:
    """How to find where one alternative can start, the cheapest known way."""
    # Words need the lower-cased text, which a rule that folds case may not get.
    if boundary and not regex.flags & re.IGNORECASE:
        words = _words_after(items)
        if words is not None:
            return words
    best = _best_run(_pieces(items))
    if best is not None:
        run, narrow, low, high = best
        # A fixed character is found fastest: `re` jumps between its occurrences.
        at = next((i for i in range(narrow, len(run)) if run[i][0] != "["), narrow)
        # That character is consumed and the others looked around at, so that
        # occurrences overlapping each other are all found.
        pattern = run[at]
        if at:
            pattern += f"(?<={''.join(run[: at + 1])})"
        if at + 1 < len(run):
            pattern += f"(?={''.join(run[at + 1 :])})"
        try:
            compiled = re.compile(pattern, regex.flags)
        except re.error:
            return None
        plain = None
        if regex.flags & re.IGNORECASE and _caseless(run, regex.flags):
            plain = re.compile(pattern, regex.flags & ~re.IGNORECASE)
        return Anchor(compiled, low + at, high + at, plain)
    # Found as they are written: the text's case must not matter.
    endings = None
    if boundary and not regex.flags & re.IGNORECASE:
        endings = _word_endings(items)
    return None if endings is None else WordEnding(endings)


def _words_after(items) -> FirstWords | None:
    """The first words of an alternative, or of what follows a few strings it
    starts with (`(?:the |a )?(?:prior|previous)`): whichever gives the fewest
    places to try, as `_tries` guesses."""
    best = None
    before: set[str] | None = {""}
    for at in range(len(items)):
        # What follows starts a word only after a string ending in another
        # character, or at the start.
        if all(not string or not _is_word(string[-1]) for string in before):
            words = _first_words(items[at:])
            if words is not None and (
                best is None or _tries(FirstWords(words)) < _tries(best)
            ):
                best = FirstWords(words, tuple(sorted(before)))
        before = _product(before, _item(*items[at])[0])
        if before is None:
            break
    return best


def _caseless(run: list[str], flags: int) -> bool:
    """True when each class of a run matches the same characters of lower-cased
    ASCII text with case ignored as without."""
    folded = [re.compile(chars, flags) for chars in run]
    kept = [re.compile(chars, flags & ~re.IGNORECASE) for chars in run]
    return all(
        bool(a.fullmatch(char)) == bool(b.fullmatch(char))
        for a, b in zip(folded, kept, strict=True)
        for char in _LOWER_ASCII
    )


def _word_endings(items) -> tuple[str, ...] | None:
    """Strings every match holds right after a first run of word characters, cut
    to their own first run of word characters; None when the alternative does not
    start with such a run followed by a few strings."""
    items = [item for item in items if item[0] not in _ZERO_WIDTH]
    if len(items) < 2 or items[0][0] not in _REPEATS:
        return None
    repeated = items[0][1][2]
    if len(repeated) != 1 or not _word_class(*repeated[0]):
        return None
    strings: set[str] = {""}
    for op, arg in items[1:]:
        longer = _product(strings, _item(op, arg)[0])
        if longer is None:
            break
        strings = longer
    # Cut to word characters, all of which the text holds in the same word.
    runs = {_WORD.match(string) for string in strings}
    if None in runs:
        return None  # a string that may be empty, or starts with another character
    return tuple(sorted(_shortest(frozenset(run.group() for run in runs))))


def _word_class(op, arg) -> bool:
    """True when a one-character item matches word characters only."""
    if op is _c.LITERAL:
        return _is_word(chr(arg))
    if op is not _c.IN:
        return False
    for kind, value in arg:
        if kind is _c.LITERAL and _is_word(chr(value)):
            continue
        if kind is _c.CATEGORY and value in _WORD_CATEGORIES:
            continue
        if (
            kind is _c.RANGE
            and value[1] - value[0] < _MAX_RANGE
            and all(_is_word(chr(c)) for c in range(value[0], value[1] + 1))
        ):
            continue
        return False
    return True


def _best_run(pieces: list) -> tuple[list[str], int, int, int] | None:
    """The run of single characters with the longest tail from a narrow one on,
    at a bounded distance from the start: its classes, where that tail starts in
    it, and the bounds of the run's distance from the start."""
    best = None
    low = high = 0
    run: list[tuple[str, bool]] = []
    for piece in [*pieces, (0, _UNBOUNDED)]:
        if isinstance(piece[0], str):
            if not run:
                run_low, run_high = low, high
            run.append(piece)
            low, high = low + 1, high + 1
            continue
        # A gap ends the run: keep it from its first narrow character on.
        skip = next((i for i, (_, narrow) in enumerate(run) if narrow), len(run))
        kept = [chars for chars, _ in run[skip:]]
        if (
            len(kept) >= _MIN_ANCHOR
            and run_high - run_low <= _MAX_WINDOW
            and (best is None or len(kept) > len(best[0]) - best[1])
        ):
            best = ([chars for chars, _ in run], skip, run_low, run_high)
        run = []
        low, high = low + piece[0], min(high + piece[1], _UNBOUNDED)
        if high >= _UNBOUNDED:
            break
    return best


def _pieces(items) -> list:
    """A parsed sequence as single characters (`(class, narrow)`) and gaps
    (`(fewest, most)` characters of anything), zero-width checks left out."""
    pieces: list = []
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        char = _char_class(op, arg)
        if char is not None:
            pieces.append(char)
        elif op is _c.SUBPATTERN and not any(arg[1:3]):
            pieces += _pieces(arg[-1])
        elif op is _c.BRANCH:
            widths = [_width(_pieces(branch)) for branch in arg[1]]
            pieces.append((min(w[0] for w in widths), max(w[1] for w in widths)))
        elif op in _REPEATS:
            pieces += _repeat(*arg)
        elif op in (_c.ANY, _c.NOT_LITERAL):
            pieces.append((1, 1))
        else:
            pieces.append((0, _UNBOUNDED))
    return pieces


def _repeat(fewest: int, most: int, sub) -> list:
    once = _pieces(sub)
    low, high = _width(once)
    if fewest == 0:
        return [(0, min(most * high, _UNBOUNDED))]
    if low == high and all(isinstance(p[0], str) for p in once):
        copies = min(fewest, _MAX_STRINGS // max(low, 1))
        rest = (fewest - copies) * low, min((most - copies) * high, _UNBOUNDED)
        return once * copies + ([rest] if rest != (0, 0) else [])
    rest = (fewest - 1) * low, min((most - 1) * high, _UNBOUNDED)
    return once + ([rest] if rest != (0, 0) else [])


def _width(pieces: list) -> tuple[int, int]:
    low = high = 0
    for piece in pieces:
        if isinstance(piece[0], str):
            low, high = low + 1, high + 1
        else:
            low, high = low + piece[0], high + piece[1]
    return low, min(high, _UNBOUNDED)


def _char_class(op, arg) -> tuple[str, bool] | None:
    """One character's item as a class, and whether it is narrow: a few printed
    characters or digits, rare enough for `re` to jump between."""
    if op is _c.LITERAL:
        char = chr(arg)
        return re.escape(char), not char.isspace()
    if op is not _c.IN:
        return None
    members, narrow = [], True
    for kind, value in arg:
        if kind is _c.NEGATE:
            members.append("^")
            narrow = False
        elif kind is _c.LITERAL:
            members.append(re.escape(chr(value)))
            narrow = narrow and not chr(value).isspace()
        elif kind is _c.RANGE:
            members.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            narrow = narrow and chr(value[0]) >= "0" and chr(value[1]) <= "9"
        elif kind is _c.CATEGORY and value in _CATEGORIES:
            members.append(_CATEGORIES[value])
            narrow = narrow and value is _c.CATEGORY_DIGIT
        else:
            return None
    return "[" + "".join(members) + "]", narrow


# The shortcuts of each pattern searched through `search` and `finditer`, by the
# pattern's id (hashing a pattern reads its whole compiled code); each plan holds
# its pattern, so ids stay unique.
_PLANS: dict[int, Scan] = {}


def planned(regex: re.Pattern) -> Scan:
    """`plan(regex)`, worked out once per process."""
    scan = _PLANS.get(id(regex))
    if scan is None:
        scan = _PLANS[id(regex)] = plan(regex)
    return scan


def search(regex: re.Pattern, text: str, pos: int = 0) -> re.Match | None:
    """`regex.search(text, pos)`, jumping to where a match can start."""
    scan = planned(regex)
    if scan.finder is None:
        return regex.search(text, pos)
    hit = scan.finder.search(text, pos)
    return None if hit is None else regex.match(text, hit.start())


def finditer(regex: re.Pattern, text: str) -> list[re.Match]:
    """The matches of `regex.finditer(text)`, found as `search` finds them."""
    if planned(regex).finder is None:
        return list(regex.finditer(text))
    # A pattern with a finder matches no empty string, so each match is the
    # first one from where the last ended, as in `finditer`.
    found: list[re.Match] = []
    while (match := search(regex, text, found[-1].end() if found else 0)) is not None:
        found.append(match)
    return found
