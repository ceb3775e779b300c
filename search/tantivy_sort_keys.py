"""The reference's sort orders packed into one unsigned integer per listing, for tantivy to sort.

A key never contradicts the reference's order (a listing before another in the reference never
has a larger key) and is unique for ordinary values; where a value cannot be packed exactly (an
average with more than four decimals, a huge price or count), the lower parts are zero so those
listings tie instead of being misordered. Ties are then put in order exactly from the values
themselves (`search.tantivy_order`), so a key only has to be right, never complete.
"""

from __future__ import annotations

from search.documents import ListingDocument

FLAG = 1 << 62  # no value: after every listing with one
ID_BITS = 31
PRICE_BITS = 31
RATING_ID_BITS = 29
COUNT_BITS = 16
RATING_STEPS = 50_000  # averages on a 0.0001 grid from 0 to 5 pack exactly


def _capped(value: int, bits: int) -> tuple[int, bool]:
    top = (1 << bits) - 1
    return min(max(value, 0), top), 0 <= value <= top


def price_key(doc: ListingDocument, descending: bool) -> int:
    """(no price, price or minus price, id) as the reference orders price sorts."""
    listing_id, _ = _capped(doc.id, ID_BITS)
    if doc.price_from is None:
        return FLAG | listing_id
    price, exact = _capped(doc.price_from, PRICE_BITS)
    if descending:
        price = (1 << PRICE_BITS) - 1 - price
    return (price << ID_BITS) | (listing_id if exact else 0)


def _rating_rank(avg: float) -> tuple[int, bool]:
    """Best first: exact grid values get even ranks, values between two grid points the odd rank
    between them (all such values tie), values above 5 rank 0 and below 0 last."""
    if avg > 5:
        return 0, False
    if avg < 0:
        return 2 * RATING_STEPS + 3, False
    step = int(avg * 10_000)
    while step / 10_000 > avg:
        step -= 1
    while (step + 1) / 10_000 <= avg:
        step += 1
    exact = step / 10_000 == avg
    return 2 * (RATING_STEPS - step) + (2 if exact else 1), exact


def rating_key(doc: ListingDocument) -> int:
    """(unrated, minus average, minus count, id) as the reference orders the rating sort."""
    listing_id, _ = _capped(doc.id, RATING_ID_BITS)
    if doc.rating_avg is None:
        # unrated listings order by count, then id, too: the reference's key has both
        count, count_exact = _capped(doc.rating_count, COUNT_BITS)
        low = ((1 << COUNT_BITS) - 1 - count) << RATING_ID_BITS
        return FLAG | low | (listing_id if count_exact else 0)
    rank, avg_exact = _rating_rank(float(doc.rating_avg))
    key = rank << (COUNT_BITS + RATING_ID_BITS)
    if not avg_exact:
        return key
    count, count_exact = _capped(doc.rating_count, COUNT_BITS)
    key |= ((1 << COUNT_BITS) - 1 - count) << RATING_ID_BITS
    return key | (listing_id if count_exact else 0)


def surely_unique(field: str, key: int) -> bool:
    """Whether no other listing can have this key: it holds the listing's whole id."""
    mask = (1 << (RATING_ID_BITS if field == "rating_key" else ID_BITS)) - 1
    return 0 < key & mask < mask
