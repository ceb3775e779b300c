"""运营后台 (operator console): the dashboard with the city's numbers and the work waiting.
The console's other pages are in `web.routes.ops_review`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listings import public as console
from listings import services as listings
from marketplace.accounts import Role
from marketplace.accounts import services as accounts
from web.auth import require_role
from web.routes.pages import ROLE_TEXT, VERTICAL_TEXT
from web.templating import render


async def dashboard(request: Request) -> Response:
    operator = await require_role(request, Role.OPERATOR)
    by_vertical = await listings.count_by_vertical()
    by_role = await accounts.count_accounts_by_role()
    context = {
        "nav": "dashboard",
        "counts": await console.console_counts(operator),
        "listings_total": await listings.count_published_listings(),
        "listings_by_vertical": [
            (VERTICAL_TEXT[v][0], by_vertical.get(v, 0)) for v in VERTICAL_TEXT
        ],
        "accounts_total": await accounts.count_accounts(),
        "accounts_by_role": [(ROLE_TEXT[r], by_role.get(r, 0)) for r in ROLE_TEXT],
    }
    return await render(request, "ops/dashboard.html", context)


routes = [Route("/ops", dashboard, methods=["GET"], name="ops")]
