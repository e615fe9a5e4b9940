"""Issue 23's dock-day walk in headless Chromium at 390x844: a patron's Contact dialog, a
goodwill refund that leaves nothing due, the board refreshing itself when the phone comes back
to the app (an open dialog kept), and a deactivated member told why on their next tap."""

from __future__ import annotations

from decimal import Decimal

from scc.models import Patron
from scc.payments import ledger
from scc.store import trips
from scc.trips import lifecycle
from tests.support.browser import assert_clean, open_page, shot, sign_in
from tests.support.builders import payment, trip
from tests.support.domain import on_roster

EID = "2099-05-23-captain-cory-afternoon"
CARD = f"#event-{EID}"
DANA = Patron(patron_id="dana", name="Dana Lee", phone="619-555-0101", amount_due=Decimal("200"))
COME_BACK = """() => {
  Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_contact_refund_refresh_and_access_turned_off(live_server, phone, browser, store):
    trips.create(store, trip(event_id=EID, total="200.00", patrons=[DANA]))
    ledger.record(store, EID, payment(amount="200.00", timestamp="2099-05-01T10:00:00Z"))
    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew")
    on_roster(store, "leo", "crew")
    sign_in(phone, live_server)
    phone.wait_for_selector(f"{CARD} .badge.ok:has-text('Paid in full')")

    # The patron's name opens how to reach them: their number in tel: and sms: links.
    phone.click(f"{CARD} button.patron-contact:has-text('Dana Lee')")
    dialog = phone.locator("dialog.contact-dialog[open]")
    dialog.wait_for()
    assert dialog.locator("a:has-text('Call')").get_attribute("href") == "tel:6195550101"
    assert dialog.locator("a:has-text('Text')").get_attribute("href").startswith("sms:6195550101")
    shot(phone, "contact-dialog")
    dialog.locator("button[data-close-modal]").click()
    phone.click(f"{CARD} button.waivers-link")  # who is still to sign: each opens the same dialog
    phone.click("dialog[open] .waivers-missing button:has-text('Dana Lee')")
    phone.wait_for_selector("dialog.contact-dialog[open]")
    phone.locator("dialog.contact-dialog button[data-close-modal]").click()
    phone.wait_for_selector("dialog", state="detached")

    # A $20 goodwill refund (the checkbox is ticked by default): still paid in full.
    phone.click(f"{CARD} button:has-text('Payments')")
    phone.click("dialog[open] button:has-text('Refund')")
    phone.wait_for_selector("dialog.refund-modal[open]")
    assert phone.is_checked("dialog.refund-modal input[type=checkbox][name=lower_due]")
    phone.fill("#refund-amount", "20")
    phone.fill("#refund-reason", "goodwill: late start")
    shot(phone, "refund-dialog")
    phone.click("dialog.refund-modal button[type=submit]")
    phone.wait_for_selector("dialog", state="detached")
    phone.wait_for_selector(f"{CARD} .totals:has-text('$180.00')")
    assert phone.locator(f"{CARD} .badge.ok:has-text('Paid in full')").count() == 1
    shot(phone, "refund-done")

    # Someone else boards Dana; the phone comes back to the app with a dialog open.
    phone.click(f"{CARD} button.patron-contact:has-text('Dana Lee')")
    phone.wait_for_selector("dialog.contact-dialog[open]")
    lifecycle.check_in(store, EID, "dana", "aboard", "jess", confirm=True)
    assert phone.locator(f"{CARD} .badge.aboard").inner_text() == "Aboard 0/1"
    phone.evaluate(COME_BACK)
    phone.wait_for_selector(f"{CARD} .badge.aboard:has-text('Aboard 1/1')")
    assert phone.locator("dialog.contact-dialog[open]").count() == 1  # still open over it
    shot(phone, "board-refreshed")
    phone.locator("dialog.contact-dialog button[data-close-modal]").click()

    # Jess is signed in on her phone; Cory deactivates her (asked first); her next tap says why.
    jess = open_page(browser)
    try:
        sign_in(jess, live_server, "jess")
        jess.wait_for_selector(CARD)
        asked: list[str] = []
        phone.once("dialog", lambda d: (asked.append(d.message), d.accept()))
        phone.click("#session button:has-text('Crew')")
        phone.click("li.member:has-text('jess') button:has-text('Deactivate')")
        phone.wait_for_selector("li.member.inactive:has-text('jess')")
        assert asked and asked[0].startswith("Deactivate Jess? They are signed out")
        jess.click(f"{CARD} button.check-aboard")  # a write: the roster is asked at once
        jess.wait_for_selector("form.login .form-error:has-text('turned off your access')")
        shot(jess, "access-turned-off")
        assert_clean(jess, statuses=(401,))
    finally:
        jess.context.close()

    # Leo's next request is a page his browser opens (an export link): the sign-in page says why.
    leo = open_page(browser)
    try:
        sign_in(leo, live_server, "leo")
        phone.once("dialog", lambda d: d.accept())
        phone.click("li.member:has-text('leo') button:has-text('Deactivate')")
        phone.wait_for_selector("li.member.inactive:has-text('leo')")
        leo.goto(live_server + "/api/exports/payments.csv?from=2099-01-01&to=2099-12-31")
        leo.wait_for_selector("#board form.login .form-error:has-text('turned off your access')")
        leo.wait_for_load_state("networkidle")  # app.js ran and loaded no other form over it
        assert leo.locator("#board .form-error:has-text('turned off your access')").count() == 1
        shot(leo, "access-turned-off-page")
    finally:
        leo.context.close()
    assert_clean(phone)
