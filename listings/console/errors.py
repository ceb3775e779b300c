"""Errors of the console's memory: none of its own yet. A business the account may not open
is refused by `listings.merchant_reads` (NotFound, PermissionDenied) before it is remembered."""

from __future__ import annotations
