"""Process settings: secrets and URLs come from the environment, never from a city's TOML."""

from __future__ import annotations

import functools
import ipaddress
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketplace.errors import MarketplaceError

SESSION_SECRET_MIN_BYTES = 32
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite://var/taocity.sqlite3",
        description="postgres://user:pass@host:port/db or sqlite://PATH (sqlite://:memory: too)",
    )
    city_dir: Path | None = Field(
        default=None, description="the city directory to serve, e.g. cities/<slug>"
    )
    # No default: a public default would let anyone sign a cookie naming any account.
    session_secret: SecretStr | None = Field(
        default=None,
        description=f"signs session cookies: at least {SESSION_SECRET_MIN_BYTES} random bytes",
    )
    secure_cookies: bool = Field(
        default=False, description="mark cookies Secure; set true behind HTTPS in production"
    )
    debug: bool = False
    # the embedded set-up is one process: background jobs run inside the web process unless a
    # separate `taocity worker` runs them (None: inside when the database is SQLite)
    jobs_in_web: bool | None = None
    # --- sessions, sign-in and sign-up throttling, client addresses ---
    session_secret_previous: SecretStr | None = Field(
        default=None,
        description="earlier secrets (comma-separated) still accepted while sessions roll over",
    )
    login_max_failures_per_client: int = Field(
        default=3, ge=1, description="failures of one account from one address before delays"
    )
    login_max_delay_s: int = Field(default=300, ge=1, description="longest delay between tries")
    login_max_failures_per_account: int = Field(
        default=100, ge=1, description="failures on one account, from anywhere, per window"
    )
    login_max_failures_per_ip: int = Field(
        default=20, ge=1, description="failures from one address, on any account, per window"
    )
    login_window_s: int = Field(default=900, ge=1)
    signup_max_per_ip: int = Field(default=10, ge=1)
    signup_max_per_identifier: int = Field(default=5, ge=1)
    signup_window_s: int = Field(default=3600, ge=1)
    trusted_proxies: str = Field(
        default="",
        description="addresses or networks (comma-separated) whose X-Forwarded-For is believed",
    )
    # --- end of sessions and throttling ---
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

    def session_keys(self) -> tuple[str, ...]:
        """Secrets that verify session cookies, oldest first and the one that signs last.

        SettingsError, naming the variable, when the secret is missing or too short: serving
        without one must not start."""
        current = _secret_text(self.session_secret)
        if not current:
            raise SettingsError(
                f"SESSION_SECRET: not set; serving needs a random secret of at least "
                f"{SESSION_SECRET_MIN_BYTES} bytes (e.g. `python3 -c 'import secrets; "
                f"print(secrets.token_urlsafe(48))'`)"
            )
        previous = [p.strip() for p in _secret_text(self.session_secret_previous).split(",")]
        previous = [p for p in previous if p]
        for name, value in [("SESSION_SECRET", current)] + [
            ("SESSION_SECRET_PREVIOUS", p) for p in previous
        ]:
            if len(value.encode()) < SESSION_SECRET_MIN_BYTES:
                raise SettingsError(
                    f"{name}: too short ({len(value.encode())} bytes); use a random secret "
                    f"of at least {SESSION_SECRET_MIN_BYTES} bytes"
                )
        return (*reversed(previous), current)

    def trusted_proxy_networks(self) -> tuple[IPNetwork, ...]:
        """TRUSTED_PROXIES parsed; SettingsError naming the entry that is not an address."""
        return _networks(self.trusted_proxies)

    def require_city_dir(self) -> Path:
        """The city directory, or a clear error naming the variable when it is not set."""
        if self.city_dir is None:
            raise SettingsError("CITY_DIR: not set; point it at a city directory (cities/<slug>)")
        return self.city_dir


@functools.lru_cache(maxsize=8)
def _networks(text: str) -> tuple[IPNetwork, ...]:
    networks = []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise SettingsError(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def _secret_text(secret: SecretStr | None) -> str:
    return secret.get_secret_value().strip() if secret is not None else ""


class SettingsError(MarketplaceError):
    code = "settings"
