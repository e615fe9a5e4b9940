"""Reminders and the crew calendar on a phone (390x844) in headless Chromium (issue 25): the
card's reminder line, the `sms:` link for a patron the job could not email (in their Contact
dialog), My calendar, and the trip's reminders switch turned off in Edit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from playwright.sync_api import Page

from scc.models import Patron, Reminder
from scc.store import trips
from tests.support.browser import OVERFLOW, assert_clean, shot, sign_in
from tests.support.builders import TRIP_ID, trip


def test_the_reminder_line_the_sms_link_my_calendar_and_the_switch(
    live_server: str, phone: Page, store: Any
) -> None:
    patrons = [
        Patron(
            patron_id="ann", name="Ann Park", email="ann@example.com", amount_due=Decimal("175")
        ),
        Patron(
            patron_id="bob", name="Bob Reyes", email="bob@example.com", amount_due=Decimal("100")
        ),
        Patron(patron_id="cat", name="Cat Moss", phone="619-555-0100", amount_due=Decimal("50")),
    ]
    at = "2030-05-21T17:00:00Z"
    reminders = {
        "ann": Reminder(mark=3, status="sent", at=at, missing=("waiver", "balance")),
        "bob": Reminder(mark=3, status="sent", at=at, missing=("balance",)),
        "cat": Reminder(mark=3, status="skipped", at=at, missing=("waiver", "balance")),
    }
    trips.create(store, trip(total="325.00", patrons=patrons, reminders=reminders))
    sign_in(phone, live_server)
    card = phone.locator(f"#event-{TRIP_ID}")
    line = card.locator(".reminders")
    line.wait_for()
    assert " ".join(line.inner_text().split()) == "Reminded 2 · 1 without email"
    sms = card.locator("button.sms-link")
    assert sms.count() == 1 and sms.inner_text() == "Text Cat Moss a reminder"
    assert phone.evaluate(OVERFLOW) == 0
    shot(phone, "reminders-card")
    sms.click()  # her Contact dialog: the board reads no contacts, the dialog has her number
    text = phone.locator("dialog.contact-dialog[open] a:has-text('Text a reminder')")
    href = unquote(text.get_attribute("href") or "")
    assert href.startswith("sms:6195550100?&body=Hi Cat Moss") and "sign the waiver" in href
    phone.locator("dialog.contact-dialog button[data-close-modal]").click()
    phone.wait_for_selector("dialog", state="detached")

    phone.click("button.my-calendar")
    dialog = phone.locator("dialog[open]")
    dialog.locator("#calendar-title").wait_for()
    assert dialog.locator("code.link-text").inner_text().endswith(".ics")
    assert "boat" in dialog.locator(".hint").first.inner_text()
    shot(phone, "reminders-my-calendar")
    dialog.locator("button:has-text('Close')").click()
    phone.wait_for_selector("dialog", state="detached")

    card.locator("button:has-text('Edit')").click()
    switch = phone.locator("dialog[open] #trip-form input[name=reminders][role=switch]")
    switch.wait_for()
    assert switch.is_checked()
    switch.uncheck()
    shot(phone, "reminders-switch-off")
    phone.locator("dialog[open] #trip-form button[type=submit]").click()
    phone.wait_for_selector("dialog", state="detached")
    card.locator(".reminders", has_text="Reminders off").wait_for()
    assert card.locator("button.sms-link").count() == 1  # the skipped patron can still be texted
    assert trips.get(store, TRIP_ID).reminders_off is True
    shot(phone, "reminders-off-card")
    assert_clean(phone)
