"""商家中心: the staff of a business, invitations, and joining a business by invitation."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listings import merchant_reads as reads
from listings import onboarding
from listings.models import Merchant
from marketplace.accounts import services as accounts
from marketplace.errors import MarketplaceError, NotFound
from web.auth import require_account
from web.i18n import translator
from web.routes.merchant_errors import form_errors
from web.routes.merchant_frame import merchant_page, read_fields, redirect


async def _merchant(request: Request) -> Merchant:
    account = await require_account(request)
    return await reads.get_merchant(account, request.path_params["merchant_id"])


async def _staff_context(request: Request, merchant: Merchant) -> dict[str, Any]:
    account = await require_account(request)
    staff = await onboarding.staff_of(account, merchant)
    owner = await reads.is_owner(account, merchant)
    invites = await reads.open_invites(account, merchant) if owner else []
    return {
        "staff": [(s.account, s.account_id == merchant.owner_id) for s in staff],  # type: ignore[attr-defined]
        "invites": invites,
        "form": {},
        "errors": {},
        "invite_link": None,
    }


async def staff_page(request: Request) -> Response:
    merchant = await _merchant(request)
    context = await _staff_context(request, merchant)
    return await merchant_page(request, "merchant/staff.html", merchant, context, nav="staff")


async def staff_invite(request: Request) -> Response:
    account = await require_account(request)
    merchant = await _merchant(request)
    form = await read_fields(request)
    status = 200
    link: str | None = None
    errors: dict[str, str] = {}
    try:
        _invite, token = await onboarding.invite_staff(
            account, merchant, form.get("identifier", "")
        )
        # the token is shown once, here; only its hash is kept
        link = str(request.url_for("merchant_invite", token=token))
        form = {}
    except MarketplaceError as exc:
        errors = form_errors(translator(request), exc, ("identifier",))
        status = exc.status
    context = await _staff_context(request, merchant)
    context.update(form=form, errors=errors, invite_link=link)
    return await merchant_page(
        request, "merchant/staff.html", merchant, context, nav="staff", status_code=status
    )


async def staff_remove(request: Request) -> Response:
    account = await require_account(request)
    merchant = await _merchant(request)
    member = await accounts.get_account(request.path_params["account_id"])
    await onboarding.remove_staff(account, merchant, member)
    return redirect(f"/merchant/{merchant.id}/staff")


async def invite_page(request: Request) -> Response:
    await require_account(request)
    context = {"token": request.path_params["token"], "errors": {}}
    return await merchant_page(request, "merchant/invite.html", None, context, nav="invite")


async def invite_accept(request: Request) -> Response:
    account = await require_account(request)
    token = request.path_params["token"]
    try:
        staff = await onboarding.accept_invite(account, token)
    except MarketplaceError as exc:
        if isinstance(exc, NotFound):
            raise
        errors = form_errors(translator(request), exc, ())
        context = {"token": token, "errors": errors}
        return await merchant_page(
            request, "merchant/invite.html", None, context, nav="invite", status_code=exc.status
        )
    return redirect(f"/merchant/{staff.merchant_id}")  # type: ignore[attr-defined]


routes = [
    Route("/merchant/invites/{token}", invite_page, methods=["GET"], name="merchant_invite"),
    Route(
        "/merchant/invites/{token}",
        invite_accept,
        methods=["POST"],
        name="merchant_invite_accept",
    ),
    Route("/merchant/{merchant_id:id32}/staff", staff_page, methods=["GET"], name="merchant_staff"),
    Route(
        "/merchant/{merchant_id:id32}/staff",
        staff_invite,
        methods=["POST"],
        name="merchant_staff_invite",
    ),
    Route(
        "/merchant/{merchant_id:id32}/staff/{account_id:id32}/remove",
        staff_remove,
        methods=["POST"],
        name="merchant_staff_remove",
    ),
]
