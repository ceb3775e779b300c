"""Choosing a place and keeping addresses: every point is checked against the city's boundary.

A resident's current place lives in `resident_places` (one row per account); a guest's in a
cookie the web layer writes. Both are made by `resolve`, so a place outside the city is refused
the same way wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from geo.coords import CoordinateError, LatLng
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.input_bounds import text_reason
from marketplace.places import (
    MAX_ADDRESS_TEXT,
    MAX_ADDRESSES,
    MAX_LABEL,
    ChosenPlace,
    PlaceKind,
)
from marketplace.places.errors import (
    AddressNotFound,
    LabelTaken,
    OutsideCity,
    PlaceInvalid,
    TooManyAddresses,
)
from marketplace.places.models import ResidentPlace, SavedAddress

# Six decimals is about 10 cm: more says nothing and makes cookies and rows longer.
_DIGITS = 6


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or value is None or value == "":
        raise PlaceInvalid.on(field, "is required")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PlaceInvalid.on(field, "must be a number") from None


def checked_point(city: City, lat: object, lng: object) -> LatLng:
    """A point inside the city, or PlaceInvalid naming `lat`/`lng` and why."""
    a, b = _number(lat, "lat"), _number(lng, "lng")
    try:
        point = LatLng(round(a, _DIGITS), round(b, _DIGITS))
    except CoordinateError as exc:
        raise PlaceInvalid.on(exc.field, exc.reason) from None
    if not city.area.contains(point):
        raise OutsideCity("lat")
    return point


def _district_name(city: City, point: LatLng, locale: str) -> str:
    district = city.area.district_at(point)
    return district.display_name(locale) if district is not None else ""


def resolve(
    city: City,
    kind: str,
    *,
    ref: str | None = None,
    lat: object = None,
    lng: object = None,
    locale: str = "zh-CN",
) -> ChosenPlace:
    """The place a choice names: a district or landmark by slug (`ref`), or a point (`lat`,
    `lng`) for the browser's position or a dropped pin, labelled with its district's name."""
    try:
        chosen = PlaceKind(kind)
    except ValueError:
        raise PlaceInvalid.on("kind", "must be here, district, landmark or pin") from None
    if chosen is PlaceKind.DISTRICT:
        district = city.area.district(ref or "")
        if district is None:
            raise PlaceInvalid.on("ref", "is not a district of this city")
        spot = district.polygon.representative_point()
        return ChosenPlace(
            round(spot.y, _DIGITS), round(spot.x, _DIGITS), chosen, district.display_name(locale)
        )
    if chosen is PlaceKind.LANDMARK:
        landmark = next((m for m in city.landmarks if m.slug == ref), None)
        if landmark is None:
            raise PlaceInvalid.on("ref", "is not a landmark of this city")
        return ChosenPlace(
            landmark.point.lat, landmark.point.lng, chosen, landmark.display_name(locale)
        )
    if chosen is PlaceKind.ADDRESS:
        raise PlaceInvalid.on("kind", "a saved address is chosen by its id")
    point = checked_point(city, lat, lng)
    return ChosenPlace(point.lat, point.lng, chosen, _district_name(city, point, locale))


def _chosen(row: ResidentPlace) -> ChosenPlace | None:
    try:
        kind = PlaceKind(row.kind)
    except ValueError:
        return None
    return ChosenPlace(row.lat, row.lng, kind, row.label, row.address_id)  # type: ignore[attr-defined]


async def current_place(account_id: int) -> ChosenPlace | None:
    row = await ResidentPlace.get_or_none(account_id=account_id)
    return _chosen(row) if row is not None else None


async def set_current(account_id: int, place: ChosenPlace) -> ChosenPlace:
    values = {
        "lat": place.lat,
        "lng": place.lng,
        "kind": place.kind.value,
        "label": place.label[:80],
        "address_id": place.address_id,
    }
    # One row per account (a unique key): two devices choosing at once leave one of the two.
    updated = await ResidentPlace.filter(account_id=account_id).update(**values)
    if not updated:
        try:
            await ResidentPlace.create(account_id=account_id, **values)
        except IntegrityError:
            await ResidentPlace.filter(account_id=account_id).update(**values)
    return place


async def clear_current(account_id: int) -> None:
    await ResidentPlace.filter(account_id=account_id).delete()


def _label(text: object) -> str:
    label = " ".join(str(text or "").split())
    if not label:
        raise PlaceInvalid.on("label", "is required")
    if len(label) > MAX_LABEL:
        raise PlaceInvalid.on("label", f"must be at most {MAX_LABEL} characters")
    if (reason := text_reason(label, multiline=False)) is not None:
        raise PlaceInvalid.on("label", reason)
    return label


def _address_text(text: object) -> str:
    words = " ".join(str(text or "").split())
    if len(words) > MAX_ADDRESS_TEXT:
        raise PlaceInvalid.on("address_text", f"must be at most {MAX_ADDRESS_TEXT} characters")
    if (reason := text_reason(words, multiline=False)) is not None:
        raise PlaceInvalid.on("address_text", reason)
    return words


async def addresses(account_id: int) -> Sequence[SavedAddress]:
    return await SavedAddress.filter(account_id=account_id).order_by("created_at", "id")


async def address(account_id: int, address_id: int) -> SavedAddress:
    found = await SavedAddress.get_or_none(id=address_id, account_id=account_id)
    if found is None:
        raise AddressNotFound()
    return found


async def serving_address(account_id: int) -> SavedAddress | None:
    return await SavedAddress.get_or_none(account_id=account_id, serves=True)


async def _lock_account(account_id: int) -> None:
    # Writes of one resident's addresses queue behind this row lock (PostgreSQL; SQLite
    # serialises writers anyway), so the count and the single "serves" flag hold.
    await Account.select_for_update().filter(id=account_id).first()


async def add_address(
    city: City,
    account_id: int,
    *,
    label: object,
    lat: object,
    lng: object,
    address_text: object = "",
    serves: bool = False,
) -> SavedAddress:
    name = _label(label)
    words = _address_text(address_text)
    point = checked_point(city, lat, lng)
    async with in_transaction():
        await _lock_account(account_id)
        kept = await SavedAddress.filter(account_id=account_id).count()
        if kept >= MAX_ADDRESSES:
            raise TooManyAddresses(MAX_ADDRESSES)
        if await SavedAddress.exists(account_id=account_id, label=name):
            raise LabelTaken()
        # the first address serves until another is chosen: there is nothing else to use
        first = kept == 0
        if serves:
            await SavedAddress.filter(account_id=account_id).update(serves=False)
        try:
            return await SavedAddress.create(
                account_id=account_id,
                label=name,
                lat=point.lat,
                lng=point.lng,
                address_text=words,
                serves=serves or first,
            )
        except IntegrityError:
            raise LabelTaken() from None


async def change_address(
    account_id: int,
    address_id: int,
    *,
    label: object = None,
    address_text: object = None,
) -> SavedAddress:
    """Rename an address or change its words for the door; its point stays."""
    async with in_transaction():
        await _lock_account(account_id)
        found = await address(account_id, address_id)
        if label is not None:
            name = _label(label)
            if name != found.label:
                if await SavedAddress.exists(account_id=account_id, label=name):
                    raise LabelTaken()
                found.label = name
        if address_text is not None:
            found.address_text = _address_text(address_text)
        try:
            await found.save(update_fields=["label", "address_text"])
        except IntegrityError:
            raise LabelTaken() from None
        if label is not None:
            # the current place shows the address by its label: keep the two the same
            await ResidentPlace.filter(account_id=account_id, address_id=found.id).update(
                label=found.label
            )
    return found


async def delete_address(account_id: int, address_id: int) -> None:
    async with in_transaction():
        await _lock_account(account_id)
        found = await address(account_id, address_id)
        await found.delete()
        if found.serves:
            # another address takes over "serves my address", the oldest one
            other = await SavedAddress.filter(account_id=account_id).order_by("id").first()
            if other is not None:
                other.serves = True
                await other.save(update_fields=["serves"])


async def set_serving(account_id: int, address_id: int) -> SavedAddress:
    async with in_transaction():
        await _lock_account(account_id)
        found = await address(account_id, address_id)
        await SavedAddress.filter(account_id=account_id).exclude(id=found.id).update(serves=False)
        found.serves = True
        await found.save(update_fields=["serves"])
    return found


async def use_address(account_id: int, address_id: int) -> ChosenPlace:
    """Make a saved address the current place."""
    found = await address(account_id, address_id)
    place = ChosenPlace(found.lat, found.lng, PlaceKind.ADDRESS, found.label, found.id)
    return await set_current(account_id, place)
