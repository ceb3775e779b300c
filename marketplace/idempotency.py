"""Idempotent creation: a client sends the same key with a retried request (a double click, a
flaky network) and gets the first result back instead of a second booking or order.

The key is unique per resident in the table it creates; the request's canonical hash is stored
beside it, so the same key with a different body is refused rather than silently answered with
something the client did not ask for.

Creation inserts the row that carries the key first and only then takes capacity or stock, in
one transaction: copies of a request sent at once meet at the key (the database makes every
copy but the first wait for it and then fail on the unique constraint), so they replay the first
copy's result instead of finding the last place already gone. A first copy that fails rolls
back, and the key is free again.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from marketplace.errors import Conflict, ValidationFailed

KEY = re.compile(r"[A-Za-z0-9._:-]{8,80}")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise ValidationFailed.on("idempotency_key", "is required (8-80 letters, digits, ._:-)")
    if not KEY.fullmatch(key):
        raise ValidationFailed.on("idempotency_key", "must be 8-80 letters, digits or ._:-")
    return key


def request_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def same_request(stored_hash: str, new_hash: str, what: str) -> None:
    if stored_hash != new_hash:
        raise IdempotencyKeyReused(
            f"this idempotency key was used for a different {what}; use a new key"
        )
