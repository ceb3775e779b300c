"""Every route of the web layer; `marketplace.app` mounts this list."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from web.routes import api, auth, health, merchant, merchant_api, ops, pages, photos
from web.templating import STATIC_DIR


def all_routes() -> list[BaseRoute]:
    return [
        *pages.routes,
        *auth.routes,
        *ops.routes,
        *merchant.routes,
        *api.routes,
        *merchant_api.routes,
        *photos.routes,
        *health.routes,
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
