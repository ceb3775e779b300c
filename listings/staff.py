"""A merchant's staff: invitations from the owner, accepting them, removing people.

An invitation carries a random token that is shown once; only its SHA-256 is stored. It is
bound to the e-mail or phone it was sent to: the account accepting it must sign in with that,
so a forwarded link does not let a stranger in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from listings import merchant_notices as tell
from listings.catalogue import WrongState
from listings.models import Merchant, MerchantInvite, MerchantStaff
from listings.permissions import Action, require
from listings.types import MerchantStatus
from marketplace import clock
from marketplace.accounts import Role
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.accounts.services import grant_role, parse_identifier, revoke_role
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.notices.services import atomic

INVITE_TTL = timedelta(days=7)


class InviteInvalid(ValidationFailed):
    code = "invite_invalid"


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def locked_merchant(merchant_id: int) -> Merchant:
    merchant = await Merchant.filter(id=merchant_id).select_for_update().first()
    if merchant is None:
        raise NotFound("No such merchant.")
    return merchant


async def locked_account(account_id: int) -> Account:
    # roles are read, changed and written back: the lock keeps two grants from losing one
    return await Account.filter(id=account_id).select_for_update().get()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_staff(
    owner: Account | None, merchant: Merchant, identifier: str
) -> tuple[MerchantInvite, str]:
    """An invitation for the person signing in with `identifier` (e-mail or phone); returns it
    with its token, which the caller hands to the invitee (a link) and which is not kept."""
    await require(owner, Action.MANAGE_STAFF, merchant.id)
    ident = parse_identifier(identifier, field="identifier")
    token = secrets.token_urlsafe(32)
    async with atomic():
        current = await locked_merchant(merchant.id)
        if current.status != MerchantStatus.APPROVED:
            raise WrongState("staff can be invited once the merchant is approved")
        on_staff = MerchantStaff.filter(
            merchant_id=current.id, **{f"account__{ident.kind}": ident.value}
        )
        if await on_staff.exists():
            raise Conflict(f"{ident.value} is already on the staff")
        open_invites = MerchantInvite.filter(merchant_id=current.id, accepted_at=None)
        await open_invites.filter(**{ident.kind: ident.value}).delete()  # the newest link wins
        invite = await MerchantInvite.create(
            merchant_id=current.id,
            token_hash=_token_hash(token),
            invited_by_id=owner.id if owner else None,
            expires_at=clock.now() + INVITE_TTL,
            **{ident.kind: ident.value},
        )
    return invite, token


async def accept_invite(account: Account | None, token: str) -> MerchantStaff:
    """Join the merchant's staff with an invitation's token."""
    if account is None:
        raise LoginRequired()
    invite = await MerchantInvite.get_or_none(token_hash=_token_hash(token or ""))
    if invite is None:
        raise InviteInvalid.on("token", "is not a valid invitation")
    if invite.accepted_at is not None:
        raise InviteInvalid.on("token", "has already been used")
    if _as_utc(invite.expires_at) <= clock.now():
        raise InviteInvalid.on("token", "has expired: ask the owner for a new invitation")
    if (invite.email or invite.phone) not in (account.email, account.phone):
        raise PermissionDenied("this invitation is for another e-mail address or phone number")
    async with atomic():
        merchant = await locked_merchant(invite.merchant_id)  # type: ignore[attr-defined]
        if merchant.status != MerchantStatus.APPROVED:
            raise WrongState(f"the merchant is {merchant.status.value}")
        # conditional on still being open, so two tabs accepting at once succeed only once
        taken = await MerchantInvite.filter(id=invite.id, accepted_at=None).update(
            accepted_at=clock.now(), accepted_by_id=account.id
        )
        if taken == 0:
            raise InviteInvalid.on("token", "has already been used")
        staff, _ = await MerchantStaff.get_or_create(merchant_id=merchant.id, account_id=account.id)
        fresh = await locked_account(account.id)
        await grant_role(fresh, Role.MERCHANT_STAFF)
        owner = await Account.get(id=merchant.owner_id)  # type: ignore[attr-defined]
        await tell.staff_joined(owner, merchant, fresh)
    account.role_codes = fresh.role_codes
    return staff


async def remove_staff(owner: Account | None, merchant: Merchant, member: Account) -> None:
    """Take `member` off the staff; the owner cannot be removed."""
    await require(owner, Action.MANAGE_STAFF, merchant.id)
    if member.id == merchant.owner_id:  # type: ignore[attr-defined]
        raise Conflict("the owner cannot be removed from the staff")
    async with atomic():
        removed = await MerchantStaff.filter(merchant_id=merchant.id, account_id=member.id).delete()
        if removed == 0:
            raise NotFound("not on this merchant's staff")
        still_works = (
            await MerchantStaff.filter(account_id=member.id).exists()
            or await Merchant.filter(owner_id=member.id).exists()
        )
        if not still_works:
            await revoke_role(await locked_account(member.id), Role.MERCHANT_STAFF)


async def staff_of(actor: Account | None, merchant: Merchant) -> list[MerchantStaff]:
    """The merchant's staff, owner included, for the people who manage it."""
    await require(actor, Action.EDIT, merchant.id)
    return (
        await MerchantStaff.filter(merchant_id=merchant.id)
        .prefetch_related("account")
        .order_by("id")
    )
