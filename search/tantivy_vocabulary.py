"""The index's Latin words, so that a prefix or a word with typos becomes a plain set of terms.

tantivy answers a fuzzy term query by building a Levenshtein automaton for the word and walking
the whole term dictionary with it: about 2 ms at 100,000 listings, paid again by every pass of a
search (count, order, scores, facets). A city's Latin vocabulary is small (hundreds to a few
thousand words), so the words within one or two edits (rapidfuzz's optimal string alignment
distance, the reference's `damerau_levenshtein`) and the words a prefix starts are found here in
microseconds, once per query word, and searched as exact terms.

The list is read again whenever the index has a new commit. Every commit rewrites the index's
`meta.json`; its bytes are compared on each search (a small file read), the reader is reloaded
and the words read afresh when they differ. A commit landing between that check and the search's
own searcher is seen by the next search, as with any reader's reload.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from pathlib import Path

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

WORD_CACHE = 4096  # query words kept expanded per vocabulary; forgotten all at once beyond this


@dataclass
class Words:
    """One commit's Latin words, sorted."""

    sorted_words: list[str]
    _within: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def prefixed(self, prefix: str) -> tuple[str, ...]:
        """The words that start with `prefix` (itself included when it is one)."""
        words = self.sorted_words
        start = bisect.bisect_left(words, prefix)
        end = start
        while end < len(words) and words[end].startswith(prefix):
            end += 1
        return tuple(words[start:end])

    def within(self, word: str, edits: int) -> tuple[str, ...]:
        """The words at most `edits` edits (insert, delete, substitute, swap neighbours) away."""
        key = (word, edits)
        with self._lock:
            found = self._within.get(key)
        if found is None:
            matches = process.extract(
                word, self.sorted_words, scorer=OSA.distance, score_cutoff=edits, limit=None
            )
            found = tuple(sorted(choice for choice, _, _ in matches))
            with self._lock:
                if len(self._within) >= WORD_CACHE:
                    self._within.clear()
                self._within[key] = found
        return found


def latin_words(searcher: tantivy.Searcher) -> list[str]:
    # CJK tokens can never be within two edits of a word of five letters or more, nor start
    # with a Latin prefix: only the ASCII ones are kept
    return sorted(term for term, _ in searcher.terms_with_prefix("tokens", "") if term.isascii())


class Vocabulary:
    def __init__(self, path: Path) -> None:
        self.meta = path / "meta.json"
        self._state: tuple[bytes, Words] | None = None
        self._lock = threading.Lock()

    def _stamp(self) -> bytes:
        try:
            return self.meta.read_bytes()
        except OSError:
            return b""

    def current(self, index: tantivy.Index) -> Words:
        stamp = self._stamp()
        state = self._state
        if state is not None and state[0] == stamp:
            return state[1]
        with self._lock:
            state = self._state
            if state is None or state[0] != stamp:
                index.reload()  # the reader may lag the commit behind `stamp`
                state = (stamp, Words(latin_words(index.searcher())))
                self._state = state
        return state[1]

    def forget(self) -> None:
        """After this process's own commit: the next search reads the words again."""
        with self._lock:
            self._state = None
