"""What a session cookie carries besides the account id: proof it predates no password change.

The cookie holds a short keyed digest of the account's password hash as it was at sign-in. When
the password changes (by its owner, an operator or a restore), the digest no longer matches and
every earlier cookie stops working, without a row per session. The digest is keyed with the
session secrets so that the cookie, which is signed but readable, reveals nothing of the hash.
"""

from __future__ import annotations

import hashlib
import hmac

_DIGEST_CHARS = 16  # 64 bits: forging it means guessing, and every guess needs a signed cookie


def password_stamp(password_hash: str, key: str) -> str:
    mac = hmac.new(key.encode(), b"session-password:" + password_hash.encode(), hashlib.sha256)
    return mac.hexdigest()[:_DIGEST_CHARS]


def stamp_matches(password_hash: str, stamp: object, keys: tuple[str, ...]) -> bool:
    """True when `stamp` was made from this hash with one of `keys` (the previous ones during a
    secret rotation)."""
    if not isinstance(stamp, str):
        return False
    return any(hmac.compare_digest(password_stamp(password_hash, key), stamp) for key in keys)
