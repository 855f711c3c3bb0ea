"""Exact shortcuts for searching a text with one target rule's regular expression.

Python's `re` jumps straight to the next possible match only when a pattern starts
with a literal or a plain character class; a pattern that starts with `\\b`, a
look-behind or an optional word tries every position of the text. Two shortcuts,
both worked out once from the parsed pattern, keep the matches exactly as they were:

- words a match must contain (`needs`): when none of them occurs in the text, the
  rule cannot match and is not run at all;
- the characters a match can start with (`finder`): a pattern that starts with one
  of them and then checks the rule at that position, so that `re` jumps between
  those characters instead of trying every position;
- failing those, runs of characters every match holds a bounded distance from its
  start (`anchors`, "icd" or `\\d\\d\\.\\d` in a billing code rule): the rule is
  tried only at the few positions before each occurrence of one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

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
        anchors: `(pattern, low, high)`: every match starting at `p` has one of the
            patterns matching at `p + low` to `p + high`; None when that is not
            known.
    """

    regex: re.Pattern
    needs: tuple[tuple[str, ...], ...] = ()
    finder: re.Pattern | None = None
    words: tuple[tuple[str, bool], ...] | None = None
    anchors: tuple[tuple[re.Pattern, int, int], ...] | None = None

    def __post_init__(self) -> None:
        # Read once: testing a RegexFlag goes through Python's enum code.
        object.__setattr__(self, "_folds", bool(self.regex.flags & re.IGNORECASE))

    def can_match(self, text: str, *, lowered: bool = False) -> bool:
        """False when a word the rule needs is missing from the text.

        Args:
            text: The text to search.
            lowered: The text is lower-cased: only then can a rule that ignores
                case take its shortcuts.
        """
        if self.needs and self.folds and not (lowered and text.isascii()):
            return True  # case folding beyond ASCII ("ſ" matches "s"): no shortcut
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

    def searcher(
        self, text: str, index: WordIndex, *, lowered: bool = False
    ) -> Callable[[int], re.Match | None]:
        """A function that gives `regex.search(text, pos)` the fastest known way
        (`lowered` as for `can_match`)."""
        if self.words is not None and (not self.folds or (lowered and text.isascii())):
            return _WordSearch(self.regex, text, index.starts(self.words))
        if self.finder is not None:
            return partial(_find, self.finder, self.regex, text)
        if self.anchors is not None:
            return _WordSearch(self.regex, text, _anchored_starts(self.anchors, text))
        return partial(self.regex.search, text)


