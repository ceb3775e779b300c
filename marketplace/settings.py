"""Process settings: secrets and URLs come from the environment, never from a city's TOML."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketplace.errors import MarketplaceError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite://var/taocity.sqlite3",
        description="postgres://user:pass@host:port/db or sqlite://PATH (sqlite://:memory: too)",
    )
    city_dir: Path | None = Field(
        default=None, description="the city directory to serve, e.g. cities/<slug>"
    )
    session_secret: str = Field(
        default="dev-only-not-secret", min_length=16, description="signs session cookies"
    )
    secure_cookies: bool = Field(
        default=False, description="mark cookies Secure; set true behind HTTPS in production"
    )
    debug: bool = False
    # the embedded set-up is one process: background jobs run inside the web process unless a
    # separate `taocity worker` runs them (None: inside when the database is SQLite)
    jobs_in_web: bool | None = None
    # login throttling: failures allowed inside the window before further attempts are refused
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    login_window_s: int = 900
    smtp_url: str | None = None
    meili_url: str | None = None
    meili_key: str | None = None
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    media_dir: Path = Path("var/media")
    search_dir: Path = Field(default=Path("var/search"), description="embedded search indexes")
    photo_max_bytes: int = 10 * 1024 * 1024

    @property
    def run_jobs_in_web(self) -> bool:
        if self.jobs_in_web is not None:
            return self.jobs_in_web
        return self.database_url.startswith("sqlite:")

    def require_city_dir(self) -> Path:
        """The city directory, or a clear error naming the variable when it is not set."""
        if self.city_dir is None:
            raise SettingsError("CITY_DIR: not set; point it at a city directory (cities/<slug>)")
        return self.city_dir


class SettingsError(MarketplaceError):
    code = "settings"
