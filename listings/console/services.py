"""Verbs of the console's memory: remember the business opened, recall it, find businesses by
name."""

from __future__ import annotations

import unicodedata

from listings.console.models import ConsoleChoice
from listings.merchant_reads import merchants_of
from listings.models import Merchant
from marketplace import clock
from marketplace.accounts.models import Account

# a typed search longer than this is cut: no business name comes near it
MAX_QUERY = 60


async def remember(account: Account, merchant: Merchant) -> None:
    """Note `merchant` as the one `account` works on now (the caller has checked the account
    may open it). Writes only when the choice changes, so reopening a page costs one read."""
    current = await ConsoleChoice.get_or_none(account_id=account.id)
    if current is None:
        await ConsoleChoice.create(account=account, merchant=merchant, chosen_at=clock.now())
    elif current.merchant_id != merchant.id:  # type: ignore[attr-defined]
        current.merchant_id = merchant.id  # type: ignore[attr-defined]
        current.chosen_at = clock.now()
        await current.save(update_fields=["merchant_id", "chosen_at"])


async def remembered(account: Account, among: list[Merchant] | None = None) -> Merchant | None:
    """The business `account` last opened, if it still is one of theirs (staff can be removed,
    so the memory is checked against `among`, the account's businesses, read when not given)."""
    choice = await ConsoleChoice.get_or_none(account_id=account.id)
    if choice is None:
        return None
    mine = among if among is not None else await merchants_of(account)
    return next((m for m in mine if m.id == choice.merchant_id), None)  # type: ignore[attr-defined]


def _folded(text: str) -> str:
    # full-width letters typed by a Chinese keyboard match the half-width ones of a name
    return unicodedata.normalize("NFKC", text).casefold()


def _names(merchant: Merchant) -> list[str]:
    names = merchant.name if isinstance(merchant.name, dict) else {}
    return [_folded(str(text)) for text in names.values() if text]


def matching(merchants: list[Merchant], query: str) -> list[Merchant]:
    """The businesses whose name, in any locale, contains every word typed (case and width of
    Latin letters ignored), in the order given."""
    words = _folded(query[:MAX_QUERY]).split()
    if not words:
        return list(merchants)
    return [m for m in merchants if all(any(word in name for name in _names(m)) for word in words)]
