"""The client's address, as sign-in and sign-up throttling count it.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the
connection comes from a proxy listed in TRUSTED_PROXIES (none by default). Each proxy appends the
address it received the request from; reading from the right, the first address that is not a
trusted proxy is the client. Anything left of it was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import HTTPConnection

from marketplace.settings import IPNetwork, Settings

UNKNOWN = "unknown"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
             networks: tuple[IPNetwork, ...]) -> bool:  # fmt: skip
    return address is not None and any(address in network for network in networks)


def resolve(peer: str | None, forwarded_for: Iterable[str], networks: tuple[IPNetwork, ...]) -> str:
    """The client address given the connection's peer and its X-Forwarded-For header values."""
    if not peer:
        return UNKNOWN
    if not _trusted(_address(peer), networks):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    client = peer
    for hop in reversed([h for h in hops if h]):
        address = _address(hop)
        if address is None:
            # not an address: whoever wrote it is not to be believed, so the last trusted
            # hop (the proxy that passed it on) is as far as the chain can be followed
            return client
        client = str(address)
        if not _trusted(address, networks):
            return client
    return client


def client_ip(conn: HTTPConnection) -> str:
    settings: Settings = conn.app.state.settings
    peer = conn.client.host if conn.client is not None else None
    return resolve(peer, conn.headers.getlist("x-forwarded-for"), settings.trusted_proxy_networks())