class WordIndex:
    r"""Where the words (runs of `\w`) of a text start, looked up on first use.

    Args:
        text: The text the rules search.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: list[str] | None = None
        self._present: set[str] = set()
        self._starts: dict[str, list[int]] = {}

    def starts(self, words: tuple[tuple[str, bool], ...]) -> list[int]:
        """Where words start that are one of `words` or begin with one, in order;
        `(word, True)` asks for that word, `(word, False)` for every word beginning
        with it. Starts of longer words may come too."""
        if self._words is None:
            self._present = set(_WORD.findall(self.text))
            self._words = sorted(self._present)
        found: list[int] = []
        for word, whole in words:
            if whole and word not in self._present:
                continue
            if not whole:
                i = bisect_left(self._words, word)
                if i == len(self._words) or not self._words[i].startswith(word):
                    continue
            found += self._word_starts(word)
        return sorted(set(found))

    def _word_starts(self, word: str) -> list[int]:
        """Every start of a word that begins with `word`."""
        starts = self._starts.get(word)
        if starts is None:
            found = _word_start(word).finditer(self.text)
            starts = self._starts[word] = [match.start() for match in found]
        return starts


class _WordSearch:
    """`regex.search` tried only at the starts of the words a rule starts with."""

    def __init__(self, regex: re.Pattern, text: str, starts: list[int]) -> None:
        self.regex, self.text, self.starts = regex, text, starts

    def __call__(self, pos: int) -> re.Match | None:
        for i in range(bisect_left(self.starts, pos), len(self.starts)):
            match = self.regex.match(self.text, self.starts[i])
            if match is not None:
                return match
        return None


@cache
def _word_start(word: str) -> re.Pattern:
    """A pattern of `word` where no word character comes before it.

    The word comes first, and the check after it, so that `re` jumps between its
    occurrences instead of trying the look-behind at every position.
    """
    return re.compile(rf"{re.escape(word)}(?<!\w{re.escape(word)})")


def _find(finder: re.Pattern, regex: re.Pattern, text: str, pos: int):
    hit = finder.search(text, pos)
    return None if hit is None else regex.match(text, hit.start())


def _anchored_starts(anchors, text: str) -> list[int]:
    """Every position where a match may start, given where the anchors occur."""
    starts: set[int] = set()
    for finder, low, high in anchors:
        for hit in finder.finditer(text):
            at = hit.start()
            starts.update(range(max(0, at - high), at - low + 1))
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
    words = _first_words(items) if bounded or _at_boundary(items) else None
    if words is not None and bounded and len(words) < _MIN_BOUNDED_WORDS:
        words = None  # `re` already jumps between the few letters it starts with
    if regex.flags & re.IGNORECASE:
        needs = [n for n in needs if all(w.isascii() for w in n)]
        needs = [tuple(w.lower() for w in n) for n in needs]
        if words is not None and all(w.isascii() for w, _ in words):
            words = tuple((w.lower(), whole) for w, whole in words)
        else:
            words = None
    finder = None if bounded else _finder(regex, items)
    return Scan(
        regex,
        needs=tuple(needs[:_MAX_NEEDS]),
        finder=finder,
        words=words,
        # A bounded rule starts with letters, which `re` already jumps between.
        anchors=None
        if bounded or words is not None or finder is not None
        else _anchors(regex, items),
    )


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
    if heads is None or any(
        len(word) < (1 if state == _WHOLE else _MIN_PREFIX) for word, state in heads
    ):
        return None  # a short prefix starts too many words to be worth looking up
    return tuple(sorted((word, state == _WHOLE) for word, state in heads))


def _heads(items, heads: set[tuple[str, int]]) -> set[tuple[str, int]] | None:
    """How the first word reads after the items, from each way it read before:
    still open to more letters, known to start with the string, or whole."""
    for op, arg in items:
        if all(state != _OPEN for _, state in heads):
            return heads
        if op in _ZERO_WIDTH:
            continue
        chars = _chars(op, arg)
        if chars is not None:
            heads = _extend(heads, chars)
        elif op is _c.SUBPATTERN:
            heads = _heads(arg[-1], heads)
        elif op is _c.BRANCH:
            branches = [_heads(branch, heads) for branch in arg[1]]
            heads = None if None in branches else set().union(*branches)
        elif op in _REPEATS and arg[1] >= 1:
            once = _heads(arg[2], heads)
            if once is not None and arg[1] > 1:
                once = _close(once)  # more repeats: only the first is spelled out
            heads = once if arg[0] > 0 or once is None else heads | once
        else:
            heads = _close(heads)
        if heads is None or len(heads) > _MAX_STRINGS:
            return None
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
    regex: re.Pattern, items
) -> tuple[tuple[re.Pattern, int, int], ...] | None:
    """Runs of characters every match holds near its start (see `Scan.anchors`):
    one for each alternative of a pattern that is one alternation."""
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
    for branch in branches:
        best = _best_run(_pieces(branch))
        if best is None:
            return None
        run, low, high = best
        # The first character is consumed and the rest looked ahead at, so that
        # occurrences overlapping each other are all found.
        pattern = f"{run[0]}(?={''.join(run[1:])})"
        try:
            anchors.append((re.compile(pattern, regex.flags), low, high))
        except re.error:
            return None
    return tuple(anchors)


def _best_run(pieces: list) -> tuple[list[str], int, int] | None:
    """The longest run of single characters, starting with a narrow one, at a
    bounded distance from the start: its classes, and that distance's bounds."""
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
            and (best is None or len(kept) > len(best[0]))
        ):
            best = (kept, run_low + skip, run_high + skip)
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
