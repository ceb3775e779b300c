"""The geography field and spatial expressions against real SQLite and PostGIS databases."""

from __future__ import annotations

import random

import pytest
import shapely
from shapely.geometry import Polygon
from tortoise.queryset import QuerySet

from geo.coords import LatLng
from geo.expressions import Distance, covering, nearest_first, within_radius
from listings.models import Listing
from tests.geo.haversine import haversine_m
from tests.support.factories import make_listing, make_merchant

CENTRE = LatLng(31.7787, 119.9740)


def scattered_points(n: int, seed: int = 7) -> list[LatLng]:
    rng = random.Random(seed)
    return [
        LatLng(CENTRE.lat + rng.uniform(-0.08, 0.08), CENTRE.lng + rng.uniform(-0.09, 0.09))
        for _ in range(n)
    ]


async def test_point_and_polygon_round_trip(db: str) -> None:
    area = Polygon([(119.95, 31.76), (120.00, 31.76), (120.00, 31.80), (119.95, 31.80)])
    listing = await make_listing(CENTRE, service_area=area)
    again = await Listing.get(id=listing.id)
    assert again.location.equals(CENTRE.to_point())
    assert (again.location.x, again.location.y) == (CENTRE.lng, CENTRE.lat)
    assert again.service_area is not None and again.service_area.equals(area)
    assert shapely.get_srid(again.location) == 4326


async def test_distance_matches_an_independent_haversine(db: str) -> None:
    merchant = await make_merchant()
    points = scattered_points(25)
    for p in points:
        await make_listing(p, merchant)
    rows = await Listing.annotate(d=Distance("location", CENTRE.to_point())).values("id", "d")
    assert len(rows) == 25
    by_id = {r["id"]: r["d"] for r in rows}
    listings = await Listing.all().order_by("id")
    for listing, p in zip(listings, points, strict=True):
        expected = haversine_m(CENTRE.lat, CENTRE.lng, p.lat, p.lng)
        assert by_id[listing.id] == pytest.approx(expected, rel=0.005)


async def test_within_radius_agrees_with_brute_force(db: str) -> None:
    merchant = await make_merchant()
    rng = random.Random(5)
    near = [LatLng(CENTRE.lat + rng.uniform(-0.003, 0.003), CENTRE.lng) for _ in range(5)]
    points = scattered_points(55, seed=11) + near
    created = [await make_listing(p, merchant) for p in points]
    for radius in (500, 2500, 6000):
        found = {
            x.id for x in await within_radius(Listing.all(), "location", CENTRE.to_point(), radius)
        }
        expected = {
            listing.id
            for listing, p in zip(created, points, strict=True)
            # leave a hair's margin for the sphere-versus-ellipsoid difference at the edge
            if haversine_m(CENTRE.lat, CENTRE.lng, p.lat, p.lng) <= radius * 0.995
        }
        borderline = {
            listing.id
            for listing, p in zip(created, points, strict=True)
            if abs(haversine_m(CENTRE.lat, CENTRE.lng, p.lat, p.lng) - radius) < radius * 0.005
        }
        assert expected <= found
        assert found - expected <= borderline
        assert 5 <= len(found) < 60


async def test_nearest_first_orders_by_true_distance(db: str) -> None:
    merchant = await make_merchant()
    points = scattered_points(30, seed=3)
    for p in points:
        await make_listing(p, merchant)
    ordered = await nearest_first(Listing.all(), "location", CENTRE.to_point()).limit(10)
    distances = [haversine_m(CENTRE.lat, CENTRE.lng, x.location.y, x.location.x) for x in ordered]
    assert distances == sorted(distances)
    all_distances = sorted(haversine_m(CENTRE.lat, CENTRE.lng, p.lat, p.lng) for p in points)
    assert distances == pytest.approx(all_distances[:10], rel=1e-6)


async def test_covering_finds_service_areas_that_serve_an_address(db: str) -> None:
    merchant = await make_merchant()
    west = Polygon([(119.90, 31.75), (119.96, 31.75), (119.96, 31.80), (119.90, 31.80)])
    east = Polygon([(119.98, 31.75), (120.04, 31.75), (120.04, 31.80), (119.98, 31.80)])
    a = await make_listing(LatLng(31.77, 119.93), merchant, service_area=west)
    b = await make_listing(LatLng(31.77, 120.01), merchant, service_area=east)
    await make_listing(LatLng(31.77, 119.97), merchant)  # no service area: never matches

    def serving(lat: float, lng: float) -> QuerySet[Listing]:
        return covering(Listing.all(), "service_area", LatLng(lat, lng).to_point())

    assert {x.id for x in await serving(31.77, 119.93)} == {a.id}
    assert {x.id for x in await serving(31.77, 120.02)} == {b.id}
    assert await serving(31.77, 119.97) == []
    # a point exactly on the shared-free west edge counts as covered, as PostGIS's ST_Covers says
    assert {x.id for x in await serving(31.77, 119.90)} == {a.id}


# GIST indexes exist on PostgreSQL only; SQLite evaluates the functions in Python
@pytest.mark.parametrize("db", ["postgis"], indirect=True)
async def test_postgis_radius_and_knn_queries_can_use_the_gist_index(db: str) -> None:
    from tortoise import connections

    conn = connections.get("default")
    queries = (
        within_radius(Listing.all(), "location", CENTRE.to_point(), 1000),
        nearest_first(Listing.all(), "location", CENTRE.to_point()).limit(5),
    )
    for qs in queries:
        async with conn._in_transaction() as tx:
            # with an empty table the planner prefers a scan; forbid it to see the index is usable
            await tx.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await tx.execute_query(f"EXPLAIN {qs.sql(params_inline=True)}")
        plan = "\n".join(r[0] for r in rows)
        assert "listings_location_gist" in plan, plan
