"""Places: a choice resolves to a point inside the city, a resident's current place and saved
addresses are kept per account, one address at a time serves, on both databases."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.places import MAX_ADDRESSES, PlaceKind
from marketplace.places import services as places
from marketplace.places.errors import (
    AddressNotFound,
    LabelTaken,
    OutsideCity,
    PlaceInvalid,
    TooManyAddresses,
)
from marketplace.places.models import SavedAddress
from tests.support.factories import make_account

NANDAJIE = (31.7782, 119.9516)
SHANGHAI = (31.2304, 121.4737)


def test_a_landmark_resolves_to_its_point_and_name(city) -> None:  # type: ignore[no-untyped-def]
    chosen = places.resolve(city, "landmark", ref="nandajie", locale="zh-CN")
    assert (chosen.lat, chosen.lng) == NANDAJIE
    assert chosen.kind is PlaceKind.LANDMARK and chosen.label == "南大街"


def test_a_district_resolves_to_a_point_inside_it(city) -> None:  # type: ignore[no-untyped-def]
    chosen = places.resolve(city, "district", ref="tianning", locale="en")
    assert chosen.label == "Tianning District"
    from geo.coords import LatLng

    district = city.area.district_at(LatLng(chosen.lat, chosen.lng))
    assert district is not None and district.slug == "tianning"


def test_a_point_is_named_by_its_district(city) -> None:  # type: ignore[no-untyped-def]
    chosen = places.resolve(city, "pin", lat=str(NANDAJIE[0]), lng=str(NANDAJIE[1]))
    assert chosen.kind is PlaceKind.PIN and chosen.label.endswith("区")


@pytest.mark.parametrize(
    ("kind", "values", "field", "reason"),
    [
        ("pin", {"lat": SHANGHAI[0], "lng": SHANGHAI[1]}, "lat", "is outside the city"),
        ("here", {"lat": "", "lng": "119.9"}, "lat", "is required"),
        ("here", {"lat": "north", "lng": "119.9"}, "lat", "must be a number"),
        ("pin", {"lat": "95", "lng": "119.9"}, "lat", None),
        ("district", {"ref": "pudong"}, "ref", "is not a district of this city"),
        ("landmark", {"ref": "bund"}, "ref", "is not a landmark of this city"),
        ("moon", {}, "kind", None),
        ("address", {}, "kind", None),
    ],
)
def test_bad_choices_name_the_field(city, kind, values, field, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlaceInvalid) as caught:
        places.resolve(city, kind, **values)
    assert caught.value.errors[0].field == field
    if reason:
        assert caught.value.errors[0].reason == reason
    assert caught.value.status == 422


def test_outside_the_city_has_its_own_code(city) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OutsideCity) as caught:
        places.checked_point(city, *SHANGHAI)
    assert caught.value.code == "outside_city"


async def test_the_current_place_is_kept_per_account(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei, lei = await make_account(), await make_account()
    assert await places.current_place(mei.id) is None
    chosen = places.resolve(city, "landmark", ref="nandajie")
    await places.set_current(mei.id, chosen)
    again = places.resolve(city, "district", ref="wujin")
    await places.set_current(mei.id, again)
    assert await places.current_place(mei.id) == again
    assert await places.current_place(lei.id) is None
    await places.clear_current(mei.id)
    assert await places.current_place(mei.id) is None


async def test_two_devices_choosing_at_once_leave_one_place(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei = await make_account()
    a = places.resolve(city, "landmark", ref="nandajie")
    b = places.resolve(city, "landmark", ref="hongmei-park")
    await asyncio.gather(*(places.set_current(mei.id, p) for p in (a, b, a, b)))
    assert await places.current_place(mei.id) in (a, b)


async def test_saved_addresses_add_rename_delete(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei = await make_account()
    home = await places.add_address(
        city, mei.id, label=" 家 ", lat=NANDAJIE[0], lng=NANDAJIE[1], address_text="3 栋 501"
    )
    assert home.label == "家" and home.serves  # the first address serves
    office = await places.add_address(city, mei.id, label="公司", lat=31.81, lng=119.97)
    assert not office.serves
    with pytest.raises(LabelTaken):
        await places.add_address(city, mei.id, label="家", lat=31.81, lng=119.97)
    with pytest.raises(LabelTaken):
        await places.change_address(mei.id, office.id, label="家")
    renamed = await places.change_address(mei.id, office.id, label="单位")
    assert renamed.label == "单位"
    assert [a.label for a in await places.addresses(mei.id)] == ["家", "单位"]
    await places.delete_address(mei.id, home.id)
    left = await places.addresses(mei.id)
    assert [(a.label, a.serves) for a in left] == [("单位", True)]  # it took over serving


async def test_an_address_outside_the_city_is_refused(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei = await make_account()
    with pytest.raises(OutsideCity):
        await places.add_address(city, mei.id, label="上海", lat=SHANGHAI[0], lng=SHANGHAI[1])
    with pytest.raises(PlaceInvalid) as caught:
        await places.add_address(city, mei.id, label="", lat=31.81, lng=119.97)
    assert caught.value.errors[0].field == "label"
    with pytest.raises(PlaceInvalid):
        await places.add_address(city, mei.id, label="x" * 33, lat=31.81, lng=119.97)
    assert await SavedAddress.filter(account_id=mei.id).count() == 0


async def test_another_residents_address_is_not_found(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei, lei = await make_account(), await make_account()
    home = await places.add_address(city, mei.id, label="家", lat=31.81, lng=119.97)
    for act in (
        places.delete_address(lei.id, home.id),
        places.set_serving(lei.id, home.id),
        places.use_address(lei.id, home.id),
        places.change_address(lei.id, home.id, label="我的"),
    ):
        with pytest.raises(AddressNotFound):
            await act
    assert (await SavedAddress.get(id=home.id)).label == "家"


async def test_using_an_address_makes_it_the_place_and_follows_renames(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei = await make_account()
    home = await places.add_address(city, mei.id, label="家", lat=31.81, lng=119.97)
    chosen = await places.use_address(mei.id, home.id)
    assert chosen.kind is PlaceKind.ADDRESS and chosen.address_id == home.id
    await places.change_address(mei.id, home.id, label="老家")
    current = await places.current_place(mei.id)
    assert current is not None and current.label == "老家"
    await places.delete_address(mei.id, home.id)
    kept = await places.current_place(mei.id)
    assert kept is not None and kept.address_id is None and kept.lat == 31.81


async def test_one_address_serves_even_when_chosen_at_once(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei = await make_account()
    made = [
        await places.add_address(city, mei.id, label=f"地址{i}", lat=31.81, lng=119.97)
        for i in range(4)
    ]
    await asyncio.gather(*(places.set_serving(mei.id, a.id) for a in made))
    serving = await SavedAddress.filter(account_id=mei.id, serves=True).count()
    assert serving == 1
    found = await places.serving_address(mei.id)
    assert found is not None


async def test_at_most_so_many_addresses(db: str, city) -> None:  # type: ignore[no-untyped-def]
    mei = await make_account()
    for i in range(MAX_ADDRESSES):
        await places.add_address(city, mei.id, label=f"地址{i}", lat=31.81, lng=119.97)
    with pytest.raises(TooManyAddresses):
        await places.add_address(city, mei.id, label="再一个", lat=31.81, lng=119.97)
