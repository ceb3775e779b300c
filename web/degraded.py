"""What a page that can do without the database does while it cannot be reached.

Search and the home page are drawn from the embedded index; the one thing they would still ask
the database is who is signed in. That question must not take the page down with it.
"""

from __future__ import annotations

from starlette.requests import Request

from listings.types import Vertical
from marketplace.accounts.models import Account
from marketplace.db import is_unavailable
from search.interfaces import Facet, SearchQuery
from web.auth import current_account


async def account_if_reachable(request: Request) -> Account | None:
    """The signed-in account; while the database is unreachable, the page is drawn as for a
    visitor (the session itself is kept, so the resident is signed in again once it is back)."""
    try:
        return await current_account(request)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        request.scope.setdefault("state", {})["account"] = None
        return None


async def counts_from_index(request: Request) -> tuple[int, dict[Vertical, int]]:
    """Published listings in all and per vertical, as the index counts them."""
    query = SearchQuery(page_size=1, facets=(Facet.VERTICAL,))
    results = await request.app.state.search.search(query)
    counts = results.facets.get(Facet.VERTICAL.value, {})
    by_vertical = {v: counts.get(v.value, 0) for v in Vertical}
    return results.total, by_vertical
