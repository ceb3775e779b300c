"""Errors of the code box, whatever kind of purchase a code belongs to."""

from __future__ import annotations

from datetime import datetime

from marketplace.errors import FieldError, MarketplaceError


class CodeNotFound(MarketplaceError):
    """No active purchase of this merchant has the code (another merchant's code included:
    whether it exists elsewhere is not told)."""

    code = "code_not_found"
    status = 404


class CodeAlreadyUsed(MarketplaceError):
    code = "code_already_used"
    status = 409


class CompletionTooEarly(MarketplaceError):
    """The code matched, but it is too early to complete the purchase: `opens_at` says when
    it becomes possible (pages show it in the city's time, in the reader's language)."""

    code = "completion_too_early"
    status = 409

    def __init__(self, message: str, *, opens_at: datetime) -> None:
        super().__init__(message, errors=[FieldError("code", message)])
        self.opens_at = opens_at


class CompletionTooLate(MarketplaceError):
    """The time to complete the purchase by its code ended at `closed_at`."""

    code = "completion_too_late"
    status = 409

    def __init__(self, message: str, *, closed_at: datetime) -> None:
        super().__init__(message, errors=[FieldError("code", message)])
        self.closed_at = closed_at
