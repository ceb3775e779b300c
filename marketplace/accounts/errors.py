"""Errors of the accounts domain; the web layer maps them through their base classes."""

from __future__ import annotations

from marketplace.errors import AuthenticationFailed

# One message for a wrong password, an unknown account and a disabled one, so the answer does
# not reveal which accounts exist.
BAD_CREDENTIALS = "The account or password is not correct."
ALREADY_REGISTERED = "already registered"


class BadCredentials(AuthenticationFailed):
    def __init__(self) -> None:
        super().__init__(BAD_CREDENTIALS)


class LoginRequired(AuthenticationFailed):
    """No signed-in account where one is needed: pages redirect to the sign-in form."""

    code = "login_required"

    def __init__(self) -> None:
        super().__init__("Please sign in to continue.")
