"""The listing verbs merchants and operators use: create, update, publish, hide, restore.

States: draft -> published (publish, by the merchant's staff, approved merchants only);
published -> hidden (hide: by the merchant's staff, or by an operator for moderation);
hidden -> published (restore: by the staff after their own hide, by an operator after a
moderation hide); published or self-hidden -> draft (unpublish, by the staff). While an
operator's hide stands the merchant may edit the listing but cannot put it back.

Every check goes through `listings.permissions`. Every verb runs in one transaction that also
writes the audit entry, so a bad field writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from listings import audit
from listings import merchant_notices as tell
from listings.input_checks import failed
from listings.listing_input import check_listing
from listings.models import Listing, Merchant
from listings.offerings import locked_listing, prepare_offering, write_offering
from listings.permissions import Action, allowed, require, require_for_listing
from listings.types import ListingAction, ListingStatus, MerchantStatus, Vertical
from marketplace.accounts.models import Account
from marketplace.errors import Conflict, FieldError, ValidationFailed
from marketplace.notices.services import atomic

if TYPE_CHECKING:
    from marketplace.city import City

REASON_MAX = 500


class NotPublishable(Conflict):
    """The listing cannot go (back) on the public site in its present state."""

    code = "not_publishable"


class WrongState(Conflict):
    code = "wrong_state"


def _vertical(value: object) -> Vertical | None:
    try:
        return Vertical(value)  # type: ignore[arg-type]
    except ValueError:
        return None


async def create_listing(
    city: City,
    actor: Account | None,
    merchant: Merchant,
    *,
    vertical: Vertical | str,
    offerings: Sequence[Mapping[str, Any]] = (),
    **values: Any,
) -> Listing:
    """A draft listing with everything in `values` (category, name, lat, lng, and optionally
    description, address, attributes, weekly_hours, hours_exceptions, closures, service_area,
    tags) and its `offerings`; refused whole, naming every bad field, on any mistake."""
    await require(actor, Action.EDIT, merchant.id)
    if merchant.status == MerchantStatus.REJECTED:
        raise WrongState("this application was rejected; apply again to list a business")
    kind = _vertical(vertical)
    errors: list[FieldError] = []
    if kind is None:
        errors.append(FieldError("vertical", f"unknown vertical {vertical!r}"))
    checked = None
    try:
        checked = check_listing(city, kind, values)
    except ValidationFailed as exc:
        if not errors:
            raise
        errors += exc.errors
    rows: list[dict[str, Any]] = []
    attributes = checked.columns.get("attributes") if checked else None
    for i, data in enumerate(offerings if kind is not None else ()):
        try:
            rows.append(
                prepare_offering(
                    city, kind, data, field=f"offerings[{i}]", listing_attributes=attributes
                )
            )
        except ValidationFailed as exc:
            errors += exc.errors
    if errors or checked is None or kind is None:
        raise failed(errors)
    async with atomic():
        listing = await Listing.create(
            merchant_id=merchant.id, vertical=kind, status=ListingStatus.DRAFT, **checked.columns
        )
        await audit.record(
            listing,
            actor,
            ListingAction.CREATED,
            audit.diff({}, audit.listing_snapshot(listing)),
            note="; ".join(checked.notes) or None,
        )
        for position, row in enumerate(rows):
            row.setdefault("sort_order", position)
            await write_offering(listing, actor, row)
    return listing


async def update_listing(
    city: City, actor: Account | None, listing: Listing, changes: Mapping[str, Any]
) -> Listing:
    """Apply `changes` (the input keys of `create_listing`; `attributes` replaces the whole
    object) to a listing. Operators cannot: they moderate, they do not write merchants' words."""
    await require_for_listing(actor, Action.EDIT, listing)
    async with atomic():
        current = await locked_listing(listing.id)
        checked = check_listing(city, Vertical(current.vertical), changes, current=current)
        before = audit.listing_snapshot(current)
        current.update_from_dict(checked.columns)
        after = audit.listing_snapshot(current)
        diff = audit.diff(before, after)
        if diff:
            await current.save()
            note = "; ".join(checked.notes) or None
            await audit.record(current, actor, ListingAction.UPDATED, diff, note=note)
    return current


async def _transition(
    actor: Account | None,
    listing: Listing,
    action: ListingAction,
    status: ListingStatus,
    *,
    hidden_by_operator: bool = False,
    reason: str | None = None,
) -> Listing:
    before = audit.listing_snapshot(listing)
    listing.status = status
    listing.hidden_by_operator = hidden_by_operator
    listing.hidden_reason = reason
    await listing.save(
        update_fields=["status", "hidden_by_operator", "hidden_reason", "updated_at"]
    )
    changes = audit.diff(before, audit.listing_snapshot(listing))
    await audit.record(listing, actor, action, changes, note=reason)
    return listing


