"""What words and strings a report holds, looked up once for every rule.

Target rules and extraction patterns ask the same questions of a report, each for
its own words: does the text hold this word, where do words starting with it
begin. `Fragments` answers them for a fixed set of strings at once, from the
report's pieces (runs without white space), remembering what each piece holds
across reports; `WordIndex` is one text's view of it. `components/scanning.py`
works out from each rule's pattern what to ask.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache

_WORD = re.compile(r"\w+")
# Shortest piece worth looking up: shorter ones are inside almost every piece.
MIN_PIECE_LENGTH = 3
# Most pieces of text whose contents `Fragments` remembers; past it, it starts again.
_MAX_REMEMBERED = 50_000


class WordIndex:
    r"""Where a text's words (runs of `\w`) start, and what of a `Fragments` the
    text holds, each worked out on first use.

    Args:
        text: The text the rules search.
        lowered: The text is lower-cased.
        fragments: Strings and words the rules look for.
    """

    def __init__(
        self, text: str, *, lowered: bool = False, fragments: Fragments | None = None
    ) -> None:
        self.text = text
        # Case folding finds nothing more in a lower-cased ASCII text.
        self.plain = lowered and text.isascii()
        self._fragments = fragments
        self._found: set | None = None
        self._words: list[str] | None = None
        self._starts: dict[str, list[int]] = {}

    @property
    def found(self) -> set:
        """What of the index's `Fragments` the text holds (see `Fragments.found_in`)."""
        if self._found is None:
            self._found = set()
            if self._fragments is not None:
                self._found = self._fragments.found_in(self.text)
        return self._found

    def occurs(self, string: str) -> bool:
        """Whether the text holds a string."""
        if self._fragments is not None and string in self._fragments:
            return string in self.found
        return string in self.text

    def starts(self, words: tuple[tuple[str, bool], ...]) -> list[int]:
        """Where words start that are one of `words` or begin with one, in order;
        `(word, True)` asks for that word, `(word, False)` for every word beginning
        with it. Starts of longer words may come too."""
        fragments = self._fragments
        if fragments is not None and fragments.knows(words):
            present = self.found.intersection(words)  # one test for every word
        else:
            present = [word for word in words if self._has(word)]
        found: list[int] = []
        for word, _ in present:
            found += self._word_starts(word)
        return sorted(set(found))

    def _has(self, word: tuple[str, bool]) -> bool:
        """Whether a word of the text is `word[0]` (or starts with it)."""
        if self._fragments is not None and word in self._fragments:
            return word in self.found
        if self._words is None:
            self._words = sorted(set(_WORD.findall(self.text)))
        i = bisect_left(self._words, word[0])
        if i == len(self._words):
            return False
        found = self._words[i]
        return found == word[0] if word[1] else found.startswith(word[0])

    def _word_starts(self, word: str) -> list[int]:
        """Every start of a word that begins with `word`."""
        starts = self._starts.get(word)
        if starts is None:
            found = word_start(word).finditer(self.text)
            starts = self._starts[word] = [match.start() for match in found]
        return starts


class Fragments:
    r"""Which of a fixed set of strings and words occur in a text, read off its
    pieces (its runs of characters other than white space, `str.split`).

    A string without white space occurs in a text exactly when it occurs inside
    one of the text's pieces, and each of the text's words (runs of `\w`) lies
    inside one. A report's pieces are mostly pieces earlier reports had, so what
    each piece holds is remembered: a report then costs a look-up per distinct
    piece instead of a scan of its text per string. A string with white space is
    looked for in the text, and only when its longest piece is known to occur.

    Args:
        strings: Strings to look for anywhere, such as every rule's
            `Scan.strings`.
        words: Words to look for as in `Scan.words`: `(word, True)` occurs when a
            word of the text is `word`, `(word, False)` when one starts with it.
    """

    def __init__(
        self, strings: Iterable[str], words: Iterable[tuple[str, bool]] = ()
    ) -> None:
        self._known: set = set(strings)
        inside: set[str] = set()
        # The other strings, by the piece that must occur for them to; a short
        # piece is inside too many to be worth it: those strings are under "".
        self._others: dict[str, list[str]] = {}
        for string in self._known:
            piece = max(string.split(), key=len, default="")
            if piece == string:
                inside.add(piece)
                continue
            if len(piece) < MIN_PIECE_LENGTH:
                piece = ""
            inside.add(piece)
            self._others.setdefault(piece, []).append(string)
        inside.discard("")
        self._inside = sorted(inside)
        words = set(words)
        self._known |= words
        self._whole = {word for word, whole in words if whole}
        self._openings = {word for word, whole in words if not whole}
        self._opening_lengths = sorted({len(word) for word in self._openings})
        self._seen: set[str] = set()
        self._holding: dict[str, frozenset] = {}  # piece -> what it holds

    def __contains__(self, item: object) -> bool:
        return item in self._known

    def knows(self, items: Iterable) -> bool:
        """Whether `found_in` tells about every one of some strings or words."""
        return self._known.issuperset(items)

    def found_in(self, text: str) -> set:
        """The strings, and the words as `(word, whole)`, that occur in a text."""
        pieces = set(text.split())
        if len(self._seen) + len(pieces) > _MAX_REMEMBERED:
            # Bounded memory on an endless supply of new pieces.
            self._seen.clear()
            self._holding.clear()
        new = pieces - self._seen
        if new:
            self._remember(new)
        found = {""}  # what a string without a long piece needs
        for piece in pieces & self._holding.keys():
            found |= self._holding[piece]
        for piece in found & self._others.keys():
            found.update(s for s in self._others[piece] if s in text)
        return found & self._known

    def _remember(self, pieces: set[str]) -> None:
        """Remember what pieces not seen before hold."""
        self._seen |= pieces
        joined = " ".join(pieces)
        inside = [s for s in self._inside if s in joined]  # one scan per string
        for piece in pieces:
            held = {s for s in inside if s in piece}
            for word in (
                _WORD.findall(piece) if self._opening_lengths or self._whole else ()
            ):
                if word in self._whole:
                    held.add((word, True))
                for length in self._opening_lengths:
                    if word[:length] in self._openings:
                        held.add((word[:length], False))
            if held:
                self._holding[piece] = frozenset(held)


@cache
def word_start(word: str) -> re.Pattern:
    """A pattern of `word` where no word character comes before it.

    The word comes first, and the check after it, so that `re` jumps between its
    occurrences instead of trying the look-behind at every position.
    """
    return re.compile(rf"{re.escape(word)}(?<!\w{re.escape(word)})")
