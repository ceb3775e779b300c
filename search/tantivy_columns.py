"""Reading matches and their fast-field columns in bulk: no stored document is fetched."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tantivy
from numpy.typing import NDArray


def all_hits(
    searcher: tantivy.Searcher, query: tantivy.Query, limit: int | None = None
) -> list[tuple[float, tantivy.DocAddress]]:
    """Every match of `query` (at most `limit`) with its score, in no useful order."""
    limit = searcher.num_docs if limit is None else min(limit, searcher.num_docs)
    if limit <= 0:  # a limit of 0 crashes tantivy
        return []
    return searcher.search(query, limit=limit, count=False).hits  # type: ignore[no-any-return]


def addresses(hits: Sequence[tuple[object, tantivy.DocAddress]]) -> list[tantivy.DocAddress]:
    return [address for _, address in hits]


def floats(
    searcher: tantivy.Searcher, field: str, where: list[tantivy.DocAddress]
) -> NDArray[np.float64]:
    if not where:
        return np.zeros(0)
    return np.asarray(searcher.fast_field_values(field, where), dtype=np.float64)


def integers(
    searcher: tantivy.Searcher, field: str, where: list[tantivy.DocAddress]
) -> NDArray[np.int64]:
    if not where:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(searcher.fast_field_values(field, where), dtype=np.int64)


def count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    if not searcher.num_docs:
        return 0
    return int(searcher.search(query, limit=1, count=True).count)
