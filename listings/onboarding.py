"""Becoming a merchant: apply, get reviewed by an operator, bring in staff.

An application is a Merchant row in `pending`: the applicant is its owner from the start, so
they can prepare draft listings while they wait, but nothing is published before an operator
approves it. Decisions are told to the owner as notices (and e-mail after commit).

Staff invitations live in `listings.staff` and are re-exported here with the other verbs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from listings import merchant_notices as tell
from listings.catalogue import WrongState, hide_all_of
from listings.input_checks import ADDRESS_MAX, NAME_MAX, clean_names, failed, names_errors
from listings.models import Merchant, MerchantStaff
from listings.permissions import Action, require
from listings.services import locate
from listings.staff import (
    InviteInvalid,
    accept_invite,
    invite_staff,
    locked_account,
    locked_merchant,
    remove_staff,
    staff_of,
)
from listings.types import MerchantStatus, Vertical
from marketplace import clock
from marketplace.accounts import Role
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.accounts.services import (
    grant_role,
    normalise_email,
    normalise_phone,
)
from marketplace.errors import Conflict, FieldError, ValidationFailed
from marketplace.notices.services import atomic

if TYPE_CHECKING:
    from marketplace.city import City

CONTACT_NAME_MAX = 64
REASON_MAX = 1000


def _application_errors(
    city: City, fields: dict[str, Any]
) -> tuple[list[FieldError], dict[str, Any]]:
    errors: list[FieldError] = []
    row: dict[str, Any] = {}
    try:
        vertical = Vertical(fields["vertical"])
    except ValueError:
        errors.append(FieldError("vertical", f"unknown vertical {fields['vertical']!r}"))
    else:
        row["vertical"] = vertical
        if city.category(vertical, fields["category"]) is None:
            errors.append(
                FieldError("category", f"unknown {vertical.value} category {fields['category']!r}")
            )
        row["category"] = fields["category"]
    for key, limit in (("name", NAME_MAX), ("address", ADDRESS_MAX)):
        problems = names_errors(
            fields[key], city.locales, key, required=[city.default_locale], limit=limit
        )
        errors += problems
        if not problems:
            row[key] = clean_names(fields[key])
    try:
        point, district = locate(city, fields["lat"], fields["lng"])
        row.update(location=point.to_point(), district=district or None)
    except ValidationFailed as exc:
        errors += exc.errors
    phone, email = fields["contact_phone"], fields["contact_email"]
    try:
        if not phone or not str(phone).strip():
            raise ValidationFailed.on("contact_phone", "is required")
        row["contact_phone"] = normalise_phone(str(phone), field="contact_phone")
    except ValidationFailed as exc:
        errors += exc.errors
    try:
        if email:
            row["contact_email"] = normalise_email(str(email), field="contact_email")
    except ValidationFailed as exc:
        errors += exc.errors
    contact_name = " ".join(str(fields["contact_name"] or "").split())
    if not contact_name:
        errors.append(FieldError("contact_name", "is required"))
    elif len(contact_name) > CONTACT_NAME_MAX:
        errors.append(FieldError("contact_name", f"must be at most {CONTACT_NAME_MAX} characters"))
    row["contact_name"] = contact_name
    return errors, row


async def apply(
    city: City,
    applicant: Account | None,
    *,
    name: dict[str, str],
    vertical: Vertical | str,
    category: str,
    address: dict[str, str],
    lat: object,
    lng: object,
    contact_phone: str,
    contact_name: str,
    contact_email: str | None = None,
) -> Merchant:
    """A pending application owned by `applicant`; every bad field is reported at once."""
    if applicant is None:
        raise LoginRequired()
    fields = {
        "name": name,
        "vertical": vertical,
        "category": category,
        "address": address,
        "lat": lat,
        "lng": lng,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "contact_name": contact_name,
    }
    errors, row = _application_errors(city, fields)
    if errors:
        raise failed(errors)
    async with atomic():
        # the applicant's row is the lock that keeps two quick submits from both getting in
        await locked_account(applicant.id)
        if await Merchant.filter(owner_id=applicant.id, status=MerchantStatus.PENDING).exists():
            raise Conflict("you already have an application waiting for review")
        merchant = await Merchant.create(
            owner_id=applicant.id, status=MerchantStatus.PENDING, **row
        )
        # the owner is also staff, so "my merchants" finds every merchant one works for
        await MerchantStaff.create(merchant_id=merchant.id, account_id=applicant.id)
    return merchant


async def pending_applications(operator: Account | None, *, limit: int = 100) -> list[Merchant]:
    """Applications waiting for review, oldest first."""
    await require(operator, Action.REVIEW_MERCHANT, None)
    return (
        await Merchant.filter(status=MerchantStatus.PENDING)
        .order_by("created_at", "id")
        .limit(limit)
    )


def _reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed.on("reason", "is required: the applicant is told why")
    if len(text) > REASON_MAX:
        raise ValidationFailed.on("reason", f"must be at most {REASON_MAX} characters")
    return text


async def _reviewer(actor: Account | None, merchant: Merchant) -> Account:
    await require(actor, Action.REVIEW_MERCHANT, merchant.id)
    return cast(Account, actor)  # require() has refused None


async def _decide(
    operator: Account,
    merchant_id: int,
    allowed_from: tuple[MerchantStatus, ...],
    status: MerchantStatus,
    reason: str | None,
) -> Merchant:
    current = await locked_merchant(merchant_id)
    if current.status not in allowed_from:
        raise WrongState(f"the merchant is {current.status.value}; cannot become {status.value}")
    current.status = status
    current.rejection_reason = reason
    current.reviewed_by = operator
    current.reviewed_at = clock.now()
    await current.save()
    return current


async def approve(operator: Account | None, merchant: Merchant) -> Merchant:
    """Approve a pending application, or reinstate a suspended merchant. Listings hidden by the
    suspension stay hidden until an operator restores them, one by one, deliberately."""
    reviewer = await _reviewer(operator, merchant)
    pending_or_suspended = (MerchantStatus.PENDING, MerchantStatus.SUSPENDED)
    async with atomic():
        current = await _decide(
            reviewer, merchant.id, pending_or_suspended, MerchantStatus.APPROVED, None
        )
        owner = await locked_account(current.owner_id)  # type: ignore[attr-defined]
        await grant_role(owner, Role.MERCHANT_STAFF)
        await tell.approved(owner, current)
    return current


async def reject(operator: Account | None, merchant: Merchant, reason: str) -> Merchant:
    reviewer = await _reviewer(operator, merchant)
    why = _reason(reason)
    async with atomic():
        current = await _decide(
            reviewer, merchant.id, (MerchantStatus.PENDING,), MerchantStatus.REJECTED, why
        )
        owner = await Account.get(id=current.owner_id)  # type: ignore[attr-defined]
        await tell.rejected(owner, current, why)
    return current


async def suspend(operator: Account | None, merchant: Merchant, reason: str) -> Merchant:
    """Stop an approved merchant: its published listings are hidden as by an operator."""
    reviewer = await _reviewer(operator, merchant)
    why = _reason(reason)
    async with atomic():
        current = await _decide(
            reviewer, merchant.id, (MerchantStatus.APPROVED,), MerchantStatus.SUSPENDED, why
        )
        await hide_all_of(reviewer, current, f"merchant suspended: {why}")
        owner = await Account.get(id=current.owner_id)  # type: ignore[attr-defined]
        await tell.suspended(owner, current, why)
    return current


__all__ = [
    "InviteInvalid",
    "accept_invite",
    "apply",
    "approve",
    "invite_staff",
    "pending_applications",
    "reject",
    "remove_staff",
    "staff_of",
    "suspend",
]
