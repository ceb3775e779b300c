"""Tortoise models of the accounts domain (app label `taocity`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from marketplace.accounts import Role

# Roles are stored as ",resident,operator," so that `role_codes__contains=",operator,"` finds an
# exact role with plain LIKE on both SQLite and PostgreSQL, without JSON operators that differ.
ROLE_SEPARATOR = ","


def encode_roles(roles: frozenset[Role] | set[Role]) -> str:
    if not roles:
        return ""
    return ROLE_SEPARATOR + ROLE_SEPARATOR.join(sorted(r.value for r in roles)) + ROLE_SEPARATOR


def decode_roles(text: str) -> frozenset[Role]:
    known = {r.value for r in Role}
    # An unknown code (a role removed from the code base) is ignored rather than failing a login.
    return frozenset(Role(code) for code in text.split(ROLE_SEPARATOR) if code in known)


class Account(Model):
    id = fields.IntField(primary_key=True)
    # At least one of email and phone is set (enforced by services.sign_up); both are normalised
    # (email lower-case, phone "+<country><number>") before they are stored or looked up.
    email = fields.CharField(max_length=254, unique=True, null=True)
    phone = fields.CharField(max_length=20, unique=True, null=True)
    password_hash = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=64)
    locale = fields.CharField(max_length=16)
    role_codes = fields.CharField(max_length=128, source_field="roles", default="")
    is_active = fields.BooleanField(default=True)
    # Copied into the signed session cookie; bumping it invalidates every cookie issued before,
    # which is how a stateless session can still be logged out.
    session_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "accounts"

    @property
    def roles(self) -> frozenset[Role]:
        return decode_roles(self.role_codes)

    def has_role(self, *roles: Role) -> bool:
        """True when the account holds any of `roles`."""
        return not self.roles.isdisjoint(roles)

    @property
    def identifier(self) -> str:
        """What the person signs in with, for display."""
        return self.email or self.phone or ""

    def __str__(self) -> str:
        return f"Account {self.id} ({self.identifier})"


class LoginAttempt(Model):
    """One sign-in attempt, kept in the database so limits hold across web processes.

    (A semicolon in a model docstring would break the SQLite migration: Tortoise splits its
    statements on it.)
    """

    id = fields.BigIntField(primary_key=True)
    identifier = fields.CharField(max_length=254)
    ip = fields.CharField(max_length=45)
    succeeded = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "login_attempts"
        indexes = (("identifier", "created_at"), ("ip", "created_at"))


class SignupAttempt(Model):
    """One sign-up attempt, kept so that sign-up limits hold across web processes."""

    id = fields.BigIntField(primary_key=True)
    identifier = fields.CharField(max_length=254)
    ip = fields.CharField(max_length=45)
    created_at = fields.DatetimeField()

    class Meta:
        table = "signup_attempts"
        indexes = (("identifier", "created_at"), ("ip", "created_at"), ("created_at",))
