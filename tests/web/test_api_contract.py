"""The OpenAPI document is the contract: schemathesis drives every documented operation.

Each role (resident, merchant staff, operator) signs in through the API and hands its real
session cookie and CSRF token to schemathesis, which then sends documented and broken requests
to the in-process app. The run fails on any server error, any answer that breaks its documented
schema (status code, content type, body), a broken request that is accepted, a documented one
that is refused, an undeclared method not answered 405 with the right `Allow`, and a protected
operation that answers without the session.

The app lives on the test's event loop (the database connections belong to it); schemathesis
sends from a thread of its own, so its calls are handed over to that loop.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from schemathesis.engine import events
from starlette.applications import Starlette
from starlette.types import ASGIApp

from listings.models import Listing, Offering
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.support.bookables import (
    cleaning_of,
    confirmed_booking,
    confirmed_order,
    every_day,
    owned_business,
    shop_of,
)
from tests.web.conftest import PASSWORD, api_login, client_for
from tests.web.test_openapi import fetch_document
from web.middleware.session import COOKIE_NAME

SCHEMA_PATH = "/api/v1/openapi.json"
SEED = 20261207
# Fuzzed cases per operation and generation mode (positive, negative); with the coverage
# phase's own cases (every documented status, each missing or broken part, undeclared methods)
# a role's run is about 2,200 requests.
MAX_EXAMPLES = 5
# Ends every session of the account, so it runs after everything else has been tried.
LAST = "POST /api/v1/auth/logout"


def on_loop(app: Starlette, loop: asyncio.AbstractEventLoop) -> ASGIApp:
    """An ASGI app that runs each request of `app` on `loop`, wherever it is called from."""

    async def bridged(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # the test owns the database; nothing to start
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[-1]
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        caller = asyncio.get_running_loop()

        def back(coro: Awaitable[Any]) -> Awaitable[Any]:
            return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, caller))

        async def receive_here() -> Any:
            return await back(receive())

        started = False

        async def send_here(message: Any) -> None:
            nonlocal started
            started = True
            await back(send(message))

        done = asyncio.run_coroutine_threadsafe(app(scope, receive_here, send_here), loop)
        try:
            await asyncio.wrap_future(done)
        except Exception:
            # What a server does with an error the app let through: a 500 if nothing was sent
            # yet; the error page the app already sent otherwise.
            if not started:
                await send({"type": "http.response.start", "status": 500, "headers": []})
                await send({"type": "http.response.body", "body": b""})

    return bridged


@dataclass
class Figures:
    operations: set[str] = field(default_factory=set)
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    server_errors: int = 0
    schema_violations: int = 0
    seconds: float = 0.0


def _config(session_cookie: str, csrf_token: str, *, only: str | None, skip: str | None) -> Any:
    generation = {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none"}
    raw: dict[str, Any] = {
        "seed": SEED,
        # nothing learnt by one run steers the next: the same requests every time
        "cache": {"enabled": False},
        "headers": {"X-CSRF-Token": csrf_token},
        "auth": {"openapi": {"session": {"api_key": session_cookie}}},
        "generation": generation,
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # A body the schema allows can still break a rule the document states in words
            # (a slot not on offer, a vertical the city does not have): that refusal is the
            # operation's documented 422 naming the field; status_code_conformance still fails
            # a 422 where none is documented.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
            }
        },
        "workers": 1,
    }
    config = schemathesis.Config.from_dict(raw)
    return config


def run_contract(app: ASGIApp, session_cookie: str, csrf_token: str) -> Figures:
    figures = Figures()
    started = time.monotonic()
    for only, skip in ((None, LAST), (LAST, None)):
        config = _config(session_cookie, csrf_token, only=only, skip=skip)
        schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, app, config=config)
        if only is not None:
            schema = schema.include(name=only)
        if skip is not None:
            schema = schema.exclude(name=skip)
        for event in schemathesis.engine.from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _count(figures, event.recorder)
            elif isinstance(event, events.FuzzScenarioFinished):
                _count(figures, event.recorder)
            elif isinstance(event, events.NonFatalError):
                figures.failures.append(f"error | {event.label} | {event.value!r}")
            elif isinstance(event, events.FatalError):
                figures.failures.append(f"fatal | {event.exception!r}")
    figures.seconds = time.monotonic() - started
    return figures


def _count(figures: Figures, recorder: Any) -> None:
    figures.operations.add(recorder.label)
    for interaction in recorder.interactions.values():
        if interaction.response is None:
            continue
        figures.requests += 1
        figures.statuses[interaction.response.status_code] += 1
    for case_id, checks in recorder.checks.items():
        interaction = recorder.interactions.get(case_id)
        status = interaction.response.status_code if interaction and interaction.response else 0
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            if check.name == "not_a_server_error":
                figures.server_errors += 1
            elif check.name in SCHEMA_CHECKS and status < 500:  # a 500 is counted once, above
                figures.schema_violations += 1
            message = " ".join(failure.message.split())[:300]
            figures.failures.append(
                f"{check.name} | {recorder.label} | {failure.title} | {message} | "
                f"{check.failure_info.code_sample}"
            )


SCHEMA_CHECKS = frozenset(
    {"response_schema_conformance", "status_code_conformance", "content_type_conformance"}
)


@dataclass
class World:
    resident: Account
    staff: Account
    operator: Account


async def seeded_city(city: City) -> World:
    resident = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    staff = await accounts.sign_up("shop@example.com", PASSWORD, "老王", "zh-CN")
    operator = await accounts.create_operator("ops@example.com", PASSWORD, "运营小王")
    business = await owned_business(city, staff, operator)
    listing, offering = await cleaning_of(business, every_day("08:00", "20:00", 120, 3))
    await confirmed_booking(city, resident, listing, offering)
    shop = await owned_business(city, staff, operator)
    shop_listing, product = await shop_of(shop)
    await confirmed_order(city, resident, shop_listing, product)
    return World(resident, staff, operator)


ROLES = ("resident", "staff", "operator")


@pytest.mark.parametrize("role", ROLES)
async def test_every_operation_keeps_its_contract(
    db: str, city: City, app: Starlette, role: str
) -> None:
    world = await seeded_city(city)
    who: Account = getattr(world, role)
    async with client_for(app) as client:
        response = await api_login(client, who.email or "")
        assert response.status_code == 200, response.text
        csrf_token = response.json()["csrf_token"]
        session_cookie = client.cookies[COOKIE_NAME]
    bridged = on_loop(app, asyncio.get_running_loop())
    figures = await asyncio.to_thread(run_contract, bridged, session_cookie, csrf_token)
    print(
        f"\n{db} {role}: {len(figures.operations)} operations, {figures.requests} requests, "
        f"{figures.server_errors} server errors, {figures.schema_violations} schema violations, "
        f"{figures.seconds:.1f} s, statuses {dict(sorted(figures.statuses.items()))}"
    )
    print("\n".join(figures.failures))
    assert figures.failures == []


# Focused cases of what the run above found.

# (a URL, its path in the document, the methods it takes)
MULTI_METHOD_PATHS = [
    ("/api/v1/bookings", "/api/v1/bookings", "GET, HEAD, POST"),
    ("/api/v1/orders", "/api/v1/orders", "GET, HEAD, POST"),
    ("/api/v1/merchants", "/api/v1/merchants", "GET, HEAD, POST"),
    ("/api/v1/listings/7", "/api/v1/listings/{listing_id}", "GET, HEAD, PATCH"),
    (
        "/api/v1/listings/7/offerings",
        "/api/v1/listings/{listing_id}/offerings",
        "GET, HEAD, POST",
    ),
    (
        "/api/v1/listings/7/offerings/8",
        "/api/v1/listings/{listing_id}/offerings/{offering_id}",
        "DELETE, PATCH",
    ),
    (
        "/api/v1/merchants/7/listings",
        "/api/v1/merchants/{merchant_id}/listings",
        "GET, HEAD, POST",
    ),
]


async def test_a_405_names_every_method_its_path_takes(city: City) -> None:
    app, doc = await fetch_document(city)
    async with client_for(app) as client:
        for url, documented, allowed in MULTI_METHOD_PATHS:
            for method in ("PUT", "OPTIONS"):
                response = await client.request(method, url)
                assert response.status_code == 405, url
                assert response.headers["allow"] == allowed, (method, url)
                assert response.json()["code"] == "method_not_allowed"
            methods = {method.upper() for method in doc["paths"][documented]}
            assert methods == set(allowed.split(", ")) - {"HEAD"}, documented


async def test_bodies_the_routes_read_as_optional_or_null_are_documented_so(city: City) -> None:
    _, doc = await fetch_document(city)
    paths = doc["paths"]
    for path in (
        "/api/v1/listings/{listing_id}/hide",
        "/api/v1/bookings/{booking_id}/cancel",
        "/api/v1/orders/{order_id}/cancel",
    ):
        assert paths[path]["post"]["requestBody"]["required"] is False, path
    assert paths["/api/v1/bookings"]["post"]["requestBody"]["required"] is True
    for path in (
        "/api/v1/merchant/listings/{listing_id}/reservations",
        "/api/v1/merchant/offerings/{offering_id}/availability",
    ):
        schema = paths[path]["put"]["requestBody"]["content"]["application/json"]["schema"]
        assert {"type": "null"} in schema["anyOf"], path
        assert any("$ref" in option for option in schema["anyOf"]), path


async def test_staff_hide_without_a_body_and_stop_reservations_with_null(
    db: str, city: City, app: Starlette
) -> None:
    world = await seeded_city(city)
    listing = await Listing.filter(merchant__owner=world.staff, vertical="housekeeping").first()
    assert listing is not None
    async with client_for(app) as client:
        token = (await api_login(client, "shop@example.com")).json()["csrf_token"]
        headers = {"X-CSRF-Token": token}
        hidden = await client.post(f"/api/v1/listings/{listing.id}/hide", headers=headers)
        assert hidden.status_code == 200, hidden.text
        assert hidden.json()["listing"]["status"] == "hidden"
        stopped = await client.put(
            f"/api/v1/merchant/listings/{listing.id}/reservations",
            content=b"null",
            headers={**headers, "Content-Type": "application/json"},
        )
    assert stopped.status_code == 200, stopped.text
    assert stopped.json() == {"listing_id": listing.id, "reservations": None}


async def test_an_offering_that_was_ordered_or_booked_is_not_removed(
    db: str, city: City, app: Starlette
) -> None:
    await seeded_city(city)
    ordered = await Offering.filter(kind="product").first()
    booked = await Offering.filter(kind="service").first()
    assert ordered is not None and booked is not None
    async with client_for(app) as client:
        token = (await api_login(client, "shop@example.com")).json()["csrf_token"]
        for offering in (ordered, booked):
            response = await client.delete(
                f"/api/v1/listings/{offering.listing_id}/offerings/{offering.id}",  # type: ignore[attr-defined]
                headers={"X-CSRF-Token": token},
            )
            assert response.status_code == 409, response.text
            assert response.json()["code"] == "offering_in_use"
            assert await Offering.filter(id=offering.id).exists()
