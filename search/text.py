"""How text becomes searchable tokens: one definition shared by every engine and the reference.

Indexing: Chinese (and other CJK) runs become their single characters and overlapping character
bigrams; Latin/digit runs become lower-cased words. So 面馆 is found inside 老字号银丝面馆, where
a dictionary segmenter would have cut 银丝面/馆.
Querying: CJK runs are segmented with jieba into words (neighbouring single characters, which
jieba gives for words it does not know such as 月嫂, are joined again), each word then required
as all of its bigrams, or as its character when it has one. Latin words match exactly or within
a typo budget (1 typo from 5 letters, 2 from 9, as Meilisearch does), and the last word of the
query also as a prefix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def is_cjk(run: str) -> bool:
    return bool(_CJK.match(run))


def cjk_grams(run: str) -> list[str]:
    """What a query word requires: its bigrams, or its one character."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """Tokens to index for a field's text."""
    tokens: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if is_cjk(run):
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens


def _words(run: str) -> list[str]:
    words: list[str] = []
    singles = ""
    for piece in _jieba().cut(run, HMM=False):
        if len(piece) == 1:
            singles += piece
            continue
        if singles:
            words.append(singles)
            singles = ""
        words.append(piece)
    if singles:
        words.append(singles)
    return words


def typo_budget(word: str) -> int:
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0


@dataclass(frozen=True)
class Term:
    """One thing the query requires. CJK: all `grams` must be present (single chars too).
    Latin: `word` within `typos` edits, or as a prefix when `prefix` is set."""

    text: str
    grams: tuple[str, ...] = ()
    word: str | None = None
    typos: int = 0
    prefix: bool = False


@lru_cache(maxsize=1)
def _jieba() -> Any:
    # loading the dictionary takes ~0.5 s and ~60 MiB: once, and only when Chinese is queried
    import jieba

    jieba.setLogLevel(60)
    return jieba


def prepare() -> None:
    """Load the segmenter's dictionary now rather than on the first Chinese query."""
    _jieba().initialize()


def query_terms(text: str) -> list[Term]:
    runs = _RUN.findall(normalise(text))
    terms: list[Term] = []
    for index, run in enumerate(runs):
        if is_cjk(run):
            for word in _words(run):
                terms.append(Term(text=word, grams=tuple(cjk_grams(word))))
        else:
            last = index == len(runs) - 1
            terms.append(Term(text=run, word=run, typos=typo_budget(run), prefix=last))
    return terms


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions, giving up (returning limit + 1) past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
