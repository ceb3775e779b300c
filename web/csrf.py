"""CSRF tokens: one random token per session, compared in constant time."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any

from marketplace.errors import PermissionDenied

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def get_token(session: MutableMapping[str, Any]) -> str:
    """The session's token, created on first use (which makes the session cookie be sent)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = rotate_token(session)
    return token


def rotate_token(session: MutableMapping[str, Any]) -> str:
    # A new token at sign-in means a token planted before sign-in cannot be used after it.
    token = secrets.token_urlsafe(32)
    session[SESSION_KEY] = token
    return token


def token_matches(session: MutableMapping[str, Any], presented: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not presented:
        return False
    return hmac.compare_digest(expected.encode(), presented.encode())


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(
            "This form has expired or did not come from this site. "
            "Please go back, reload the page and try again."
        )