async def _require_approved(listing: Listing) -> None:
    merchant = await Merchant.get(id=listing.merchant_id)  # type: ignore[attr-defined]
    if merchant.status != MerchantStatus.APPROVED:
        raise NotPublishable(
            f"the merchant is {merchant.status.value}: only approved merchants publish"
        )


def _refuse_moderated(listing: Listing) -> None:
    if listing.hidden_by_operator:
        raise NotPublishable(
            f"hidden by an operator ({listing.hidden_reason}); only an operator can restore it"
        )


async def publish(actor: Account | None, listing: Listing) -> Listing:
    """Put a draft (or a listing its merchant hid) on the public site."""
    await require_for_listing(actor, Action.PUBLISH, listing)
    async with atomic():
        current = await locked_listing(listing.id)
        if current.status == ListingStatus.PUBLISHED:
            raise WrongState("already published")
        _refuse_moderated(current)
        await _require_approved(current)
        return await _transition(actor, current, ListingAction.PUBLISHED, ListingStatus.PUBLISHED)


async def unpublish(actor: Account | None, listing: Listing) -> Listing:
    """Take a listing back to draft (the merchant's own decision)."""
    await require_for_listing(actor, Action.PUBLISH, listing)
    async with atomic():
        current = await locked_listing(listing.id)
        if current.status == ListingStatus.DRAFT:
            raise WrongState("already a draft")
        _refuse_moderated(current)
        return await _transition(actor, current, ListingAction.UNPUBLISHED, ListingStatus.DRAFT)


def _clean_reason(reason: str | None, *, required: bool) -> str | None:
    text = " ".join((reason or "").split())
    if required and not text:
        raise ValidationFailed.on("reason", "is required: the merchant is told why")
    if len(text) > REASON_MAX:
        raise ValidationFailed.on("reason", f"must be at most {REASON_MAX} characters")
    return text or None


async def hide(actor: Account | None, listing: Listing, reason: str | None = None) -> Listing:
    """Take a published listing off the public site.

    The merchant's staff hide their own listing at will; anyone else allowed to hide is an
    operator moderating, who must give a reason, which the merchant's owner is told.
    """
    await require_for_listing(actor, Action.HIDE, listing)
    by_staff = await allowed(actor, Action.EDIT, listing.merchant_id)  # type: ignore[attr-defined]
    why = _clean_reason(reason, required=not by_staff)
    async with atomic():
        current = await locked_listing(listing.id)
        if current.status != ListingStatus.PUBLISHED:
            raise WrongState(
                f"only a published listing can be hidden; this one is {current.status.value}"
            )
        await _transition(
            actor,
            current,
            ListingAction.HIDDEN,
            ListingStatus.HIDDEN,
            hidden_by_operator=not by_staff,
            reason=why,
        )
        if not by_staff:
            await _tell_owner_hidden(current, why or "")
    return current


async def _tell_owner_hidden(listing: Listing, reason: str) -> None:
    merchant = await Merchant.get(id=listing.merchant_id).prefetch_related("owner")  # type: ignore[attr-defined]
    await tell.listing_hidden(merchant.owner, listing, reason)


async def restore(actor: Account | None, listing: Listing) -> Listing:
    """Put a hidden listing back: after a moderation hide only an operator may."""
    async with atomic():
        current = await locked_listing(listing.id)
        if current.status != ListingStatus.HIDDEN:
            raise WrongState(
                f"only a hidden listing can be restored; this one is {current.status.value}"
            )
        if current.hidden_by_operator:
            await require(actor, Action.REVIEW_MERCHANT, current.merchant_id)  # type: ignore[attr-defined]
        else:
            await require_for_listing(actor, Action.PUBLISH, current)
        await _require_approved(current)
        return await _transition(actor, current, ListingAction.RESTORED, ListingStatus.PUBLISHED)


async def hide_all_of(actor: Account | None, merchant: Merchant, reason: str) -> int:
    """Moderation-hide every published listing of a merchant (used when it is suspended);
    call inside the caller's transaction. Returns how many were hidden."""
    hidden = 0
    for listing in await Listing.filter(merchant_id=merchant.id, status=ListingStatus.PUBLISHED):
        await _transition(
            actor,
            listing,
            ListingAction.HIDDEN,
            ListingStatus.HIDDEN,
            hidden_by_operator=True,
            reason=reason,
        )
        hidden += 1
    return hidden
