"""Layout that holds: every page of the app (tests/browser/page_catalogue.py) at 360×740, in each
language the city offers, signed in as whoever the page is for. A page fails when

- it scrolls sideways (`document.documentElement.scrollWidth` wider than the screen), or
- a fixed or sticky bar (the top bar, the tab bar, a cart bar ...) covers a link, button or
  field: each control is scrolled to the middle of the screen (the best place it can have) and
  what lies at its centre must be the control itself, not a bar; and the bars' own controls must
  stay on top of whatever scrolls beneath them (map markers included), checked every few pixels
  of the page's height.

Both checks run inside the page in one go, on layout the browser has already computed, so they
do not depend on timing. Screenshots: test-artifacts/screenshots/<lang>/<name>.png, listed in
test-artifacts/screenshots/index.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Page as BrowserPage
from starlette.routing import BaseRoute, Mount, Route

from tests.browser.conftest import SCREENSHOTS
from tests.browser.page_catalogue import CATALOGUE, Page, Seeded, Who, excluded
from tests.conftest import CITY_DIR
from tests.support.live_server import REPO, LiveServer

VIEW = {"width": 360, "height": 740}
LANGS = ("zh-CN", "en")  # cities/changzhou/city.toml `locales`
PASSWORD = "layout-holds-2026"
EMAILS: dict[Who, str] = {
    "resident": "resident@layout.test",
    "merchant": "owner@layout.test",
    "operator": "ops@layout.test",
}
TILES = "https://*.tile.openstreetmap.org/**"  # no internet here: refuse at once, not by timeout


# --- what the pages show: the demo catalogue, plus one of everything a person can have ----------


async def _seed() -> dict[str, Any]:
    from datetime import timedelta
    from uuid import uuid4

    from listings import onboarding
    from listings.models import Listing
    from listings.staff import invite_staff
    from listings.types import ListingStatus, Vertical
    from marketplace import clock, db
    from marketplace.accounts import services as accounts
    from marketplace.bookings.availability import AvailabilitySettings, next_offered
    from marketplace.bookings.holds import hold_booking
    from marketplace.bookings.requests import BookingRequest
    from marketplace.bookings.services import confirm_booking
    from marketplace.city import load_city
    from marketplace.orders.checkout import place_order
    from marketplace.orders.requests import LineIn, OrderRequest
    from payments.services import record_store_payment
    from tests.support.bookables import (
        HOME,
        cleaning_of,
        confirmed_booking,
        confirmed_order,
        every_day,
        owned_business,
        shop_of,
    )
    from tests.support.factories import make_listing

    city = load_city(Path(os.environ["CITY_DIR"]))
    await db.init_db(os.environ["DATABASE_URL"])
    try:
        owner = await accounts.sign_up(EMAILS["merchant"], PASSWORD, "王阿姨", "zh-CN")
        ops = await accounts.create_operator(EMAILS["operator"], PASSWORD, "运营小王")
        resident = await accounts.sign_up(EMAILS["resident"], PASSWORD, "小陈", "zh-CN")
        # one owner, several businesses (the chooser), and one still under review
        cleaning_merchant = await owned_business(city, owner, ops)
        cleaning, cleaning_offering = await cleaning_of(
            cleaning_merchant, every_day("00:00", "24:00", 120, 3)
        )
        shop_merchant = await owned_business(city, owner, ops, Vertical.SHOP)
        shop, product = await shop_of(shop_merchant)
        restaurant_merchant = await owned_business(city, owner, ops, Vertical.RESTAURANT)
        reservations = every_day("00:00", "24:00", 60, 40)
        restaurant = await make_listing(
            HOME,
            restaurant_merchant,
            name={"zh-CN": "老常州手工面馆（南大街店）", "en": "Old Changzhou Handmade Noodles"},
            reservations=reservations,
        )
        pending = await onboarding.apply(
            city,
            owner,
            name={"zh-CN": "王阿姨家教工作室", "en": "Auntie Wang's Tutoring Studio"},
            vertical=Vertical.TUTORING,
            category=city.categories[Vertical.TUTORING][0].slug,
            address={"zh-CN": "南大街2号", "en": "2 Nandajie"},
            lat=HOME.lat,
            lng=HOME.lng,
            contact_name="王阿姨",
            contact_phone="13800000002",
        )
        tutoring = await Listing.filter(
            vertical=Vertical.TUTORING, status=ListingStatus.PUBLISHED
        ).first()
        assert tutoring is not None, "the demo catalogue has no tutor"

        now = clock.now()
        # a free table for four: nothing paid, so no fee line
        settings = AvailabilitySettings.from_json(reservations)
        starts = next_offered(settings, city.tz, now + timedelta(days=1), limit=1)[0].starts_at
        table, _new = await hold_booking(
            city,
            resident,
            BookingRequest(listing_id=restaurant.id, starts_at=starts, party_size=4),
            f"table-{uuid4().hex}",
            now=now,
        )
        await confirm_booking(city, resident, table.id, "pay_at_store", now=now)
        # a clean paid at the door: the city's money page has a housekeeping line
        paid = await confirmed_booking(city, resident, cleaning, cleaning_offering)
        await record_store_payment(city, owner, "booking", paid.id)
        # a clean held, not yet confirmed: its checkout
        held = await confirmed_booking_held(city, resident, cleaning, cleaning_offering)
        order = await confirmed_order(city, resident, shop, product, 2)
        held_order, _new = await place_order(
            city,
            resident,
            OrderRequest(listing_id=shop.id, lines=(LineIn(offering_id=product.id, quantity=1),)),
            f"o-{uuid4().hex}",
        )
        _invite, token = await invite_staff(owner, cleaning_merchant, EMAILS["resident"])
        return {
            "cleaning_merchant": cleaning_merchant.id,
            "shop_merchant": shop_merchant.id,
            "restaurant_merchant": restaurant_merchant.id,
            "pending_merchant": pending.id,
            "cleaning": cleaning.id,
            "cleaning_offering": cleaning_offering.id,
            "shop": shop.id,
            "restaurant": restaurant.id,
            "tutoring": tutoring.id,
            "table_booking": table.id,
            "paid_booking": paid.id,
            "held_booking": held.id,
            "order": order.id,
            "held_order": held_order.id,
            "invite": token,
        }
    finally:
        await db.close_db()


async def confirmed_booking_held(city: Any, resident: Any, listing: Any, offering: Any) -> Any:
    """The second slot on offer, held and left waiting for the resident to confirm."""
    from uuid import uuid4

    from marketplace import clock
    from marketplace.bookings.availability import AvailabilitySettings, next_offered
    from marketplace.bookings.holds import hold_booking
    from marketplace.bookings.requests import AddressIn, BookingRequest
    from tests.support.bookables import NEAR_HOME

    now = clock.now()
    settings = AvailabilitySettings.from_json(offering.availability)
    starts = next_offered(settings, city.tz, now, limit=2)[-1].starts_at
    request = BookingRequest(
        listing_id=listing.id,
        offering_id=offering.id,
        starts_at=starts,
        address=AddressIn(lat=NEAR_HOME.lat, lng=NEAR_HOME.lng, text="青果巷 12 号"),
    )
    booking, _new = await hold_booking(city, resident, request, f"h-{uuid4().hex}", now=now)
    return booking


def _run_seed(server: LiveServer) -> dict[str, Any]:
    code = (
        "import asyncio, json; from tests.browser import test_layout_holds as t; "
        "print(json.dumps(asyncio.run(t._seed())))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=server.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"layout seed failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Seeded]]:
    """A server of its own: the other browser tests change the shared one as they go."""
    tmp = tmp_path_factory.mktemp("layout")
    server = LiveServer(f"sqlite://{tmp / 'layout.sqlite3'}", CITY_DIR, tmp / "server.log")
    server.taocity("db", "migrate")
    server.taocity("demo", "seed", "--count", "80")
    seeded = _run_seed(server)
    server.taocity("search", "reindex")
    server.start()
    yield server, seeded
    server.stop()


# --- one browser, one context per person and language, kept for the whole module --------------


@dataclass
class People:
    browser: Browser
    server: LiveServer
    contexts: dict[tuple[Who, str], BrowserContext] = field(default_factory=dict)

    def page(self, who: Who, lang: str) -> BrowserPage:
        key = (who, lang)
        if key not in self.contexts:
            # one language at a time: the other's contexts are done with
            for other in [k for k in self.contexts if k[1] != lang]:
                self.contexts.pop(other).close()
            self.contexts[key] = self._open(who, lang)
        return self.contexts[key].pages[0]

    def _open(self, who: Who, lang: str) -> BrowserContext:
        context = self.browser.new_context(viewport=VIEW, device_scale_factor=1, is_mobile=True)
        context.route(TILES, lambda route: route.abort())
        if who != "guest":
            signed = context.request.post(
                f"{self.server.url}/api/v1/auth/login",
                data={"identifier": EMAILS[who], "password": PASSWORD},
            )
            assert signed.ok, signed.text()
        # after signing in, which sets the account's own language
        context.add_cookies([{"name": "taocity_locale", "value": lang, "url": self.server.url}])
        context.new_page()
        return context

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()


@pytest.fixture(scope="module")
def people(browser: Browser, layout_server: tuple[LiveServer, Seeded]) -> Iterator[People]:
    found = People(browser, layout_server[0])
    yield found
    found.close()


@dataclass(frozen=True)
class Shot:
    page: Page
    lang: str
    url: str
    file: Path
    problems: int


@pytest.fixture(scope="module")
def shots() -> Iterator[list[Shot]]:
    taken: list[Shot] = []
    yield taken
    _write_index(taken)


def _write_index(taken: list[Shot]) -> None:
    if not taken:
        return
    lines = [
        "# Layout that holds: every page at 360×740",
        "",
        "| page | what | who | language | URL | screenshot | problems |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sorted(taken, key=lambda s: (s.lang, s.page.name)):
        file = s.file.relative_to(SCREENSHOTS)
        lines.append(
            f"| {s.page.name} | {s.page.what} | {s.page.who} | {s.lang} | `{s.url}` "
            f"| [{file}]({file}) | {s.problems or ''} |"
        )
    (SCREENSHOTS / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the checks, in the page ------------------------------------------------------------------

_CHECK = """
(width) => {
  const doc = document.documentElement;
  const say = (el) => {
    if (!el) return "?";
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      s += "." + el.className.trim().split(/\\s+/).join(".");
    const test = el.getAttribute("data-testid");
    if (test) s += `[data-testid=${test}]`;
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    if (text) s += ` "${text.replace(/\\s+/g, " ").slice(0, 30)}"`;
    return s;
  };
  const barOf = (el) => {
    for (let e = el; e && e !== document.body && e !== doc; e = e.parentElement) {
      const p = getComputedStyle(e).position;
      if (p === "fixed" || p === "sticky") return e;
    }
    return null;
  };
  // a sticky bar is a bar while it is stuck; otherwise it scrolls with the page like the rest
  const stuck = (bar) => {
    const style = getComputedStyle(bar);
    if (style.position === "fixed") return true;
    const r = bar.getBoundingClientRect();
    const top = parseFloat(style.top), bottom = parseFloat(style.bottom);
    return (!isNaN(top) && Math.abs(r.top - top) < 1)
      || (!isNaN(bottom) && Math.abs(window.innerHeight - bottom - r.bottom) < 1);
  };
  const out = {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, wide: [], covered: []};

  // sideways: the elements that reach past the right edge while their parent does not
  if (doc.scrollWidth > Math.min(window.innerWidth, width)) {
    // (content a scroller or a clipping box holds does not widen the page)
    const held = (el) => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement)
        if (getComputedStyle(e).overflowX !== "visible") return true;
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      const parent = el.parentElement && el.parentElement.getBoundingClientRect();
      if (r.width && r.right > width + 0.5 && parent && parent.right <= width + 0.5 && !held(el))
        out.wide.push(`${say(el)} reaches ${Math.round(r.right)}px`);
    }
  }

  const controls = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]"
  )].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width >= 4 && r.height >= 4
      && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
      && !el.closest(".leaflet-pane");  // markers: the map pans to them
  });
  const inFlow = controls.filter((el) => !barOf(el));
  const onBars = controls.filter((el) => barOf(el));
  const centre = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left + r.width / 2, r.top + r.height / 2];
  };
  const inView = ([x, y]) => x >= 0 && y >= 0 && x < window.innerWidth && y < window.innerHeight;
  // scrolling controls into view scrolls the rows holding them: put them back afterwards
  const scrollers = [...document.querySelectorAll("*")]
    .filter((e) => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight)
    .map((e) => [e, e.scrollLeft, e.scrollTop]);
  const seen = new Set();
  const report = (text) => { if (!seen.has(text)) { seen.add(text); out.covered.push(text); } };

  // each control at its best place, the middle of the screen: no bar may lie over it
  for (const el of inFlow) {
    el.scrollIntoView({block: "center", inline: "nearest", behavior: "instant"});
    const at = centre(el);
    if (!inView(at)) continue;
    const hit = document.elementFromPoint(...at);
    if (!hit || el.contains(hit) || hit.contains(el)) continue;
    const bar = barOf(hit);
    if (bar) report(`${say(el)} is under ${say(bar)}`);
  }
  // the bars' controls on top of whatever scrolls beneath them, all the way down
  const bottom = Math.max(0, doc.scrollHeight - window.innerHeight);
  const step = Math.max(24, Math.ceil(bottom / 400));
  for (let y = 0; ; y = Math.min(bottom, y + step)) {
    window.scrollTo({top: y, left: 0, behavior: "instant"});
    for (const el of onBars) {
      const at = centre(el);
      if (!inView(at)) continue;
      const hit = document.elementFromPoint(...at);
      if (!hit || el.contains(hit) || hit.contains(el)) continue;
      const over = barOf(hit);
      if (over === barOf(el)) continue;  // the bar's own padding or label
      if (over && !stuck(barOf(el))) continue;  // a sticky bar scrolling away under another
      report(`${say(hit)} draws over ${say(el)}`);
    }
    if (y >= bottom) break;
  }
  for (const [e, left, top] of scrollers) e.scrollTo({left, top, behavior: "instant"});
  window.scrollTo({top: 0, left: 0, behavior: "instant"});
  return out;
}
"""


def _problems(page: BrowserPage) -> list[str]:
    found: dict[str, Any] = page.evaluate(_CHECK, VIEW["width"])
    problems: list[str] = []
    if found["innerWidth"] != VIEW["width"] or found["scrollWidth"] > VIEW["width"]:
        problems.append(
            f"scrolls sideways: {found['scrollWidth']}px of content in a "
            f"{VIEW['width']}px screen (window {found['innerWidth']}px)"
        )
        problems += [f"  {w}" for w in found["wide"][:12]]
    problems += found["covered"]
    return problems


def _open(page: BrowserPage, url: str, entry: Page) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.status == entry.status, f"{url}: {response.status}, not {entry.status}"
    page.evaluate("document.fonts.ready.then(() => 0)")
    if entry.click:
        page.locator(entry.click).click()
    if page.locator(".leaflet-container").count():
        # Leaflet places markers on its first frame after load
        page.evaluate("new Promise((done) => requestAnimationFrame(() => done(0)))")


CASES = [
    pytest.param(lang, entry, id=f"{lang}-{entry.name}") for lang in LANGS for entry in CATALOGUE
]


@pytest.mark.parametrize(("lang", "entry"), CASES)
def test_page_holds_at_360(
    lang: str,
    entry: Page,
    people: People,
    layout_server: tuple[LiveServer, Seeded],
    shots: list[Shot],
) -> None:
    server, seeded = layout_server
    path = entry.url_path(seeded)
    page = people.page(entry.who, lang)
    _open(page, server.url + path, entry)
    problems = _problems(page)
    file = SCREENSHOTS / lang / f"{entry.name}.png"
    file.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(file), full_page=True)
    shots.append(Shot(entry, lang, path, file, len(problems)))
    assert not problems, f"{path} ({lang}, {entry.who}):\n" + "\n".join(problems)


# --- the catalogue stays whole ----------------------------------------------------------------


def _get_routes(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    found: list[str] = []
    for route in routes:
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            found.append(prefix + route.path)
        elif isinstance(route, Mount) and route.routes:
            found += _get_routes(list(route.routes), prefix + route.path)
    return found


def _app_routes() -> list[BaseRoute]:
    from marketplace.app import create_app
    from marketplace.city import load_city
    from marketplace.settings import Settings

    settings = Settings(session_secret="layout-catalogue-routes-0123456789")  # type: ignore[arg-type]
    app = create_app(load_city(CITY_DIR), settings, manage_database=False)
    return list(app.routes)


def test_every_page_route_is_catalogued() -> None:
    routes = _get_routes(_app_routes())
    assert "/me/bookings" in routes and "/ops/payments" in routes, routes
    catalogued = {entry.route for entry in CATALOGUE}
    missing = [r for r in routes if r not in catalogued and excluded(r) is None]
    assert not missing, (
        "pages missing from tests/browser/page_catalogue.py (add a line to CATALOGUE, "
        f"or to EXCLUDED with the reason): {missing}"
    )
    stale = sorted(r for r in catalogued if r is not None and r not in routes)
    assert not stale, f"catalogued routes the app no longer has: {stale}"
    names = [entry.name for entry in CATALOGUE]
    assert len(names) == len(set(names)), "two catalogue entries share a screenshot name"


def test_catalogued_paths_reach_their_routes() -> None:
    """Each entry's path is served by the route it names (a typo would test another page)."""
    from starlette.routing import Match

    seeded = _FakeSeeded()
    by_path = {
        r.path: r for r in _app_routes() if isinstance(r, Route) and "GET" in (r.methods or ())
    }
    for entry in CATALOGUE:
        if entry.route is None:
            continue
        path = entry.url_path(seeded).split("?")[0]
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        match, _child = by_path[entry.route].matches(scope)
        assert match is Match.FULL, f"{entry.name}: {path} is not served by {entry.route}"


