"""The search engine a city instance uses, chosen by configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.interfaces import SearchEngine

if TYPE_CHECKING:
    from marketplace.city import City
    from marketplace.settings import Settings


def engine_for(city: City, settings: Settings) -> SearchEngine:
    """The embedded tantivy index under SEARCH_DIR/<city>, one per city; or, when MEILI_URL is
    set, the Meilisearch index `taocity-<city>` on that server."""
    if settings.meili_url:
        from search.meilisearch_engine import MeilisearchEngine

        return MeilisearchEngine(settings.meili_url, settings.meili_key, f"taocity-{city.slug}")
    from search.tantivy_engine import TantivyEngine

    return TantivyEngine(settings.search_dir / city.slug)
