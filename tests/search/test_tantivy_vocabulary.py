"""Typo and prefix words expanded from the index's Latin vocabulary: the same words the
reference's own edit distance finds, and a reader process sees the words another process's
commit added."""

from __future__ import annotations

import random
import string
from dataclasses import replace
from pathlib import Path

from listings.types import Vertical
from search.documents import ListingDocument
from search.interfaces import SearchQuery
from search.tantivy_engine import TantivyEngine
from search.tantivy_vocabulary import Words
from search.text import damerau_levenshtein


def test_expansions_are_the_references_edit_distance_and_prefixes() -> None:
    rng = random.Random(5)
    vocabulary = sorted(
        {"".join(rng.choice("abcdeno") for _ in range(rng.randint(1, 11))) for _ in range(3000)}
    )
    words = Words(vocabulary)
    for _ in range(300):
        query = "".join(rng.choice("abcdeno") for _ in range(rng.randint(2, 10)))
        for edits in (1, 2):
            want = tuple(w for w in vocabulary if damerau_levenshtein(query, w, edits) <= edits)
            assert words.within(query, edits) == want
        assert words.prefixed(query) == tuple(w for w in vocabulary if w.startswith(query))
    assert words.prefixed("zzz") == () and words.within("zzzzzzzz", 1) == ()


def _doc(listing_id: int, english: str) -> ListingDocument:
    return ListingDocument(
        id=listing_id, vertical=Vertical.RESTAURANT, category="noodles", district=None, tags=(),
        name={"en": english}, description={}, category_name={}, offering_names=(),
        lat=31.8, lng=119.97, service_area=None, price_from=None, price_to=None,
        rating_avg=None, rating_count=0, open_minutes=(),
    )  # fmt: skip


async def _ids(engine: TantivyEngine, text: str) -> list[int]:
    return [h.listing_id for h in (await engine.search(SearchQuery(text=text))).hits]


async def test_a_reader_finds_by_typo_and_prefix_the_words_another_writer_just_committed(
    tmp_path: Path,
) -> None:
    writer, reader = TantivyEngine(tmp_path), TantivyEngine(tmp_path)
    await writer.prepare()
    await writer.upsert([_doc(1, "Noodle House")])
    await reader.prepare()
    assert await _ids(reader, "nodle") == [1]  # one letter missing
    await writer.upsert([_doc(2, "Dumpling Corner"), _doc(3, string.ascii_lowercase)])
    # the reader read its words before this commit: it must notice the new one
    assert await _ids(reader, "dumpilng") == [2]  # two letters swapped
    assert await _ids(reader, "abcdefghijklmnopqrstuvwxyy") == [3]
    assert await _ids(reader, "dump") == [2]  # a prefix
    await writer.delete([2])
    assert await _ids(reader, "dumpilng") == []
    await writer.close()
    await reader.close()


async def test_pages_of_one_word_in_tiers_follow_the_reference_to_the_last_page(
    tmp_path: Path,
) -> None:
    """One word ranked city-wide: exact, prefix, one-typo and two-typo matches, each tier walked
    in id order; every page, at several sizes, with and without a filter."""
    from search.reference import ReferenceEngine

    rng = random.Random(11)
    forms = ["restaurants", "restaurantsx", "restuarants", "retsuarants", "restaurantz", "other"]
    docs = [
        replace(
            _doc(i, f"{rng.choice(forms)} {rng.choice(forms)}"),
            vertical=rng.choice([Vertical.RESTAURANT, Vertical.SHOP]),
        )
        for i in range(1, 121)
    ]
    engine, reference = TantivyEngine(tmp_path), ReferenceEngine()
    for e in (engine, reference):
        await e.prepare()
        await e.upsert(docs)
    for text in ("restaurants", "restaurant", "restuarants"):
        for size in (1, 7, 50):
            for verticals in ((), (Vertical.SHOP,)):
                for page in range(1, 120 // size + 3):
                    query = SearchQuery(text=text, page=page, page_size=size, verticals=verticals)
                    got, want = await engine.search(query), await reference.search(query)
                    assert got.total == want.total, query
                    assert [(h.listing_id, h.score) for h in got.hits] == [
                        (h.listing_id, h.score) for h in want.hits
                    ], query
    await engine.close()
