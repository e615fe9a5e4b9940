"""Log Payment in headless Chromium: the card refreshes in place, the toast appears, and an
overpayment shows its message in the modal."""

from __future__ import annotations

from decimal import Decimal

from scc.models import Patron
from scc.store import trips
from tests.support.browser import assert_clean, shot, sign_in
from tests.support.builders import trip

# Dana owes 100.00 of the 300.00 total; Sam has no share set.
PATRONS = [
    Patron(patron_id="dana", name="Dana", amount_due=Decimal("100.00")),
    Patron(patron_id="sam", name="Sam"),
]


def test_log_payment_refreshes_the_card_in_place(live_server, phone, store):
    event = trips.create(
        store, trip(event_id="2099-05-23-captain-cory-afternoon", total="300.00", patrons=PATRONS)
    )
    card = f"#event-{event.event_id}"
    sign_in(phone, live_server)
    phone.wait_for_selector(card)
    phone.evaluate("window.__marker = 'still here'")
    shot(phone, "payment-before")

    phone.click(f"{card} button:has-text('Log Payment')")
    phone.wait_for_selector("dialog[open]")
    phone.select_option("#payment-patron", "dana")
    phone.fill("#payment-amount", "40")
    phone.select_option("#payment-method", "venmo")
    phone.fill("#payment-notes", "deposit at the dock")
    shot(phone, "payment-modal")
    phone.click("dialog button[type=submit]")

    phone.wait_for_selector("dialog", state="detached")
    toast = phone.locator(".toast", has_text="Recorded $40.00 Venmo from Dana")
    toast.wait_for()
    assert "$40.00" in phone.inner_text(f"{card} .totals")
    assert "$260.00" in phone.inner_text(f"{card} .totals")
    assert phone.evaluate("window.__marker") == "still here"  # no page load happened
    shot(phone, "payment-after")

    phone.click(f"{card} button:has-text('Log Payment')")
    phone.wait_for_selector("dialog[open]")
    phone.select_option("#payment-patron", "dana")
    phone.fill("#payment-amount", "999")
    phone.click("dialog button[type=submit]")
    phone.wait_for_selector("#payment-error .flash-message")
    assert "60.00 is due" in phone.inner_text("#payment-error")
    assert phone.locator("dialog[open]").count() == 1  # still there, nothing changed
    shot(phone, "payment-overpay")
    phone.click("dialog button:has-text('Cancel')")
    phone.wait_for_selector("dialog", state="detached")
    assert "$40.00" in phone.inner_text(f"{card} .totals")
    assert phone.evaluate("window.__marker") == "still here"
    assert_clean(phone, statuses=(422,))


def test_void_strikes_the_payment_through(live_server, phone, store):
    event = trips.create(
        store, trip(event_id="2099-05-24-captain-maya", total="300.00", patrons=PATRONS)
    )
    card = f"#event-{event.event_id}"
    sign_in(phone, live_server)
    phone.click(f"{card} button:has-text('Log Payment')")
    phone.select_option("#payment-patron", "sam")
    phone.fill("#payment-amount", "25")
    phone.click("dialog button[type=submit]")
    phone.wait_for_selector("dialog", state="detached")
    phone.click(f"{card} button:has-text('Payments')")
    phone.click("dialog .history button:has-text('Void')")
    phone.wait_for_selector("dialog.void-modal[open]")
    phone.fill("#void-reason", "logged on the wrong trip")
    phone.click("dialog button[type=submit]")
    phone.wait_for_selector("dialog", state="detached")
    assert "$0.00" in phone.inner_text(f"{card} .totals")
    phone.click(f"{card} button:has-text('Payments')")
    phone.wait_for_selector("dialog .history li.voided s")
    assert "logged on the wrong trip" in phone.inner_text("dialog .history")
    decoration = phone.eval_on_selector(
        "dialog .history li.voided s", "el => getComputedStyle(el).textDecorationLine"
    )
    assert "line-through" in decoration
    shot(phone, "payment-voided")
    assert_clean(phone)
