"""The dispatch board in headless Chromium: sign in, read the board, switch views, sign out."""

from __future__ import annotations

from datetime import date
from typing import Any

from scc import clock
from scc.dev import demo
from tests.support.browser import OVERFLOW, SMALL_TARGETS, assert_clean, open_page, shot, sign_in

SEEDED: dict[date, list[dict[str, Any]]] = {}


def seed(store):
    """The demo's board. demo.seed's writes (bcrypt for the roster, a transaction per payment
    and waiver) cost ~2.5 s of CPU under moto: the session's first test makes them, and the
    others put back the very items it left (BatchWriteItem, 25 at a time)."""
    today = clock.today("America/Los_Angeles")
    if today in SEEDED:
        store.write_batch(puts=SEEDED[today])
    else:
        demo.seed(store, today)
        SEEDED[today] = list(store.every_item("scan"))


def test_sign_in_board_sign_out_on_a_phone(live_server, phone, store):
    seed(store)
    sign_in(phone, live_server)
    phone.wait_for_selector(".card")
    today = clock.today("America/Los_Angeles").isoformat()
    first = phone.locator(".card").first
    assert today in first.get_attribute("id")  # upcoming: today's trip comes first
    assert phone.locator(".card").count() == 8  # the rescheduled, cancelled and reminders ones
    card = phone.locator(f"#event-{today}-captain-cory-afternoon")
    text = card.inner_text()
    for part in (
        "Whale watching",
        "Captain",
        "cory",
        "Chris Wong",
        "$900.00",
        "$450.00",
        "Waivers",
    ):
        assert part in text
    shot(phone, "board-phone")
    assert phone.evaluate(OVERFLOW) == 0
    assert phone.evaluate(SMALL_TARGETS) == []

    phone.click("button.tab:has-text('Past')")
    phone.wait_for_selector(".tab.active:has-text('Past')")
    assert phone.locator(".card").count() == 50  # of 66: a season behind the demo's week
    phone.click(".show-more button")
    phone.locator(".card").nth(65).wait_for()
    assert phone.locator(".show-more").count() == 0
    phone.click("button.tab:has-text('Today')")
    phone.wait_for_selector(".tab.active:has-text('Today')")
    assert phone.locator(".card").count() == 1

    phone.click("#session button:has-text('Sign out')")
    phone.wait_for_selector("form.login")
    assert phone.locator("#session .who").count() == 0
    phone.reload()
    phone.wait_for_selector("form.login")  # the cookie is gone: the board asks again
    assert_clean(phone)  # not even a 401: without a session the shell asks for sign-in


def test_board_on_a_desktop(live_server, browser, store):
    seed(store)
    page = open_page(browser, width=1280, height=800)
    try:
        sign_in(page, live_server)
        page.click("button.tab:has-text('All')")
        page.wait_for_selector(".tab.active:has-text('All')")
        assert page.locator(".card").count() == 50 and page.locator(".show-more").count() == 1
        shot(page, "board-desktop")
        assert page.evaluate(OVERFLOW) == 0
        assert page.evaluate(SMALL_TARGETS) == []
        assert_clean(page)
    finally:
        page.context.close()


def test_wrong_password_shows_the_message(live_server, phone):
    phone.goto(live_server + "/")
    phone.fill("#login-crew", "cory")
    phone.fill("#login-password", "not it")
    phone.click("form.login button[type=submit]")
    phone.locator("form.login .form-error", has_text="do not match").wait_for()
    shot(phone, "login-wrong-password")
    assert_clean(phone, statuses=(401,))


def test_copied_pay_link_is_absolute_on_this_site(live_server, phone, store):
    seed(store)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in(phone, live_server)
    phone.locator(".card button", has_text="Pay links").first.click()
    phone.wait_for_selector("dialog[open] .pay-link")
    shot(phone, "pay-links-dialog")
    phone.locator("dialog .pay-link").first.click()
    phone.locator("dialog .pay-link", has_text="Copied").first.wait_for()
    link = phone.evaluate("navigator.clipboard.readText()")
    assert link.startswith(live_server + "/g/") and "/payment?p=" in link
    phone.goto(link)
    assert "paid" in phone.inner_text("body").lower()
    assert_clean(phone)


def test_an_expired_session_shows_the_sign_in_form(live_server, phone, store):
    sign_in(phone, live_server)
    phone.context.clear_cookies(name="scc_session")  # the session ended; the csrf cookie lingers
    phone.reload()
    phone.wait_for_selector("form.login")
    assert_clean(phone, statuses=(401,))
