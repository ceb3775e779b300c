"""What the browser may load and do on our pages: the Content-Security-Policy and the
Permissions-Policy, built once per app from the city's configuration.

Scripts run only when they carry the response's nonce: every script of ours is a file under
/static whose tag the templates stamp with it, and nothing inline (no `on...=` attribute, no
`javascript:` URL) is allowed, so markup an attacker slips into a page cannot run.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from marketplace.city import City

# Where Stripe's hosted pages live. Paying online and onboarding a merchant both post a form to
# us that answers with a redirect there, and browsers hold such redirects to `form-action`.
STRIPE_FORM_TARGETS = ("https://checkout.stripe.com", "https://connect.stripe.com")

# Not a page: JSON, images, files. Nothing in it may load anything, and nobody may frame it.
NON_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'"

# Everything a page of ours may use is listed; every other powerful feature is off, also for
# anything it might embed. Geolocation: "use my location" on search and on delivery addresses;
# camera: the merchant's code scanner (BarcodeDetector over the camera).
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        "camera=(self)",
        "microphone=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "midi=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
        "display-capture=()",
        "screen-wake-lock=()",
        "xr-spatial-tracking=()",
    ]
)

NONCE_KEY = "csp_nonce"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def request_nonce(scope: MutableMapping[str, Any]) -> str:
    """This request's script nonce, made on first use and kept in the request's state, so the
    header and the page's script tags agree."""
    state = scope.setdefault("state", {})
    nonce = state.get(NONCE_KEY)
    if not isinstance(nonce, str):
        # 128 bits from the OS; base64url characters are all valid in a CSP nonce-source
        nonce = state[NONCE_KEY] = secrets.token_urlsafe(16)
    return nonce


def tile_source(tile_url: str) -> str:
    """The CSP source that admits a Leaflet tile URL's host.

    `https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png` -> `https://*.tile.openstreetmap.org`:
    a placeholder in the host (Leaflet's subdomains) becomes CSP's leading wildcard label,
    which covers every label up to and including the rightmost templated one.
    """
    parts = urlsplit(tile_url)
    labels = parts.hostname.split(".") if parts.hostname else []
    # hostname lower-cases; placeholders keep their braces, so they are still found
    templated = [i for i, label in enumerate(labels) if _PLACEHOLDER.search(label)]
    if templated:
        fixed = labels[templated[-1] + 1 :]
        # `*.org` would admit every site of a whole top-level domain
        labels = ["*", *fixed] if len(fixed) >= 2 else []
    if not labels or not all(labels):
        raise ValueError(f"{tile_url!r}: cannot name its tile host as a CSP source")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{'.'.join(labels)}{port}"


@dataclass(frozen=True)
class PagePolicy:
    """The Content-Security-Policy of a page, but for the nonce, which each response brings."""

    image_sources: tuple[str, ...]
    form_targets: tuple[str, ...]

    @classmethod
    def for_city(cls, city: City) -> PagePolicy:
        stripe = "stripe" in city.payments.providers
        return cls(
            # data: is Leaflet's blank image, which it puts in a tile it stops loading
            image_sources=("'self'", "data:", tile_source(city.map.tile_url)),
            form_targets=("'self'", *(STRIPE_FORM_TARGETS if stripe else ())),
        )

    def header(self, nonce: str) -> str:
        directives = [
            "default-src 'self'",
            f"script-src 'nonce-{nonce}'",
            # No style attribute or <style> in our markup: Leaflet positions by the CSSOM,
            # which style-src does not govern.
            "style-src 'self'",
            f"img-src {' '.join(self.image_sources)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "frame-src 'none'",
            "worker-src 'none'",
            "base-uri 'self'",
            f"form-action {' '.join(self.form_targets)}",
            "frame-ancestors 'none'",
        ]
        return "; ".join(directives)
