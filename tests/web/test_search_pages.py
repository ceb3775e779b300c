"""The results page /search and /nearby, rendered on both databases with an indexed city."""

from __future__ import annotations

import json
import re

import httpx

from tests.web.test_search_api import CENTRE, client  # noqa: F401  (the indexed-city fixture)


def _map_data(html: str) -> dict:
    found = re.search(r'id="search-map-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


async def test_chinese_query_shows_cards_and_pins(client: httpx.AsyncClient) -> None:  # noqa: F811
    response = await client.get("/search", params={"q": "面馆"})
    assert response.status_code == 200
    html = response.text
    assert "老王面馆" in html and 'href="/listings/1"' in html
    assert "面馆 · 天宁区" in html
    assert "人均 ¥45" in html
    assert "营业中" in html
    assert "★4.6" in html and "(20)" in html
    pins = _map_data(html)["pins"]
    assert [(p["n"], p["name"]) for p in pins] == [(1, "老王面馆")]
    assert 'value="面馆"' in html  # the query stays in the field


async def test_english_page(client: httpx.AsyncClient) -> None:  # noqa: F811
    response = await client.get("/search", params={"q": "noodles", "lang": "en"})
    assert "Wang&#39;s Noodle House" in response.text or "Wang's Noodle House" in response.text
    assert "per person" in response.text


async def test_chips_and_facet_counts(client: httpx.AsyncClient) -> None:  # noqa: F811
    html = (await client.get("/search", params={"vertical": "housekeeping"})).text
    assert "金牌月嫂中心" in html and "老王面馆" not in html
    assert 'class="chip chosen"' in html
    assert 'href="/search"' in html  # removing the only chosen chip leads back to everything
    assert '<span class="chip-count">1</span>' in html


async def test_distance_shown_with_a_location(client: httpx.AsyncClient) -> None:  # noqa: F811
    params = {"lat": str(CENTRE.lat), "lng": str(CENTRE.lng), "sort": "distance"}
    html = (await client.get("/search", params=params)).text
    assert "0 m" in html and "1.5 km" in html
    assert _map_data(html)["origin"] == {"lat": CENTRE.lat, "lng": CENTRE.lng}


async def test_empty_state_offers_a_wider_area(client: httpx.AsyncClient) -> None:  # noqa: F811
    params = {"q": "月嫂", "lat": str(CENTRE.lat), "lng": str(CENTRE.lng), "radius_m": "1000"}
    html = (await client.get("/search", params=params)).text
    assert "附近 1 公里内没有找到「月嫂」，试试扩大范围？" in html
    assert "radius_m=3000" in html


async def test_nearby_sorts_by_distance_in_the_default_radius(
    client: httpx.AsyncClient,  # noqa: F811
) -> None:
    html = (await client.get("/nearby", params={"lat": CENTRE.lat, "lng": CENTRE.lng})).text
    names = re.findall(r'class="result-name">([^<]+)<', html)
    assert names == ["老王面馆", "金牌月嫂中心"]  # the tutor 5 km away is outside 3 km
    without = await client.get("/nearby")
    assert without.status_code == 200 and "使用我的位置" in without.text


async def test_bad_parameters_are_explained_on_the_page(
    client: httpx.AsyncClient,  # noqa: F811
) -> None:
    response = await client.get("/search", params={"radius_m": "-1", "lat": "31.7", "lng": "120"})
    assert response.status_code == 422
    assert "距离需大于 0" in response.text
    assert "must be" not in response.text  # no English on a Chinese page


async def test_pages_and_tab_light_up(client: httpx.AsyncClient) -> None:  # noqa: F811
    home = (await client.get("/")).text
    assert 'href="/search?vertical=restaurant"' in home
    assert 'href="/nearby"' in home
    second = (await client.get("/search", params={"page_size": "1"})).text
    assert "page=2" in second
