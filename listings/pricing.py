"""The one price a listing is known by (人均 ¥45 / ¥120 起 / ¥80/节): shown on cards and pages,
filtered and sorted on in search."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from listings.types import Vertical


class PriceKind(StrEnum):
    """How a vertical's headline price reads: 人均 ¥45 / ¥120 起 / ¥80/节."""

    PER_PERSON = "per_person"
    FROM = "from"
    PER_LESSON = "per_lesson"


def headline_price(
    vertical: Vertical, attributes: Mapping[str, Any], offerings: Iterable[tuple[int, bool]]
) -> tuple[PriceKind, int] | None:
    """`offerings` are (price, is_trial) of the active offerings; None when nothing is priced."""
    priced = list(offerings)
    if vertical is Vertical.RESTAURANT:
        avg = attributes.get("avg_price_per_person")
        if isinstance(avg, int) and not isinstance(avg, bool):
            return PriceKind.PER_PERSON, avg
        return _lowest(priced, PriceKind.FROM)
    if vertical is Vertical.TUTORING:
        # a trial lesson is a taster, often free: the regular lesson is the price that counts
        regular = [o for o in priced if not o[1]]
        return _lowest(regular or priced, PriceKind.PER_LESSON)
    return _lowest(priced, PriceKind.FROM)


def _lowest(priced: list[tuple[int, bool]], kind: PriceKind) -> tuple[PriceKind, int] | None:
    return (kind, min(p for p, _ in priced)) if priced else None
