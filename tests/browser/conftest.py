"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

Screenshots land in test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from marketplace import clock
from tests.conftest import CITY_DIR, REPO
from tests.support.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
# the machine has no internet: keep Chromium from trying to reach Google's services
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    server = LiveServer(f"sqlite://{tmp / 'live.sqlite3'}", CITY_DIR, tmp / "server.log")
    server.taocity("db", "migrate")
    server.taocity("demo", "seed", "--count", "80")
    server.taocity("search", "reindex")  # the results pages need the demo in the index
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if os.environ.get(clock.SHIFT_ENV):
            _pages_follow_the_run_clock(launched)
        yield launched
        launched.close()


def _pages_follow_the_run_clock(browser: Browser) -> None:
    """Under `pytest --start-at`, every context the tests open starts its pages' clock at the
    run's instant (Playwright's clock: `Date` and timers, still moving)."""
    plain = browser.new_context

    def new_context(*args: Any, **kwargs: Any) -> BrowserContext:
        context = plain(*args, **kwargs)
        context.clock.install(time=clock.now())
        return context

    browser.new_context = new_context  # type: ignore[method-assign]


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def shoot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
