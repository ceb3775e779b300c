"""The ASGI application for uvicorn: the city in CITY_DIR with settings from the environment."""

from __future__ import annotations

from marketplace.app import create_app
from marketplace.city import load_city
from marketplace.settings import Settings, SettingsError

settings = Settings()
try:
    settings.trusted_proxy_networks()  # a bad entry is named now, not at the first sign-in
    app = create_app(load_city(settings.require_city_dir()), settings, serving=True)
except SettingsError as exc:
    # a missing or weak setting is the operator's to fix: one line saying which, no traceback
    raise SystemExit(f"error: {exc.message}") from None
