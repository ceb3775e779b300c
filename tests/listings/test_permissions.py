"""The permission rules, walked as a matrix of role × action × whose merchant."""

from __future__ import annotations

import pytest

from listings.models import MerchantStaff
from listings.permissions import Action, allowed, require
from marketplace.accounts import Role
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import encode_roles
from marketplace.errors import PermissionDenied
from tests.support.factories import make_account, make_merchant

OWN, OTHER = "own", "other"

# (who, action, whose merchant) -> allowed
EXPECTED = {
    ("owner", Action.EDIT, OWN): True,
    ("owner", Action.EDIT, OTHER): False,
    ("owner", Action.PUBLISH, OWN): True,
    ("owner", Action.HIDE, OWN): True,
    ("owner", Action.HIDE, OTHER): False,
    ("owner", Action.MANAGE_STAFF, OWN): True,
    ("owner", Action.REVIEW_MERCHANT, OWN): False,
    ("staff", Action.EDIT, OWN): True,
    ("staff", Action.EDIT, OTHER): False,
    ("staff", Action.PUBLISH, OWN): True,
    ("staff", Action.MANAGE_STAFF, OWN): False,
    ("staff", Action.REVIEW_MERCHANT, OWN): False,
    ("operator", Action.EDIT, OWN): False,
    ("operator", Action.PUBLISH, OWN): False,
    ("operator", Action.HIDE, OWN): True,
    ("operator", Action.HIDE, OTHER): True,
    ("operator", Action.REVIEW_MERCHANT, OTHER): True,
    ("operator", Action.MANAGE_STAFF, OWN): False,
    ("resident", Action.EDIT, OWN): False,
    ("resident", Action.PUBLISH, OWN): False,
    ("resident", Action.HIDE, OWN): False,
    ("resident", Action.REVIEW_MERCHANT, OWN): False,
    ("resident", Action.MANAGE_STAFF, OWN): False,
}


async def test_permission_matrix(db: str) -> None:
    owner = await make_account(role_codes=encode_roles({Role.MERCHANT_STAFF}))
    staff = await make_account(role_codes=encode_roles({Role.MERCHANT_STAFF}))
    operator = await make_account(role_codes=encode_roles({Role.OPERATOR}))
    resident = await make_account(role_codes=encode_roles({Role.RESIDENT}))
    own = await make_merchant(owner=owner)
    other = await make_merchant()
    await MerchantStaff.create(merchant=own, account=staff)
    people = {"owner": owner, "staff": staff, "operator": operator, "resident": resident}
    merchants = {OWN: own.id, OTHER: other.id}

    wrong = [
        key
        for key, expected in EXPECTED.items()
        if await allowed(people[key[0]], key[1], merchants[key[2]]) is not expected
    ]
    assert wrong == []


async def test_require_distinguishes_anonymous_from_forbidden(db: str) -> None:
    merchant = await make_merchant()
    with pytest.raises(LoginRequired):
        await require(None, Action.EDIT, merchant.id)
    stranger = await make_account()
    with pytest.raises(PermissionDenied):
        await require(stranger, Action.EDIT, merchant.id)
    owner = await merchant.owner
    assert await allowed(owner, Action.EDIT, merchant.id)
    owner.is_active = False  # a disabled account loses every right at once
    await owner.save()
    assert not await allowed(owner, Action.EDIT, merchant.id)
