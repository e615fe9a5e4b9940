"""Browser fixtures: the real app on loopback, driven by Debian's Chromium through Playwright.

conftest.py loads this module as a plugin, so its session fixtures exist once. Every page
collects console errors, page errors and CSP violations; `assert_clean(page)` checks them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.apps import make_app
from tests.support.builders import PASSWORD
from tests.support.servers import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("SCC_SHOTS", "/tmp/scc-shots"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WATCH = """
window.__scc_csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__scc_csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""

# Controls smaller than a thumb (44 px), and how far the page scrolls sideways.
SMALL_TARGETS = """
() => Array.from(document.querySelectorAll('button, input, select, summary, a.button'))
  .filter(el => el.offsetParent !== null && !el.closest('.honeypot'))
  .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
  .filter(([, h]) => h < 44)
"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="session")
def live_server(aws: None) -> Iterator[str]:
    """The real app (plain http on loopback, so cookies without Secure, as in dev)."""
    app = make_app(SECURE_COOKIES=False)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(browser: Browser, *, width: int = 390, height: int = 844) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1
    )
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.scc_problems = problems  # type: ignore[attr-defined]
    return page


@pytest.fixture(scope="session")
def phone_page(browser: Browser) -> Iterator[list[Page]]:
    """The session's 390x844 page: a new browser context costs Chromium ~1 s of CPU (its
    renderer's start and first page), so the `phone` tests share one and `phone` clears it."""
    pages = [open_page(browser)]
    yield pages
    pages[0].context.close()


@pytest.fixture
def phone(
    phone_page: list[Page], browser: Browser, store: Any, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A 390x844 page with nothing of the test before (and a fresh table): no cookies, no
    permissions, no other tabs, no problems collected, the screen's media, on about:blank. After
    a failed test the page (its listeners too) is thrown away for a new one."""
    page = phone_page[0]
    context = page.context
    for other in context.pages[1:]:
        other.close()
    context.clear_cookies()
    context.clear_permissions()
    page.goto("about:blank")
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(media="null")
    page.scc_problems.clear()  # type: ignore[attr-defined]
    failed = request.session.testsfailed
    yield page
    if request.session.testsfailed != failed:
        context.close()
        phone_page[0] = open_page(browser)


def assert_clean(page: Page, *, statuses: tuple[int, ...] = ()) -> None:
    """No console errors, page errors or CSP violations so far.

    Chromium logs every 4xx answer as a console error ("Failed to load resource"); a test names
    the statuses the product answers on purpose in its flow (401 before sign-in shows the form,
    422 shows a message), and only those are let through."""
    allowed = tuple(f"status of {code} " for code in statuses)
    problems = [
        p
        for p in page.scc_problems  # type: ignore[attr-defined]
        if not ("Failed to load resource" in p and any(a in p for a in allowed))
    ]
    violations = page.evaluate("window.__scc_csp || []")
    assert problems == [], problems
    assert violations == [], violations


def shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # caret="initial": hiding the caret makes Playwright put style="" on every input, and htmx then
    # settles that attribute onto swapped-in inputs, which the CSP refuses (a false alarm).
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def sign_in(page: Page, base: str, crew_id: str = "cory", password: str = PASSWORD) -> None:
    """Open the shell, meet the sign-in form (the board answers 401), sign in."""
    page.goto(base + "/")
    page.wait_for_selector("form.login")
    page.fill("#login-crew", crew_id)
    page.fill("#login-password", password)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#session .who")


__all__ = [
    "OVERFLOW",
    "SMALL_TARGETS",
    "assert_clean",
    "browser",
    "live_server",
    "open_page",
    "phone",
    "phone_page",
    "shot",
    "sign_in",
]
