"""A `SearchQuery`'s words and filters as tantivy queries that match exactly the reference's
matches (the geography is `search.tantivy_places`).

Relevance is scored, not guessed: each query word scores a constant by how it matched (exactly,
as a prefix, or with one or two typos: the best way wins), filters score nothing, and tantivy sums
the words. So a listing's score is exact * SPAN + words * PREFIX - typos, which orders exactly
as the reference's (-exact, typos) and gives the number of exact words back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import tantivy

from search.interfaces import SearchQuery
from search.tantivy_hours import minute_terms
from search.tantivy_vocabulary import Words
from search.text import Term

Q = tantivy.Query
Occur = tantivy.Occur
PREFIX = 1000.0  # a word found as a prefix; one typo scores PREFIX - 1, two PREFIX - 2
SPAN = 1000.0  # what an exact word scores above a prefix; more than all typos of a query
EXACT = PREFIX + SPAN
FEW_TOKENS = 8  # up to this many alternatives of a word are merged term by term


def all_of(queries: Sequence[tantivy.Query]) -> tantivy.Query:
    if not queries:
        return Q.all_query()
    if len(queries) == 1:
        return queries[0]
    return Q.boolean_query([(Occur.Must, q) for q in queries])


def any_of(queries: Sequence[tantivy.Query]) -> tantivy.Query:
    if not queries:
        return Q.empty_query()
    if len(queries) == 1:
        return queries[0]
    return Q.boolean_query([(Occur.Should, q) for q in queries])


def unscored(query: tantivy.Query) -> tantivy.Query:
    return Q.const_score_query(query, 0.0)


def has_typo_tiers(terms: Sequence[Term]) -> bool:
    """Whether listings can differ in how the words match (CJK words always match exactly)."""
    return any(t.word is not None and (t.prefix or t.typos) for t in terms)


def exact_words(score: float, terms: Sequence[Term]) -> int:
    """The number of exactly matched words behind a relevance score."""
    return math.ceil((score - len(terms) * PREFIX) / SPAN)


class QueryBuilder:
    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def term(self, field: str, value: object) -> tantivy.Query:
        return Q.term_query(self.schema, field, value)

    def term_set(self, field: str, values: Sequence[object]) -> tantivy.Query:
        if not values:
            return Q.empty_query()
        return Q.term_set_query(self.schema, field, list(values))

    def any_token(self, tokens: Sequence[str]) -> tantivy.Query:
        """Listings with any of these tokens. A few are a union of term queries, which tantivy
        merges as it goes; a term set reads every posting into a bit set first."""
        if len(tokens) == 1:
            return self.term("tokens", tokens[0])
        if len(tokens) <= FEW_TOKENS:
            return any_of([self.term("tokens", t) for t in tokens])
        return self.term_set("tokens", tokens)

    def range(
        self, field: str, kind: tantivy.FieldType, low: object, high: object
    ) -> tantivy.Query:
        return Q.range_query(self.schema, field, kind, low, high)

    @staticmethod
    def _forms(
        term: Term, vocabulary: Words | None, distances: range
    ) -> list[tuple[float, tuple[str, ...]]]:
        """(score, tokens) of each way a Latin word can match, best first: itself, the words it
        starts (the last word), the words `distances` edits away."""
        assert term.word is not None
        forms: list[tuple[float, tuple[str, ...]]] = [(EXACT, (term.word,))]
        if vocabulary is None:
            return forms
        if term.prefix:
            forms.append((PREFIX, vocabulary.prefixed(term.word)))
        for distance in distances if term.typos else range(0):
            forms.append((PREFIX - distance, vocabulary.within(term.word, distance)))
        return forms

    def word(self, term: Term, scored: bool, vocabulary: Words | None) -> tantivy.Query:
        """A query word. A Latin word's prefix and typo forms are the vocabulary's words that
        match them (`search.tantivy_vocabulary`), searched as exact terms."""
        if term.word is None:
            grams = all_of([self.term("tokens", g) for g in term.grams])
            return Q.const_score_query(grams, EXACT) if scored else grams
        # scored: each distance separately, for its tier; else the widest alone
        distances = range(1, term.typos + 1) if scored else range(term.typos, term.typos + 1)
        options = self._forms(term, vocabulary, distances)
        if not scored:
            return self.any_token(sorted({t for _, tokens in options for t in tokens}))
        scored_options = [
            Q.const_score_query(self.any_token(tokens), score)
            for score, tokens in options
            if tokens
        ]
        if len(scored_options) == 1:
            return scored_options[0]
        return Q.disjunction_max_query(scored_options)

    def tiers(self, term: Term, vocabulary: Words) -> list[tuple[float, tantivy.Query]]:
        """A Latin word's listings split by how well it matches them, best first: each listing
        in exactly one tier, the one its score (see `word`) puts it in."""
        options = self._forms(term, vocabulary, range(1, term.typos + 1))
        found: list[tuple[float, tantivy.Query]] = []
        better: set[str] = set()
        for score, tokens in options:
            new = sorted(set(tokens) - better)
            if new:
                tier = self.any_token(new)
                if better:
                    tier = Q.boolean_query(
                        [(Occur.Must, tier), (Occur.MustNot, self.any_token(sorted(better)))]
                    )
                found.append((score, tier))
            better |= set(tokens)
        return found

    def words(
        self, terms: Sequence[Term], scored: bool, vocabulary: Words | None
    ) -> list[tantivy.Query]:
        return [self.word(t, scored, vocabulary) for t in terms]

    def filters(self, query: SearchQuery) -> list[tantivy.Query]:
        """Every filter but the geography, each exact."""
        found: list[tantivy.Query] = []
        if query.verticals:
            found.append(self.term_set("vertical", [str(v) for v in query.verticals]))
        if query.categories:
            found.append(self.term_set("category", list(query.categories)))
        found += [self.term("tags", tag) for tag in query.tags]
        if query.price_min is not None or query.price_max is not None:
            integer = tantivy.FieldType.Integer
            found.append(self.range("price_from", integer, query.price_min, query.price_max))
        if query.min_rating is not None:
            floating = tantivy.FieldType.Float
            found.append(self.range("rating_avg", floating, float(query.min_rating), None))
        if query.open_at is not None:
            found.append(self.term_set("open", minute_terms(query.open_at)))
        return found
