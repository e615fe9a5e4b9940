"""Boats and the weather call on a phone (390x844) in headless Chromium (issue 26): the Boats
dialog, a full boat refusing a patron in the trip dialog, the card's boat line, and the weather
call cancelling a day of three trips. axe-core (axe-playwright-python) checks each new dialog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from scc.models import Boat, Patron
from scc.store import boats, trips
from tests.support.browser import OVERFLOW, assert_clean, shot, sign_in
from tests.support.builders import TRIP_ID, trip

DAY = TRIP_ID[:10]


def accessible(page: Page) -> None:
    """axe-core finds nothing in the open dialog."""
    results = Axe().run(page, context="dialog[open]")
    assert results.violations_count == 0, results.generate_report()


def test_a_full_boat_refuses_a_patron_and_the_weather_call_cancels_a_day(
    live_server: str, phone: Page, store: Any
) -> None:
    boats.add(store, Boat(boat_id="queen", name="Queen", capacity=6))
    boats.add(store, Boat(boat_id="duchess", name="Duchess", capacity=20))
    patrons = [
        Patron(patron_id="ann", name="Ann Fox", party=4, amount_due=Decimal("200.00")),
        Patron(patron_id="bo", name="Bo Tan", party=1, amount_due=Decimal("200.00")),
    ]
    trips.create(store, trip(patrons=patrons, boat="queen", period="afternoon"))
    for name, period in (("bay", "morning"), ("cruise", "sunset")):
        trips.create(store, trip(event_id=f"{DAY}-{name}-{period}", period=period, crew=[]))
    sign_in(phone, live_server)
    card = phone.locator(f"#event-{TRIP_ID}")
    card.locator(".boat-line", has_text="Queen · 5/6").wait_for()
    assert phone.evaluate(OVERFLOW) == 0  # the top bar's buttons wrap rather than overflow

    phone.click("#session button:has-text('Boats')")
    phone.locator("dialog[open] #boats-panel").wait_for()
    accessible(phone)
    shot(phone, "boats-dialog")
    phone.click("dialog[open] button:has-text('Close')")
    phone.wait_for_selector("dialog", state="detached")

    card.locator("button:has-text('Edit')").click()
    form = phone.locator("dialog[open] #trip-form")
    form.wait_for()
    accessible(phone)
    form.locator("button:has-text('Add patron')").click()
    form.locator("input[name=patron_name]").last.fill("Cy Ray")
    form.locator("input[name=patron_party]").last.fill("2")
    form.locator("button[type=submit]").click()
    error = phone.locator("dialog[open] #trip-boat-error")
    error.wait_for()
    assert error.inner_text() == "The Queen carries 6 passengers; this trip would have 7."
    shot(phone, "boats-full-refused")
    phone.click("dialog[open] button:has-text('Cancel')")
    phone.wait_for_selector("dialog", state="detached")
    assert card.locator(".boat-line").inner_text().strip() == "Queen · 5/6"

    phone.locator(".day-header button:has-text('Weather call')").first.click()
    dialog = phone.locator("dialog[open].weather-dialog")
    dialog.wait_for()
    assert dialog.locator(".weather-trips li").count() == 3
    accessible(phone)
    shot(phone, "weather-call")
    dialog.locator("#weather-reason").fill("Small craft advisory")
    dialog.locator("button:has-text('Cancel every trip')").click()
    dialog.locator("p", has_text="Cancelled 3 trips.").wait_for()
    shot(phone, "weather-call-done")
    phone.click("dialog[open] button:has-text('Close')")
    phone.locator(".card.is-cancelled").nth(2).wait_for()
    assert phone.locator(".card.is-cancelled").count() == 3
    shot(phone, "weather-call-board")
    assert_clean(phone, statuses=(401, 409))
