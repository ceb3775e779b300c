"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

Screenshots land in test-artifacts/screenshots/ for people to look at. Any page a test visits
that breaks the site's Content-Security-Policy or Permissions-Policy fails that test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    sync_playwright,
)

from marketplace import clock
from tests.conftest import CITY_DIR, REPO
from tests.support import ledger_check
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


def _live_servers(request: pytest.FixtureRequest) -> list[LiveServer]:
    """The live servers a test runs against (`live_server`, or a module's own server, which
    some fixtures hand over with what they seeded, as a tuple)."""
    found: list[LiveServer] = []
    for value in request.node.funcargs.values():
        candidates = value if isinstance(value, tuple) else (value,)
        found += [c for c in candidates if isinstance(c, LiveServer)]
    return found


@pytest.fixture(autouse=True)
def live_books_reconcile(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test that moved money through a live server leaves its books reconciled."""
    # the servers are session- or module-wide, so they are up before this fixture
    before = {
        id(s): ledger_check.entry_count(s.env["DATABASE_URL"]) for s in _live_servers(request)
    }
    yield
    for server in _live_servers(request):
        after = ledger_check.entry_count(server.env["DATABASE_URL"])
        if after is None or after != before.get(id(server)):
            found = ledger_check.live_discrepancies(server.env)
            assert not found, found


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


# Runs in every document before the page's own scripts (Playwright injects it outside the page's
# policy): the browser's own console line names the directive, this one also says where.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.violatedDirective + " blocked "
    + (e.blockedURI || "inline") + " in " + e.documentURI
    + (e.sourceFile ? " (" + e.sourceFile + ":" + e.lineNumber + ")" : ""));
});
"""
_POLICY_WORDS = ("content security policy", "permissions policy", "permissions-policy")


class PolicyWatch:
    """Collects what the browser says about the pages' policies, in every context the tests
    open (through the fixtures or `browser.new_context` directly)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.contexts: list[BrowserContext] = []

    def watch(self, context: BrowserContext) -> None:
        context.add_init_script(script=_REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("close", self._closed)
        self.contexts.append(context)

    def _closed(self, context: BrowserContext) -> None:
        self.contexts.remove(context)

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if any(word in text.lower() for word in _POLICY_WORDS):
            self.problems.append(
                f"{message.type} on {message.page.url if message.page else '?'}: {text}"
            )

    def take(self) -> list[str]:
        # a round trip to each open page delivers the console messages sent before it
        for context in list(self.contexts):
            for page in context.pages:
                try:
                    page.evaluate("0")
                except Error:
                    pass  # closed or navigating: nothing more to hear from it
        problems, self.problems = self.problems, []
        return problems


POLICY_WATCH = PolicyWatch()


def _watched(create: Callable[..., Any], context_of: Callable[[Any], BrowserContext]) -> Any:
    def wrapper(self: Browser, *args: Any, **kwargs: Any) -> Any:
        made = create(self, *args, **kwargs)
        POLICY_WATCH.watch(context_of(made))
        return made

    return wrapper


@pytest.fixture(scope="session", autouse=True)
def policy_watch() -> Iterator[PolicyWatch]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Browser, "new_context", _watched(Browser.new_context, lambda c: c))
        patch.setattr(Browser, "new_page", _watched(Browser.new_page, lambda p: p.context))
        yield POLICY_WATCH


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    POLICY_WATCH.take()  # what earlier tests left behind is theirs
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    problems = POLICY_WATCH.take()
    if problems:
        raise AssertionError("the browser reported policy violations:\n" + "\n".join(problems))
    return result
