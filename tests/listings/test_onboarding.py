"""Becoming a merchant: applying, the operator's decision and what the applicant is told, staff."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from listings import catalogue, onboarding
from listings.catalogue import NotPublishable, WrongState
from listings.models import Listing, Merchant, MerchantInvite, MerchantStaff
from listings.onboarding import InviteInvalid
from listings.types import ListingStatus, MerchantStatus
from marketplace.accounts import Role
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.errors import Conflict, PermissionDenied, ValidationFailed
from marketplace.notices import services as notices
from marketplace.notices.models import Notice
from tests.support.catalogue_inputs import (
    LAT,
    LNG,
    OUT_LAT,
    OUT_LNG,
    CapturingMailer,
    make_operator,
    make_resident,
    merchant_with_owner,
    row_counts,
    shop_input,
)
from tests.support.factories import make_account


@pytest.fixture(autouse=True)
def mailer() -> Iterator[CapturingMailer]:
    captured = CapturingMailer()
    previous = notices.use_mailer(captured)
    yield captured
    notices.use_mailer(previous)


def application(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": {"zh-CN": "阿姨到家家政", "en": "Auntie Home Services"},
        "vertical": "housekeeping",
        "category": "cleaning",
        "address": {"zh-CN": "延陵西路 88 号"},
        "lat": LAT,
        "lng": LNG,
        "contact_phone": "138 1234 5678",
        "contact_email": "Boss@Example.test",
        "contact_name": "王 经理",
    }
    values.update(overrides)
    return values


async def test_a_resident_applies_and_waits_as_the_owner(db: str, city: City) -> None:
    applicant = await make_resident()
    merchant = await onboarding.apply(city, applicant, **application())
    stored = await Merchant.get(id=merchant.id)
    assert stored.status == MerchantStatus.PENDING
    assert stored.owner_id == applicant.id  # type: ignore[attr-defined]
    assert (stored.contact_phone, stored.contact_email) == ("+8613812345678", "boss@example.test")
    assert stored.contact_name == "王 经理" and stored.district == "zhonglou"
    assert stored.vertical == "housekeeping" and stored.category == "cleaning"
    assert await MerchantStaff.filter(merchant_id=merchant.id, account_id=applicant.id).exists()
    # the same person cannot queue a second application while one waits
    with pytest.raises(Conflict):
        await onboarding.apply(city, applicant, **application())
    with pytest.raises(LoginRequired):
        await onboarding.apply(city, None, **application())


@pytest.mark.parametrize(
    ("overrides", "field", "reason_part"),
    [
        ({"vertical": "spa"}, "vertical", "unknown vertical"),
        ({"category": "noodles"}, "category", "unknown housekeeping category 'noodles'"),
        ({"lat": OUT_LAT, "lng": OUT_LNG}, "location", "outside Changzhou"),
        ({"lat": "north"}, "location.lat", "must be a number"),
        ({"name": {"en": "Only English"}}, "name.zh-CN", "is required"),
        ({"name": {"zh-CN": "店", "fr": "Boutique"}}, "name.fr", "not one of the city's locales"),
        ({"address": {}}, "address.zh-CN", "is required"),
        ({"contact_phone": "12345"}, "contact_phone", "not a valid phone number"),
        ({"contact_phone": ""}, "contact_phone", "is required"),
        ({"contact_email": "boss@"}, "contact_email", "not a valid e-mail address"),
        ({"contact_name": "  "}, "contact_name", "is required"),
    ],
)
async def test_a_bad_application_names_the_field_and_writes_nothing(
    db: str, city: City, overrides: dict[str, Any], field: str, reason_part: str
) -> None:
    applicant = await make_resident()
    before = await row_counts()
    with pytest.raises(ValidationFailed) as err:
        await onboarding.apply(city, applicant, **application(**overrides))
    reasons = {e.field: e.reason for e in err.value.errors}
    assert list(reasons) == [field]
    assert reason_part in reasons[field]
    assert await row_counts() == before


async def test_every_application_problem_at_once(db: str, city: City) -> None:
    applicant = await make_resident()
    with pytest.raises(ValidationFailed) as err:
        await onboarding.apply(
            city,
            applicant,
            **application(vertical="spa", lat=0, lng=0, contact_phone="x", name={}),
        )
    assert {e.field for e in err.value.errors} == {
        "vertical",
        "location",
        "contact_phone",
        "name.zh-CN",
    }


async def test_an_operator_approves_and_the_owner_becomes_staff(
    db: str, city: City, mailer: CapturingMailer
) -> None:
    applicant = await make_resident()
    operator = await make_operator()
    merchant = await onboarding.apply(city, applicant, **application())
    assert [m.id for m in await onboarding.pending_applications(operator)] == [merchant.id]
    with pytest.raises(PermissionDenied):
        await onboarding.pending_applications(applicant)
    with pytest.raises(PermissionDenied):
        await onboarding.approve(applicant, merchant)

    approved = await onboarding.approve(operator, merchant)
    assert approved.status == MerchantStatus.APPROVED
    assert approved.reviewed_by_id == operator.id  # type: ignore[attr-defined]
    assert approved.reviewed_at is not None
    assert Role.MERCHANT_STAFF in (await Account.get(id=applicant.id)).roles
    notice = await Notice.get(account_id=applicant.id)
    assert notice.kind == "merchant_approved" and "阿姨到家家政" in notice.title["zh-CN"]
    assert [m.to for m in mailer.sent] == [applicant.email]
    assert await onboarding.pending_applications(operator) == []
    with pytest.raises(WrongState):
        await onboarding.approve(operator, merchant)


async def test_a_rejected_applicant_is_told_why(
    db: str, city: City, mailer: CapturingMailer
) -> None:
    applicant = await make_account(locale="en")
    operator = await make_operator()
    merchant = await onboarding.apply(city, applicant, **application())
    before = await row_counts()
    with pytest.raises(ValidationFailed) as err:
        await onboarding.reject(operator, merchant, "   ")
    assert [e.field for e in err.value.errors] == ["reason"]
    assert await row_counts() == before
    assert (await Merchant.get(id=merchant.id)).status == MerchantStatus.PENDING

    reason = "营业执照照片不清晰 / licence photo unreadable"
    rejected = await onboarding.reject(operator, merchant, reason)
    assert rejected.status == MerchantStatus.REJECTED and rejected.rejection_reason == reason
    notice = await Notice.get(account_id=applicant.id)
    assert notice.kind == "merchant_rejected"
    assert reason in notice.body["zh-CN"] and reason in notice.body["en"]
    assert len(mailer.sent) == 1
    assert mailer.sent[0].subject == "The application for Auntie Home Services was not approved"
    assert reason in mailer.sent[0].body
    # a rejected application cannot be approved, publish or grow listings; a new one can be made
    with pytest.raises(WrongState):
        await onboarding.approve(operator, merchant)
    with pytest.raises(WrongState):
        await catalogue.create_listing(city, applicant, rejected, **shop_input())
    assert (await onboarding.apply(city, applicant, **application())).id != merchant.id


async def test_suspension_hides_listings_until_an_operator_restores_them(
    db: str, city: City
) -> None:
    merchant, owner = await merchant_with_owner()
    operator = await make_operator()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    await catalogue.publish(owner, listing)

    await onboarding.suspend(operator, merchant, "多次投诉未处理")
    hidden = await Listing.get(id=listing.id)
    assert hidden.status == ListingStatus.HIDDEN and hidden.hidden_by_operator
    assert (await Notice.get(account_id=owner.id)).kind == "merchant_suspended"
    with pytest.raises(NotPublishable):
        await catalogue.publish(owner, listing)

    await onboarding.approve(operator, merchant)  # reinstated
    assert (await Listing.get(id=listing.id)).status == ListingStatus.HIDDEN
    restored = await catalogue.restore(operator, listing)
    assert restored.status == ListingStatus.PUBLISHED


async def test_staff_join_by_invitation_and_can_then_edit(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    listing = await catalogue.create_listing(city, owner, merchant, **shop_input())
    cashier = await make_account(email="cashier@example.test")

    invite, token = await onboarding.invite_staff(owner, merchant, "Cashier@Example.test")
    stored = await MerchantInvite.get(id=invite.id)
    assert stored.email == "cashier@example.test" and token not in stored.token_hash
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with pytest.raises(PermissionDenied):
        await catalogue.update_listing(city, cashier, listing, {"tags": ["fresh"]})

    await onboarding.accept_invite(cashier, token)
    assert Role.MERCHANT_STAFF in cashier.roles
    await catalogue.update_listing(city, cashier, listing, {"tags": ["fresh"]})
    assert (await Notice.get(account_id=owner.id)).kind == "staff_joined"
    staff = await onboarding.staff_of(owner, merchant)
    assert {s.account.id for s in staff} == {cashier.id}

    # staff may edit but not manage staff; the owner can take them off again
    with pytest.raises(PermissionDenied):
        await onboarding.invite_staff(cashier, merchant, "another@example.test")
    with pytest.raises(Conflict):
        await onboarding.invite_staff(owner, merchant, "cashier@example.test")
    with pytest.raises(Conflict):
        await onboarding.remove_staff(owner, merchant, owner)
    await onboarding.remove_staff(owner, merchant, cashier)
    assert Role.MERCHANT_STAFF not in (await Account.get(id=cashier.id)).roles
    with pytest.raises(PermissionDenied):
        await catalogue.update_listing(city, cashier, listing, {"tags": ["stale"]})


async def test_bad_invitation_tokens_are_refused_clearly(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner()
    invitee = await make_account(phone="+8613900000002", email=None)
    stranger = await make_account()
    _, token = await onboarding.invite_staff(owner, merchant, "139 0000 0002")

    async def reason(account: Account, text: str) -> str:
        with pytest.raises(InviteInvalid) as err:
            await onboarding.accept_invite(account, text)
        assert err.value.errors[0].field == "token"
        return err.value.errors[0].reason

    assert await reason(invitee, "not-a-token") == "is not a valid invitation"
    with pytest.raises(PermissionDenied):
        await onboarding.accept_invite(stranger, token)  # bound to the invited phone
    await onboarding.accept_invite(invitee, token)
    assert await reason(invitee, token) == "has already been used"

    _, old = await onboarding.invite_staff(owner, merchant, "late@example.test")
    late = await make_account(email="late@example.test")
    await MerchantInvite.filter(email="late@example.test").update(
        expires_at=(await MerchantInvite.get(email="late@example.test")).expires_at
        - timedelta(days=8)
    )
    assert (await reason(late, old)).startswith("has expired")
    assert not await MerchantStaff.filter(account_id=late.id).exists()


async def test_an_invitation_is_accepted_once_even_when_clicked_twice_at_once(
    db: str, city: City
) -> None:
    merchant, owner = await merchant_with_owner()
    invitee = await make_account(email="twice@example.test")
    _, token = await onboarding.invite_staff(owner, merchant, "twice@example.test")
    results = await asyncio.gather(
        onboarding.accept_invite(invitee, token),
        onboarding.accept_invite(invitee, token),
        return_exceptions=True,
    )
    assert sum(isinstance(r, MerchantStaff) for r in results) == 1
    assert sum(isinstance(r, InviteInvalid) for r in results) == 1
    assert await MerchantStaff.filter(account_id=invitee.id).count() == 1
    assert await Notice.filter(kind="staff_joined").count() == 1


async def test_a_pending_merchant_cannot_invite(db: str, city: City) -> None:
    merchant, owner = await merchant_with_owner(MerchantStatus.PENDING)
    with pytest.raises(WrongState):
        await onboarding.invite_staff(owner, merchant, "someone@example.test")
    assert await MerchantInvite.all().count() == 0


async def test_two_quick_submits_make_one_application(db: str, city: City) -> None:
    applicant = await make_resident()
    results = await asyncio.gather(
        onboarding.apply(city, applicant, **application()),
        onboarding.apply(city, applicant, **application()),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Merchant"]
    assert await Merchant.filter(owner_id=applicant.id).count() == 1
