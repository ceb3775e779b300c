"""How far an engine pages: never further than the first page past everything it holds.

Engines collect the best `page * page_size` matches before they skip to the page (tantivy's
top-N collector allocates that many slots up front), so the number asked for must not decide the
work. Every page past the end is empty with the same total, so answering the first such page
instead gives the same answer with work bounded by the index.
"""

from __future__ import annotations

from search.interfaces import SearchQuery


def first_empty_page(available: int, page_size: int) -> int:
    """The first page that starts past `available` matches."""
    return -(-available // page_size) + 1


def bounded_page(query: SearchQuery, available: int) -> SearchQuery:
    """`query` paging no further than `first_empty_page`; unchanged when it already does."""
    last = first_empty_page(max(available, 0), query.page_size)
    if query.page <= last:
        return query
    return query.model_copy(update={"page": last})
