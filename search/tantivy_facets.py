"""Facet counts: a terms aggregation over the listings tantivy matches by itself, plus the
listings named one by one (measured on a circle's edge, or under a service area), counted from
their fast fields.

Each facet value is also indexed as a 64-bit code in a numeric fast field (tags in eight slots,
in order, duplicates kept), because fast fields of numbers can be read in bulk and text ones
cannot. A code maps back to its text through a table filled from stored fields the first time
the code is seen; a code only ever means one text, so the table never goes stale when another
process writes the index. A listing with more tags than slots is read from its stored fields.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

import tantivy

from search.interfaces import SearchUnavailable

TAG_SLOTS = 8
CODE_FIELDS = {"vertical": "vertical_code", "category": "category_code"}
DISTRICT_CODE = "district_code"
TAG_CODES = tuple(f"tag_code_{i}" for i in range(TAG_SLOTS))
TAGS_OVERFLOW = "tags_overflow"
EXTRA_TAGS = "tags_extra"  # a tag's 2nd, 3rd... occurrence in one listing, as `tag#1`, `tag#2`
FACET_SIZE = 65_000  # distinct values a facet may have; tantivy's bucket limit
MATCHED = "_matched"  # the aggregation counting every match


def value_code(value: str) -> int:
    """The code of a facet value; 0 is "no value"."""
    code = int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")
    return code or 1


def extra_tags(tags: Sequence[str]) -> list[str]:
    extra: list[str] = []
    for tag, count in Counter(tags).items():
        extra += [f"{tag}#{n}" for n in range(1, count)]
    return extra


def add_facet_codes(out: tantivy.Document, doc_tags: Sequence[str], vertical: str,
                    category: str, district: str | None) -> None:  # fmt: skip
    out.add_unsigned("vertical_code", value_code(vertical))
    out.add_unsigned("category_code", value_code(category))
    out.add_unsigned(DISTRICT_CODE, 0 if district is None else value_code(district))
    for field, slot in zip(TAG_CODES, range(TAG_SLOTS), strict=True):
        out.add_unsigned(field, value_code(doc_tags[slot]) if slot < len(doc_tags) else 0)
    out.add_unsigned(TAGS_OVERFLOW, int(len(doc_tags) > TAG_SLOTS))
    for tag in extra_tags(doc_tags):
        out.add_text(EXTRA_TAGS, tag)


def add_facet_fields(builder: tantivy.SchemaBuilder) -> None:
    for name in (*CODE_FIELDS.values(), DISTRICT_CODE, *TAG_CODES, TAGS_OVERFLOW):
        builder.add_unsigned_field(name, fast=True)
    builder.add_text_field(EXTRA_TAGS, tokenizer_name="raw", index_option="basic", fast=True)


class FacetCounter:
    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()

    def _learn(self, searcher: tantivy.Searcher, address: tantivy.DocAddress) -> dict[str, list]:
        stored = searcher.doc(address).to_dict()
        with self._lock:
            for name in ("vertical", "category", "district", "tags"):
                for value in stored.get(name, []):
                    self._texts[value_code(value)] = value
        return stored

    def _text(self, searcher: tantivy.Searcher, code: int, address: tantivy.DocAddress) -> str:
        text = self._texts.get(code)
        if text is None:
            self._learn(searcher, address)
            text = self._texts[code]
        return text

    def count(
        self,
        searcher: tantivy.Searcher,
        matches: tantivy.Query,
        named: list[tantivy.DocAddress],
        facets: Sequence[str],
    ) -> tuple[dict[str, dict[str, int]], int]:
        """Counts of each facet's values over `matches` and the `named` listings (disjoint), and
        how many listings `matches` matches: the same pass over them tells, so an order that
        needs the total need not count again."""
        counts, matched = self._aggregate(searcher, matches, facets)
        if named:
            for facet in facets:
                self._add_named(searcher, named, facet, counts[facet])
        return counts, matched

    def _aggregate(
        self, searcher: tantivy.Searcher, matches: tantivy.Query, facets: Sequence[str]
    ) -> tuple[dict[str, dict[str, int]], int]:
        fields = [*facets, *([EXTRA_TAGS] if "tags" in facets else [])]
        wanted: dict[str, Any] = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in fields}
        if "vertical" not in facets:  # every listing has one vertical: its counts sum to all
            wanted[MATCHED] = {"value_count": {"field": "id"}}
        found = searcher.aggregate(matches, wanted)
        counts: dict[str, dict[str, int]] = {}
        for field in fields:
            result = found.get(field, {"buckets": []})
            if result.get("sum_other_doc_count") or result.get("doc_count_error_upper_bound"):
                raise SearchUnavailable(f"facet {field} has more than {FACET_SIZE} values")
            counts[field] = {b["key"]: int(b["doc_count"]) for b in result["buckets"]}
        for extra, n in counts.pop(EXTRA_TAGS, {}).items():
            tag = extra.rsplit("#", 1)[0]
            counts["tags"][tag] = counts["tags"].get(tag, 0) + n
        if "vertical" in facets:
            matched = sum(counts["vertical"].values())
        else:
            matched = int(found.get(MATCHED, {}).get("value") or 0)
        return counts, matched

    def _tally(
        self,
        searcher: tantivy.Searcher,
        codes: list[int],
        named: list[tantivy.DocAddress],
        into: dict[str, int],
    ) -> None:
        for code, n in Counter(codes).items():
            if code:
                text = self._texts.get(code)
                if text is None:
                    text = self._text(searcher, code, named[codes.index(code)])
                into[text] = into.get(text, 0) + n

    def _add_named(
        self,
        searcher: tantivy.Searcher,
        named: list[tantivy.DocAddress],
        facet: str,
        into: dict[str, int],
    ) -> None:
        if facet != "tags":
            field = CODE_FIELDS.get(facet, DISTRICT_CODE)
            self._tally(searcher, searcher.fast_field_values(field, named), named, into)
            return
        overflow = searcher.fast_field_values(TAGS_OVERFLOW, named)
        if any(overflow):
            for address, over in zip(named, overflow, strict=True):
                if over:
                    for tag in self._learn(searcher, address).get("tags", []):
                        into[tag] = into.get(tag, 0) + 1
            named = [a for a, over in zip(named, overflow, strict=True) if not over]
        for field in TAG_CODES:
            self._tally(searcher, searcher.fast_field_values(field, named), named, into)
