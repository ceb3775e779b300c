"""Merchant JSON API v1, listings: read and change a listing, publish or hide it, and manage
what it offers. Declared through `api_route`, so each route is in /api/v1/openapi.json."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from listings import catalogue
from listings import merchant_reads as reads
from listings import offerings as offering_verbs
from marketplace.errors import FieldError, ValidationFailed
from web.auth import require_account
from web.openapi import api_route
from web.routes.merchant_api_models import (
    PREFIX,
    READ_ERRORS,
    WRITE_ERRORS,
    HideIn,
    ListingAnswer,
    ListingPatch,
    OfferingAnswer,
    OfferingIn,
    OfferingPatch,
    OfferingsAnswer,
    listing_json,
    offering_json,
    op,
)
from web.validation import parse_json

LISTING = f"{PREFIX}/listings/{{listing_id:id32}}"
OFFERING = f"{LISTING}/offerings/{{offering_id:id32}}"


@contextmanager
def fields_as_sent() -> Iterator[None]:
    """The services name an offering's fields "offering.price"; this body calls it "price"."""
    try:
        yield
    except ValidationFailed as exc:
        exc.errors = [FieldError(e.field.removeprefix("offering."), e.reason) for e in exc.errors]
        exc.message = "; ".join(f"{e.field}: {e.reason}" for e in exc.errors) or exc.message
        raise


async def listing(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    return JSONResponse({"listing": listing_json(request.app.state.city, found)})


async def update_listing(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    body = await parse_json(request, ListingPatch)
    city = request.app.state.city
    # only what the client sent: a field left out keeps its value
    changed = await catalogue.update_listing(
        city, account, found, body.model_dump(exclude_unset=True)
    )
    return JSONResponse({"listing": listing_json(city, changed)})


async def _optional_body(request: Request) -> HideIn:
    if not await request.body():
        return HideIn()
    return await parse_json(request, HideIn)


async def publish(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    changed = await catalogue.publish(account, found)
    return JSONResponse({"listing": listing_json(request.app.state.city, changed)})


async def hide(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    body = await _optional_body(request)
    changed = await catalogue.hide(account, found, body.reason)
    return JSONResponse({"listing": listing_json(request.app.state.city, changed)})


async def offerings(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    city = request.app.state.city
    rows = await reads.offerings_of(account, found)
    return JSONResponse({"offerings": [offering_json(city, row) for row in rows]})


async def add_offering(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    body = await parse_json(request, OfferingIn)
    city = request.app.state.city
    with fields_as_sent():
        added = await offering_verbs.add_offering(
            city, account, found, body.model_dump(exclude_none=True)
        )
    return JSONResponse({"offering": offering_json(city, added)}, status_code=201)


async def update_offering(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    current = await reads.get_offering(account, found, request.path_params["offering_id"])
    body = await parse_json(request, OfferingPatch)
    city = request.app.state.city
    with fields_as_sent():
        changed = await offering_verbs.update_offering(
            city, account, current, body.model_dump(exclude_unset=True)
        )
    return JSONResponse({"offering": offering_json(city, changed)})


async def delete_offering(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_listing(account, request.path_params["listing_id"])
    current = await reads.get_offering(account, found, request.path_params["offering_id"])
    await offering_verbs.remove_offering(account, current)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    api_route(
        op(
            "GET",
            LISTING,
            "A listing as its merchant manages it",
            response=ListingAnswer,
            errors=READ_ERRORS,
        ),
        listing,
        name="api_listing",
    ),
    api_route(
        op(
            "PATCH",
            LISTING,
            "Change a listing: only the fields sent",
            body=ListingPatch,
            response=ListingAnswer,
            errors=WRITE_ERRORS,
        ),
        update_listing,
        name="api_listing_update",
    ),
    api_route(
        op(
            "POST",
            f"{LISTING}/publish",
            "Put a draft (or a listing its merchant took offline) on the public site",
            response=ListingAnswer,
            errors=(403, 404, 409),
        ),
        publish,
        name="api_listing_publish",
    ),
    api_route(
        op(
            "POST",
            f"{LISTING}/hide",
            "Take a published listing offline (operators must give a reason)",
            body=HideIn,
            response=ListingAnswer,
            errors=WRITE_ERRORS,
            description="The body is optional for the merchant's own staff.",
            body_required=False,
        ),
        hide,
        name="api_listing_hide",
    ),
    api_route(
        op(
            "GET",
            f"{LISTING}/offerings",
            "What a listing offers, inactive items included",
            response=OfferingsAnswer,
            errors=READ_ERRORS,
        ),
        offerings,
        name="api_offerings",
    ),
    api_route(
        op(
            "POST",
            f"{LISTING}/offerings",
            "Add a dish, service, lesson or product",
            body=OfferingIn,
            response=OfferingAnswer,
            status=201,
            errors=WRITE_ERRORS,
        ),
        add_offering,
        name="api_offering_add",
    ),
    api_route(
        op(
            "PATCH",
            OFFERING,
            "Change an offering: only the fields sent",
            body=OfferingPatch,
            response=OfferingAnswer,
            errors=WRITE_ERRORS,
        ),
        update_offering,
        name="api_offering_update",
    ),
    api_route(
        op("DELETE", OFFERING, "Remove an offering", status=204, errors=(403, 404, 409)),
        delete_offering,
        name="api_offering_delete",
    ),
]
