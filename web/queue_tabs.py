"""Which tab a merchant's queue opens on: the one that has work, unless the reader chose one.

A queue (bookings by day, orders by state) is a row of tabs, each with how many items in it need
the merchant. Opening on an empty tab while work waits under the next one hides the work; so
without an explicit choice the queue opens on the first tab, in the queue's own order, whose
count is above zero, and on the first tab when none has work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tab:
    key: str
    label: str  # a message id, translated by the page
    count: int = 0  # items waiting for the merchant under this tab


def choose_tab(tabs: Sequence[Tab], chosen: str | None = None) -> str:
    """The key of the tab to show: `chosen` when it names one of `tabs`, else the first with
    work, else the first. An unknown choice (a stale link) is treated as no choice."""
    if not tabs:
        raise ValueError("a queue has at least one tab")
    if chosen and any(tab.key == chosen for tab in tabs):
        return chosen
    return next((tab.key for tab in tabs if tab.count > 0), tabs[0].key)
