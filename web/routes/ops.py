"""运营后台 (operator console). A stub with the city's numbers; the real console comes later."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listings import services as listings
from marketplace.accounts import Role
from marketplace.accounts import services as accounts
from web.auth import requires_role
from web.routes.pages import ROLE_TEXT, VERTICAL_TEXT
from web.templating import render


@requires_role(Role.OPERATOR)
async def dashboard(request: Request) -> Response:
    by_vertical = await listings.count_by_vertical()
    by_role = await accounts.count_accounts_by_role()
    context = {
        "listings_total": await listings.count_published_listings(),
        "listings_by_vertical": [
            (VERTICAL_TEXT[v][0], by_vertical.get(v, 0)) for v in VERTICAL_TEXT
        ],
        "accounts_total": await accounts.count_accounts(),
        "accounts_by_role": [(ROLE_TEXT[r], by_role.get(r, 0)) for r in ROLE_TEXT],
    }
    return await render(request, "ops.html", context)


routes = [Route("/ops", dashboard, methods=["GET"], name="ops")]
