"""What the booking and order pages and API handlers share: finding the purchase a path names
for the person asking, cancelling it, and the resident pages' act-then-redirect. The kernel
(`marketplace.purchases`) decides; these only read the request and shape the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from marketplace.accounts.models import Account
from marketplace.errors import MarketplaceError
from marketplace.lifecycle import ActorRole
from marketplace.purchases import access, verbs
from marketplace.purchases.kinds import PurchaseKind
from payments.interfaces import StartedPayment
from web.auth import require_account
from web.routes.checkout_pages import WAITING, start_online
from web.routes.resident_common import field_errors

# a resident page shown again with what went wrong
ShowPage = Callable[..., Awaitable[Response]]


def _purchase_id(request: Request, kind: PurchaseKind) -> int:
    return int(request.path_params[f"{kind.name}_id"])


async def purchase_for(request: Request, kind: PurchaseKind) -> tuple[Any, ActorRole]:
    """The purchase the path names (`{booking_id}`, `{order_id}`) and how the signed-in
    account relates to it; not found for anybody else's."""
    account = await require_account(request)
    return await access.get_purchase(kind, account, _purchase_id(request, kind))


async def own_purchase(request: Request, kind: PurchaseKind) -> tuple[Account, Any]:
    """The signed-in resident's own purchase the path names (a resident page)."""
    account = await require_account(request)
    return account, await access.get_as_resident(kind, account, _purchase_id(request, kind))


async def confirm_from(
    request: Request, kind: PurchaseKind, account: Account, payment_mode: str, now: datetime
) -> tuple[Any, StartedPayment | None]:
    """Confirm the resident's hold the path names. Online, its payment starts as on the
    checkout page (the one path to pending payment) and the purchase is read back."""
    city = request.app.state.city
    purchase_id = _purchase_id(request, kind)
    purchase = await verbs.confirm(kind, city, account, purchase_id, payment_mode, now=now)
    if str(payment_mode) != "online" or str(purchase.state) not in WAITING:
        return purchase, None
    started = await start_online(request, account, kind.name, purchase.id)
    return await access.get_as_resident(kind, account, purchase.id), started


async def cancel_from(
    request: Request,
    kind: PurchaseKind,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> tuple[Any, ActorRole]:
    """Cancel the purchase the path names as the signed-in account (resident or merchant)."""
    account = await require_account(request)
    city = request.app.state.city
    return await verbs.cancel(
        kind, city, account, _purchase_id(request, kind), reason=reason, now=now
    )


async def act_then_show(
    request: Request, action: Callable[[], Awaitable[object]], show: ShowPage, done: str
) -> Response:
    """A resident page's button: on success back to `done` (303), else the page again with
    why it did not work, at the error's status."""
    try:
        await action()
    except MarketplaceError as exc:
        return await show(request, errors=field_errors(request, exc, {}), status_code=exc.status)
    return RedirectResponse(done, status_code=303)
