"""Password hashing with argon2id; the only module that knows how passwords are stored."""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from marketplace.errors import ValidationFailed

MIN_LENGTH = 8
# Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
MAX_LENGTH = 1024

# argon2-cffi's defaults follow RFC 9106's recommended low-memory profile (argon2id).
_hasher = PasswordHasher()


def check_strength(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed.on(field, f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValidationFailed.on(field, f"must be at most {MAX_LENGTH} characters")
    if len(set(password)) == 1:
        raise ValidationFailed.on(field, "must not repeat a single character")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return _hasher.hash("taocity dummy password, never a real one")


def prepare() -> None:
    """Make the dummy hash now, so the first unknown-account sign-in is not the slow one."""
    _dummy_hash()


def burn_verification(password: str) -> None:
    """Spend the time a real verification takes, so an unknown account is not told apart."""
    verify_password(_dummy_hash(), password)


# argon2 takes tens of milliseconds of CPU by design; off the event loop it does not stall
# other requests.
async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


async def burn_verification_async(password: str) -> None:
    await asyncio.to_thread(burn_verification, password)
