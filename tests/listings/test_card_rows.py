"""The plain-SQL reading of result cards: statements in each dialect, points decoded without a
geometry exactly as shapely decodes them."""

from __future__ import annotations

import shapely
from shapely.geometry import Point

from geo.wkb import to_hex_ewkb
from listings.card_rows import point_lat_lng, shared_json, statement


def test_a_point_reads_back_as_shapely_reads_it_in_either_byte_order_with_or_without_srid() -> None:
    point = Point(119.9741, 31.8112)
    little = to_hex_ewkb(point)
    big = shapely.to_wkb(shapely.set_srid(point, 4326), hex=True, include_srid=True,
                         byte_order=0)  # fmt: skip
    plain = shapely.to_wkb(point, hex=False)
    for stored in (little, big, plain, bytes.fromhex(little)):
        assert point_lat_lng(stored) == (31.8112, 119.9741)


def test_statements_number_postgres_parameters_and_keep_the_leading_one_first() -> None:
    template = "SELECT 1 FROM t WHERE a = {p0} AND id IN ({ids})"
    assert (
        statement(template, "postgres", 3) == "SELECT 1 FROM t WHERE a = $1 AND id IN ($2, $3, $4)"
    )
    assert statement(template, "sqlite", 2) == "SELECT 1 FROM t WHERE a = ? AND id IN (?, ?)"
    bare = "SELECT 1 FROM photos WHERE id IN ({ids})"
    assert statement(bare, "postgres", 2) == "SELECT 1 FROM photos WHERE id IN ($1, $2)"


def test_shared_json_decodes_equal_texts_once_and_passes_decoded_values_through() -> None:
    text = '{"mon": [["09:00", "21:00"]]}'
    assert shared_json(text) is shared_json("".join(list(text)))
    assert shared_json({"a": 1}) == {"a": 1}
