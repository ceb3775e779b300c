"""Async verbs of the accounts domain. Callers pass plain values; errors are MarketplaceErrors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tortoise.exceptions import IntegrityError

from marketplace import clock
from marketplace.accounts import Role, passwords, ratelimit
from marketplace.accounts.errors import ALREADY_REGISTERED, BadCredentials
from marketplace.accounts.models import Account, encode_roles
from marketplace.errors import NotFound, ValidationFailed

EMAIL_MAX = 254
DISPLAY_NAME_MAX = 64
# Deliberately loose: one "@", no spaces, a dot in the domain. Deliverability is proven by
# sending mail, not by a regular expression.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Mainland mobile numbers are 11 digits starting with 1; they are what residents type.
_CN_MOBILE = re.compile(r"^1\d{10}$")
DEFAULT_COUNTRY_CODE = "86"


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised sign-in name: an e-mail address or a phone number in +<digits> form."""

    kind: Literal["email", "phone"]
    value: str


def normalise_email(raw: str, *, field: str = "identifier") -> str:
    email = raw.strip().lower()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise ValidationFailed.on(field, "is not a valid e-mail address")
    return email


def normalise_phone(
    raw: str, *, field: str = "identifier", country_code: str = DEFAULT_COUNTRY_CODE
) -> str:
    """Return "+<country><number>" (E.164 shape) or raise ValidationFailed."""
    text = _PHONE_PUNCTUATION.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        text = f"+{country_code}{text.removeprefix('0')}"
    digits = text[1:]
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ValidationFailed.on(field, "is not a valid phone number")
    if digits.startswith("86") and not _CN_MOBILE.match(digits[2:]):
        raise ValidationFailed.on(field, "is not a valid phone number")
    return text


def parse_identifier(raw: str, *, field: str = "identifier") -> Identifier:
    if not raw or not raw.strip():
        raise ValidationFailed.on(field, "is required")
    if "@" in raw:
        return Identifier("email", normalise_email(raw, field=field))
    return Identifier("phone", normalise_phone(raw, field=field))


def _clean_display_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ValidationFailed.on("display_name", "is required")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationFailed.on("display_name", f"must be at most {DISPLAY_NAME_MAX} characters")
    return name


def _check_locale(locale: str) -> str:
    if not _LOCALE.match(locale):
        raise ValidationFailed.on("locale", "is not a locale such as zh-CN or en")
    return locale


async def find_account(identifier: Identifier) -> Account | None:
    if identifier.kind == "email":
        return await Account.get_or_none(email=identifier.value)
    return await Account.get_or_none(phone=identifier.value)


async def get_account(account_id: int) -> Account:
    account = await Account.get_or_none(id=account_id)
    if account is None:
        raise NotFound("No such account.")
    return account


async def account_for_session(account_id: int, session_version: int) -> Account | None:
    """The account a session cookie names, if that cookie is still valid."""
    account = await Account.get_or_none(id=account_id)
    if account is None or not account.is_active or account.session_version != session_version:
        return None
    return account


async def sign_up(
    identifier: str,
    password: str,
    display_name: str,
    locale: str,
    *,
    roles: frozenset[Role] = frozenset({Role.RESIDENT}),
) -> Account:
    ident = parse_identifier(identifier)
    name = _clean_display_name(display_name)
    passwords.check_strength(password)
    _check_locale(locale)
    if await find_account(ident) is not None:
        raise ValidationFailed.on("identifier", ALREADY_REGISTERED)
    password_hash = await passwords.hash_password_async(password)
    try:
        return await Account.create(
            email=ident.value if ident.kind == "email" else None,
            phone=ident.value if ident.kind == "phone" else None,
            password_hash=password_hash,
            display_name=name,
            locale=locale,
            role_codes=encode_roles(roles),
        )
    except IntegrityError:
        # Two sign-ups raced past the check above; the unique index decided.
        raise ValidationFailed.on("identifier", ALREADY_REGISTERED) from None


def _throttle_key(identifier: str) -> str:
    """The name a throttle counts under: normalised when it parses, so spellings share a count."""
    try:
        return parse_identifier(identifier).value
    except ValidationFailed:
        return identifier.strip().lower()[:EMAIL_MAX]


async def register(
    identifier: str,
    password: str,
    display_name: str,
    locale: str,
    ip: str,
    *,
    limits: ratelimit.SignupLimits | None = None,
) -> Account:
    """A sign-up from the web: counted per address and per identifier before anything else, so
    that neither hashing nor the "already registered" answer can be had in bulk."""
    await ratelimit.begin_signup(_throttle_key(identifier), ip, limits or ratelimit.SignupLimits())
    return await sign_up(identifier, password, display_name, locale)


async def authenticate(
    identifier: str,
    password: str,
    ip: str,
    *,
    limits: ratelimit.LoginLimits | None = None,
) -> Account:
    """The account for these credentials; BadCredentials or RateLimited otherwise."""
    limits = limits or ratelimit.LoginLimits()
    try:
        ident: Identifier | None = parse_identifier(identifier)
    except ValidationFailed:
        # A malformed name is treated like an unknown account: same answer, same cost.
        ident = None
    attempt = await ratelimit.begin_attempt(_throttle_key(identifier), ip, limits)
    account = await find_account(ident) if ident is not None else None
    if account is None or not account.is_active:
        await passwords.burn_verification_async(password)
        raise BadCredentials()
    if not await passwords.verify_password_async(account.password_hash, password):
        raise BadCredentials()
    await ratelimit.mark_succeeded(attempt)
    update = ["last_login_at", "updated_at"]
    account.last_login_at = clock.now()
    # (a new hash also ends the account's other sessions: rare, only when parameters change)
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = await passwords.hash_password_async(password)
        update.append("password_hash")
    await account.save(update_fields=update)
    return account


async def set_password(account: Account, password: str) -> None:
    """Give the account a new password. Every session signed in before stops working: each
    carries a digest of the password hash it was issued under (see accounts.sessions)."""
    passwords.check_strength(password)
    account.password_hash = await passwords.hash_password_async(password)
    await account.save(update_fields=["password_hash", "updated_at"])


async def end_sessions(account: Account) -> None:
    """Invalidate every session cookie issued for this account (logout, password change)."""
    await Account.filter(id=account.id).update(session_version=account.session_version + 1)
    account.session_version += 1


async def set_locale(account: Account, locale: str) -> None:
    account.locale = _check_locale(locale)
    await account.save(update_fields=["locale", "updated_at"])


async def _save_roles(account: Account, roles: frozenset[Role]) -> None:
    account.role_codes = encode_roles(roles)
    await account.save(update_fields=["role_codes", "updated_at"])


async def grant_role(account: Account, role: Role) -> None:
    await _save_roles(account, account.roles | {role})


async def revoke_role(account: Account, role: Role) -> None:
    await _save_roles(account, account.roles - {role})


async def create_operator(email: str, password: str, name: str) -> Account:
    normalised = normalise_email(email, field="email")
    return await sign_up(normalised, password, name, "zh-CN", roles=frozenset({Role.OPERATOR}))


async def count_accounts_by_role() -> dict[Role, int]:
    return {
        role: await Account.filter(role_codes__contains=f",{role.value},").count() for role in Role
    }


async def count_accounts() -> int:
    return await Account.all().count()
