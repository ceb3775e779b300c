"""Errors of the code box, whatever kind of purchase a code belongs to."""

from __future__ import annotations

from marketplace.errors import MarketplaceError


class CodeNotFound(MarketplaceError):
    """No active purchase of this merchant has the code (another merchant's code included:
    whether it exists elsewhere is not told)."""

    code = "code_not_found"
    status = 404


class CodeAlreadyUsed(MarketplaceError):
    code = "code_already_used"
    status = 409