class _FakeSeeded(dict[str, Any]):
    """Any seeded id a path asks for, as a plausible number (or token)."""

    def __missing__(self, key: str) -> Any:
        return "tok_abc" if key == "invite" else 7


def test_screenshot_folder_is_ignored() -> None:
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert "test-artifacts/" in ignored


_BAR = (
    '<nav style="position:fixed;left:0;right:0;bottom:0;height:56px;z-index:10;background:#fff">'
    '<a href="/" style="display:block;width:90px;height:56px">首页</a></nav>'
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            f'<main style="padding-bottom:56px"><p style="height:900px">…</p>'
            f"<button>下单</button></main>{_BAR}",
            [],
            id="clean",
        ),
        pytest.param(
            '<div style="width:468px">Old Changzhou Handmade Noodles</div>',
            ["scrolls sideways"],
            id="too-wide",
        ),
        pytest.param(
            f'<p style="height:900px">…</p><button>下单</button>{_BAR}',
            ['button "下单" is under nav'],
            id="last-button-under-the-tab-bar",
        ),
        pytest.param(
            f'<main style="padding-bottom:56px"><div style="position:relative;height:1200px">'
            f'<span style="position:absolute;z-index:600;left:0;top:700px;width:360px;'
            f'height:40px;background:red">marker</span></div></main>{_BAR}',
            ['span "marker" draws over a "首页"'],
            id="marker-over-the-tab-bar",
        ),
    ],
)
def test_the_checks_catch_what_they_are_for(
    browser: Browser, body: str, expected: list[str]
) -> None:
    context = browser.new_context(viewport=VIEW, device_scale_factor=1, is_mobile=True)
    try:
        page = context.new_page()
        page.set_content(
            '<!doctype html><html><head><meta name="viewport" '
            'content="width=device-width, initial-scale=1"></head>'
            f'<body style="margin:0">{body}</body></html>'
        )
        found = _problems(page)
    finally:
        context.close()
    assert len([p for p in found if not p.startswith("  ")]) == len(expected), found
    for words, problem in zip(expected, [p for p in found if not p.startswith("  ")], strict=True):
        assert words in problem, found
