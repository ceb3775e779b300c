"""Opening hours as index terms, so "open at minute m" is a term query with no check afterwards.

A listing's open minutes of the week are cut into aligned blocks (whole days, four hours, an
hour, a quarter, five minutes, one minute), each indexed as a term `size.start`. A minute lies in
exactly one block of each size, so a listing is open at m exactly when it has one of m's six
block terms. Real hours start and end on the quarter hour, so a listing has a few dozen terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from listings.hours import in_minute_ranges
from search.interfaces import WEEK_MINUTES

BLOCKS = (1440, 240, 60, 15, 5, 1)


def open_intervals(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The minutes m of the week where `in_minute_ranges(ranges, m)` holds, as [start, end).

    That function can only change its answer at a range's start (or the minute after: it
    bisects on (minute, WEEK_MINUTES + 1)) or end, so evaluating it once per piece between those
    points gives its exact answer everywhere, whatever the ranges hold."""
    points = {0, WEEK_MINUTES}
    for start, end in ranges:
        points.update(p for p in (start, start + 1, end) if 0 < p < WEEK_MINUTES)
    cuts = sorted(points)
    intervals: list[tuple[int, int]] = []
    for a, b in pairwise(cuts):
        if in_minute_ranges(ranges, a):
            if intervals and intervals[-1][1] == a:
                intervals[-1] = (intervals[-1][0], b)
            else:
                intervals.append((a, b))
    return intervals


def block_term(size: int, start: int) -> str:
    return f"{size}.{start}"


def open_terms(ranges: Sequence[tuple[int, int]]) -> list[str]:
    """The block terms covering every open minute, largest aligned blocks first."""
    terms: list[str] = []
    for a, b in open_intervals(ranges):
        m = a
        while m < b:
            size = next(s for s in BLOCKS if m % s == 0 and m + s <= b)
            terms.append(block_term(size, m))
            m += size
    return terms


def minute_terms(minute: int) -> list[str]:
    """The blocks that hold `minute`: a listing open then has exactly one of them."""
    return [block_term(size, minute - minute % size) for size in BLOCKS]
