"""The Meilisearch engine: one index per city on a Meilisearch server, through its HTTP API.

Writes are Meilisearch tasks; by default each write waits for its task to succeed, so a search
that follows sees it (the outbox worker relies on that to mark a row done). What is sent is built
in `search.meilisearch_query`; the HTTP and its errors are `search.meilisearch_client`'s.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import httpx

from geo.coords import LatLng
from geo.distance import geodesic_m
from search.documents import ListingDocument
from search.interfaces import Hit, SearchQuery, SearchResults
from search.meilisearch_client import MeilisearchClient, MeilisearchError
from search.meilisearch_query import SETTINGS, needs_refinement, search_body, to_meili
from search.reference import assemble, evaluate
from search.stored import decode
from search.text import query_terms


class MeilisearchEngine:
    def __init__(
        self,
        url: str,
        key: str | None,
        index_uid: str,
        *,
        client: httpx.AsyncClient | None = None,
        wait: bool = True,
    ) -> None:
        self.index_uid = index_uid
        self._meili = MeilisearchClient(url, key, client=client)
        self._wait = wait
        self._path = f"/indexes/{index_uid}"

    async def prepare(self) -> None:
        try:
            await self._meili.task("POST", "/indexes", {"uid": self.index_uid, "primaryKey": "id"})
        except MeilisearchError as exc:
            if exc.meili_code != "index_already_exists":  # prepare is safe to call again
                raise
        await self._meili.task("PATCH", f"{self._path}/settings", SETTINGS)

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:  # type: ignore[override]
        if not documents:
            return
        body = [to_meili(d) for d in documents]
        # POST replaces whole documents, so a field a listing lost does not linger
        await self._meili.task("POST", f"{self._path}/documents", body, wait=self._wait)

    async def delete(self, listing_ids: Sequence[int]) -> None:
        if not listing_ids:
            return
        path = f"{self._path}/documents/delete-batch"
        await self._meili.task("POST", path, list(listing_ids), wait=self._wait)

    async def clear(self) -> None:
        await self._meili.task("DELETE", f"{self._path}/documents", wait=self._wait)

    async def count(self) -> int:
        stats = await self._meili.request("GET", f"{self._path}/stats")
        return int(stats["numberOfDocuments"])

    async def close(self) -> None:
        await self._meili.close()

    async def search(self, query: SearchQuery) -> SearchResults:
        started = time.perf_counter()
        body = search_body(query)
        answer = await self._meili.request("POST", f"{self._path}/search", body)
        if not isinstance(answer, dict) or not isinstance(answer.get("hits"), list):
            raise MeilisearchError("unexpected_answer", f"no hits in {answer!r:.200}")
        if needs_refinement(query):
            return self._refined(query, answer, started)
        origin = query.reference_point()
        return SearchResults(
            hits=[_hit(h, origin) for h in answer["hits"]],
            total=int(answer.get("totalHits", 0)),
            facets={
                f.value: dict(answer.get("facetDistribution", {}).get(f.value, {}))
                for f in query.facets
            },
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def _refined(self, query: SearchQuery, answer: dict[str, Any], started: float) -> SearchResults:
        # at most MAX_TOTAL_HITS candidates come back: a query matching more of a city (a single
        # letter over 100,000 listings) is refined over the first ones in Meilisearch's order
        terms = query_terms(query.text)
        matches = []
        for hit in answer["hits"]:
            if not isinstance(hit.get("doc"), str):
                # written before documents carried themselves: a reindex fixes it
                raise MeilisearchError("unexpected_answer", f"hit {hit.get('id')} has no document")
            doc, tokens = decode(hit["doc"])
            if (evaluated := evaluate(doc, tokens, query, terms)) is not None:
                matches.append(evaluated)
        return assemble(matches, query, started)


def _hit(hit: dict[str, Any], origin: LatLng | None) -> Hit:
    distance: float | None = None
    if origin is not None:
        point = hit.get("_geo")
        if point is not None:
            # our ellipsoidal metres, not Meilisearch's spherical `_geoDistance`, so every engine
            # reports the same distance for the same listing
            distance = geodesic_m(origin, LatLng(float(point["lat"]), float(point["lng"])))
        elif "_geoDistance" in hit:
            distance = float(hit["_geoDistance"])
    return Hit(int(hit["id"]), distance)
