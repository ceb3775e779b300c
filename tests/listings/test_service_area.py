"""Service areas: drawn polygons checked and fitted to the city, radii turned into polygons."""

from __future__ import annotations

import pytest
import shapely

from geo.coords import LatLng
from listings.errors import OutsideCity
from listings.service_area import area_for, drawn_area, parse_drawn, radius_area
from listings.types import Vertical
from listings.verticals import ListingAttributes, validate_attributes
from marketplace.city import City
from marketplace.errors import ValidationFailed
from tests.support.catalogue_inputs import (
    EDGE_LAT,
    EDGE_LNG,
    LAT,
    LNG,
    OUT_LAT,
    OUT_LNG,
    bow_tie,
    square,
)


def fields_of(err: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.reason for e in err.value.errors}


def test_a_drawn_area_inside_the_city_is_kept_as_drawn(city: City) -> None:
    area = drawn_area(city, square(LAT, LNG))
    assert area.notes == ()
    assert area.polygon.equals(shapely.geometry.shape(square(LAT, LNG)))


def test_a_feature_from_a_map_drawing_tool_is_accepted(city: City) -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": square(LAT, LNG)}
    assert drawn_area(city, feature).polygon.covers(LatLng(LAT, LNG).to_point())


def test_a_self_intersecting_polygon_is_refused_with_the_reason(city: City) -> None:
    with pytest.raises(ValidationFailed) as err:
        drawn_area(city, bow_tie(LAT, LNG))
    reasons = fields_of(err)
    assert list(reasons) == ["service_area"]
    assert "Self-intersection" in reasons["service_area"]


@pytest.mark.parametrize(
    ("value", "field", "reason_part"),
    [
        ({"type": "Point", "coordinates": [LNG, LAT]}, "service_area.type", "must be Polygon"),
        (
            {"type": "MultiPolygon", "coordinates": [square(LAT, LNG)["coordinates"]]},
            "service_area.type",
            "must be Polygon",
        ),
        ("a circle please", "service_area", "GeoJSON Polygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[LNG, LAT], [LNG + 0.01, LAT], [LNG, LAT + 0.01]]],
            },
            "service_area.coordinates[0]",
            "at least 4 positions",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[LNG, LAT], [LNG, 95], [LNG + 1, LAT], [LNG, LAT]]],
            },
            "service_area.coordinates[0][1]",
            "lat",
        ),
    ],
)
def test_malformed_drawings_name_the_part(value: object, field: str, reason_part: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_drawn(value)
    reasons = fields_of(err)
    assert field in reasons and reason_part in reasons[field]


def test_an_area_reaching_outside_is_clipped_with_a_note(city: City) -> None:
    drawn = square(EDGE_LAT, EDGE_LNG, half=0.05)
    area = drawn_area(city, drawn)
    assert city.area.boundary.covers(area.polygon.buffer(-1e-9))
    assert area.polygon.area < shapely.geometry.shape(drawn).area
    assert len(area.notes) == 1 and area.notes[0].startswith("clipped to the city boundary")


def test_an_area_wholly_outside_is_refused(city: City) -> None:
    with pytest.raises(OutsideCity) as err:
        drawn_area(city, square(OUT_LAT, OUT_LNG))
    assert fields_of(err) == {"service_area": "lies outside Changzhou"}


def test_a_radius_becomes_a_circle_clipped_to_the_city(city: City) -> None:
    inside = radius_area(city, LatLng(LAT, LNG), 2000)
    assert inside.notes == () and inside.polygon.covers(LatLng(LAT, LNG).to_point())
    edge = LatLng(EDGE_LAT, EDGE_LNG)
    clipped = radius_area(city, edge, 5000)
    assert clipped.notes and clipped.polygon.covers(edge.to_point())
    assert city.area.boundary.covers(clipped.polygon.buffer(-1e-9))


def attributes(vertical: Vertical, data: dict[str, object]) -> ListingAttributes:
    return validate_attributes(vertical, data, currency="CNY")


def test_which_listings_take_an_area_and_how(city: City) -> None:
    here = LatLng(LAT, LNG)
    restaurant = attributes(Vertical.RESTAURANT, {})
    assert area_for(city, restaurant, here, None) is None
    with pytest.raises(ValidationFailed) as err:
        area_for(city, restaurant, here, square(LAT, LNG))
    assert "only for listings that go to their customers" in fields_of(err)["service_area"]

    by_radius = attributes(Vertical.HOUSEKEEPING, {"service_radius_m": 3000})
    with pytest.raises(ValidationFailed) as err:
        area_for(city, by_radius, here, square(LAT, LNG))
    assert "not used when service_area_mode is radius" in fields_of(err)["service_area"]

    by_polygon = attributes(Vertical.HOUSEKEEPING, {"service_area_mode": "polygon"})
    with pytest.raises(ValidationFailed) as err:
        area_for(city, by_polygon, here, None)
    assert fields_of(err)["service_area"].startswith("is required")
    current = shapely.geometry.shape(square(LAT, LNG))
    kept = area_for(city, by_polygon, here, None, current=current)
    assert kept is not None and kept.polygon is current


def test_a_drawn_area_need_not_cover_the_listing_point(city: City) -> None:
    """Decision: an office in one district may serve homes in another."""
    away = square(31.83, 120.03)
    attrs = attributes(Vertical.HOUSEKEEPING, {"service_area_mode": "polygon"})
    area = area_for(city, attrs, LatLng(LAT, LNG), away)
    assert area is not None and not area.polygon.covers(LatLng(LAT, LNG).to_point())
