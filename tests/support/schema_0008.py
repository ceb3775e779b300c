"""Writing bookings and orders as the code at migration 0008 did, for migration tests that fill
a database at that schema with today's code: no payable is opened and no code is claimed in
`purchase_codes` (neither table exists yet)."""

from __future__ import annotations

import pytest


async def _nothing(*args: object, **kwargs: object) -> None:
    return None


def write_as_at_0008(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("marketplace.bookings.holds", "marketplace.orders.checkout"):
        monkeypatch.setattr(f"{module}.open_payable", _nothing)
    monkeypatch.setattr("marketplace.purchases.codes.claim", _nothing)
