"""Accounts and roles: who someone is on the platform and what they may do.

Models live in `models.py`, verbs in `services.py`; this module holds only the vocabulary so that
importing it never pulls in the ORM.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What an account may do. One account may hold several roles."""

    RESIDENT = "resident"
    MERCHANT_STAFF = "merchant_staff"
    OPERATOR = "operator"


__all__ = ["Role"]
