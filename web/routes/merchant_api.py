"""Merchant JSON API v1: apply, a merchant and its listings, invite and accept staff.

Every route is declared through `api_route`, so each appears in /api/v1/openapi.json with the
same pydantic models it validates with. Who may do what is decided by the services. Listing and
offering routes live in `merchant_api_listings`; this module's `routes` includes them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from listings import catalogue, onboarding
from listings import merchant_reads as reads
from web.auth import require_account
from web.openapi import api_route
from web.routes import merchant_api_listings
from web.routes.merchant_api_models import (
    PREFIX,
    READ_ERRORS,
    WRITE_ERRORS,
    AcceptAnswer,
    AcceptIn,
    InviteAnswer,
    InviteIn,
    ListingAnswer,
    ListingIn,
    ListingsAnswer,
    MerchantAnswer,
    MerchantApplyIn,
    MerchantsAnswer,
    invite_json,
    listing_json,
    merchant_json,
    op,
)
from web.validation import parse_json

MERCHANT = f"{PREFIX}/merchants/{{merchant_id:id32}}"


async def my_merchants(request: Request) -> Response:
    account = await require_account(request)
    merchants = await reads.merchants_of(account)
    return JSONResponse({"merchants": [merchant_json(m) for m in merchants]})


async def apply(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, MerchantApplyIn)
    merchant = await onboarding.apply(request.app.state.city, account, **body.model_dump())
    return JSONResponse({"merchant": merchant_json(merchant)}, status_code=201)


async def merchant(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_merchant(account, request.path_params["merchant_id"])
    return JSONResponse({"merchant": merchant_json(found)})


async def merchant_listings(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_merchant(account, request.path_params["merchant_id"])
    city = request.app.state.city
    rows = await reads.listings_of(account, found)
    return JSONResponse({"listings": [listing_json(city, row) for row in rows]})


async def create_listing(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_merchant(account, request.path_params["merchant_id"])
    body = await parse_json(request, ListingIn)
    city = request.app.state.city
    values = body.model_dump(exclude_none=True, exclude={"offerings"})
    offerings = [o.model_dump(exclude_none=True) for o in body.offerings]
    listing = await catalogue.create_listing(city, account, found, offerings=offerings, **values)
    return JSONResponse({"listing": listing_json(city, listing)}, status_code=201)


async def invite(request: Request) -> Response:
    account = await require_account(request)
    found = await reads.get_merchant(account, request.path_params["merchant_id"])
    body = await parse_json(request, InviteIn)
    created, token = await onboarding.invite_staff(account, found, body.identifier)
    url = str(request.url_for("merchant_invite", token=token))
    answer = {"invite": invite_json(created), "token": token, "accept_url": url}
    return JSONResponse(answer, status_code=201)


async def accept(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, AcceptIn)
    staff = await onboarding.accept_invite(account, body.token)
    return JSONResponse({"merchant_id": staff.merchant_id})  # type: ignore[attr-defined]


routes: list[BaseRoute] = [
    api_route(
        op(
            "GET",
            f"{PREFIX}/merchants",
            "The merchants I own or work for",
            response=MerchantsAnswer,
            errors=(),
        ),
        my_merchants,
        name="api_my_merchants",
    ),
    api_route(
        op(
            "POST",
            f"{PREFIX}/merchants",
            "Apply to become a merchant (pending until an operator decides)",
            body=MerchantApplyIn,
            response=MerchantAnswer,
            status=201,
            errors=(403, 409, 422),
        ),
        apply,
        name="api_merchant_apply",
    ),
    api_route(
        op(
            "GET",
            MERCHANT,
            "A merchant, for its staff and operators",
            response=MerchantAnswer,
            errors=READ_ERRORS,
        ),
        merchant,
        name="api_merchant",
    ),
    api_route(
        op(
            "GET",
            f"{MERCHANT}/listings",
            "A merchant's listings, drafts included",
            response=ListingsAnswer,
            errors=READ_ERRORS,
        ),
        merchant_listings,
        name="api_merchant_listings",
    ),
    api_route(
        op(
            "POST",
            f"{MERCHANT}/listings",
            "Create a draft listing, optionally with its offerings",
            body=ListingIn,
            response=ListingAnswer,
            status=201,
            errors=WRITE_ERRORS,
        ),
        create_listing,
        name="api_listing_create",
    ),
    api_route(
        op(
            "POST",
            f"{MERCHANT}/invites",
            "Invite someone to the staff (owner only); the token is shown once",
            body=InviteIn,
            response=InviteAnswer,
            status=201,
            errors=WRITE_ERRORS,
        ),
        invite,
        name="api_merchant_invite",
    ),
    api_route(
        op(
            "POST",
            f"{PREFIX}/invites/accept",
            "Join a merchant's staff with an invitation token",
            body=AcceptIn,
            response=AcceptAnswer,
            errors=(403, 409, 422),
        ),
        accept,
        name="api_invite_accept",
    ),
    *merchant_api_listings.routes,
]
