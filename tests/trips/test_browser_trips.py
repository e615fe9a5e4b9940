"""A trip's week on a phone (390x844) in headless Chromium, through the real pages only: create it
in the New trip dialog, add a patron in Edit, log a payment, reschedule it, and follow a waiver
link sent before the move to the trip's new page; and an edit saved over another's (stale) that
keeps its typing, says who changed what, and saves on the second try."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from scc.models import Patron
from scc.store import trips
from tests.support.browser import SMALL_TARGETS, assert_clean, open_page, shot, sign_in
from tests.support.builders import TRIP_ID, trip

OLD_ID = "2030-05-23-captain-cory-afternoon"
NEW_ID = "2030-06-02-captain-cory-afternoon"


def test_create_edit_pay_reschedule_and_follow_an_old_link(live_server, phone, store):
    sign_in(phone, live_server)
    phone.click("button.new-trip")
    dialog = phone.locator("dialog[open]")
    dialog.wait_for()
    phone.fill("#trip-date", "2030-05-23")
    phone.fill("#trip-name", "Captain Cory")
    phone.select_option("#trip-period", "afternoon")
    phone.locator("#trip-id-preview", has_text=f"Will create {OLD_ID}").wait_for()
    row = dialog.locator(".patron-row").first
    row.locator("[name=patron_name]").fill("Dana Lee")
    row.locator("[name=patron_email]").fill("dana@example.com")
    row.locator("[name=patron_amount_due]").fill("200")
    dialog.locator("button:has-text('Add crew')").click()
    dialog.locator(".crew-row [name=crew_id]").fill("cory")
    dialog.locator(".crew-row select").select_option("captain")
    assert phone.evaluate(SMALL_TARGETS) == []
    shot(phone, "trip-new-dialog")
    dialog.locator("button[type=submit]").click()

    card = phone.locator(f"#event-{OLD_ID}")
    card.wait_for()
    phone.wait_for_selector("dialog", state="detached")
    assert "Captain Cory · Afternoon" in card.inner_text() and "Dana Lee" in card.inner_text()
    shot(phone, "trip-created")

    card.locator("button:has-text('Edit')").click()
    dialog.wait_for()
    dialog.locator("button:has-text('Add patron')").click()
    added = dialog.locator(".patron-row").last
    assert added.locator("[name=patron_name]").evaluate("el => el === document.activeElement")
    added.locator("[name=patron_name]").fill("Sam Ortiz")
    added.locator("[name=patron_amount_due]").fill("200")
    shot(phone, "trip-edit-dialog")
    dialog.locator("button:has-text('Save')").click()
    phone.wait_for_selector("dialog", state="detached")
    phone.locator(f"#event-{OLD_ID} .patron-name", has_text="Sam Ortiz").wait_for()
    assert "$400.00" in card.locator(".totals").inner_text()

    card.locator("button:has-text('Log Payment')").click()
    dialog.wait_for()
    phone.select_option("#payment-patron", "dana-lee")
    phone.fill("#payment-amount", "50")
    dialog.locator("button[type=submit]").click()
    phone.locator(".toast", has_text="Recorded $50.00 Cash from Dana Lee").wait_for()

    card.locator("button.waivers-link").click()
    dialog.wait_for()
    old_link = dialog.locator("button[data-copy]").get_attribute("data-copy")
    assert old_link == f"/g/{OLD_ID}/waiver"
    dialog.locator("button:has-text('Close')").click()
    phone.wait_for_selector("dialog", state="detached")

    card.locator("button:has-text('More')").click()
    dialog.locator("button:has-text('Reschedule')").click()
    phone.locator("dialog[open] #reschedule-date").wait_for()
    phone.fill("#reschedule-date", "2030-06-02")
    shot(phone, "trip-reschedule-dialog")
    dialog.locator("button[type=submit]").click()
    moved = phone.locator(f"#event-{NEW_ID}")
    moved.wait_for()
    assert "Sun, Jun 2, 2030" in moved.inner_text() and "$50.00" in moved.inner_text()
    assert phone.locator(f"#event-{OLD_ID}").count() == 0
    shot(phone, "trip-rescheduled")
    assert_clean(phone)

    phone.goto(live_server + old_link)
    assert phone.url == f"{live_server}/g/{NEW_ID}/waiver"
    page = phone.inner_text("main")
    assert "Captain Cory · Afternoon" in page and "Sun, Jun 2, 2030" in page
    shot(phone, "trip-old-waiver-link")
    assert_clean(phone)


def test_a_stale_edit_keeps_its_typing_and_says_who_changed_what(
    live_server, phone, browser, store
):
    trips.create(store, trip(patrons=[Patron(patron_id="dana", name="Dana Lee")]))
    sign_in(phone, live_server)
    card = phone.locator(f"#event-{TRIP_ID}")
    card.locator("button:has-text('Edit')").click()
    dialog = phone.locator("dialog[open]")
    dialog.locator("#trip-form").wait_for()
    phone.fill("#trip-title", "Sunset whales")
    dialog.locator(".patron-row [name=patron_phone]").first.fill("619-555-0134")

    other = open_page(browser)  # jess, on her own phone, saves first
    try:
        sign_in(other, live_server, "jess")
        other.locator(f"#event-{TRIP_ID} button:has-text('Edit')").click()
        other.fill("dialog[open] #trip-title", "Whale watch")
        other.click("dialog[open] button:has-text('Add patron')")
        other.locator("dialog[open] [name=patron_name]").last.fill("Zoe Ray")
        other.click("dialog[open] button:has-text('Save')")
        other.wait_for_selector("dialog", state="detached")
    finally:
        other.context.close()

    dialog.locator("button:has-text('Save')").click()  # stale: refused, kept, explained
    notice = dialog.locator(".stale-notice")
    notice.wait_for()
    assert notice.evaluate("el => el === document.activeElement")  # in view, read out
    assert "jess, a moment ago: Edited · title: Whale watching → Whale watch" in notice.inner_text()
    assert "jess, a moment ago: Patron added · Zoe Ray" in notice.inner_text()
    assert phone.input_value("#trip-title") == "Sunset whales"  # theirs, and jess's Zoe beside
    names = dialog.locator("#patron-rows [name=patron_name]")
    assert [names.nth(i).input_value() for i in range(names.count())] == ["Dana Lee", "Zoe Ray"]
    assert dialog.locator("[name=patron_phone]").first.input_value() == "619-555-0134"
    card.locator("h2", has_text="Whale watch").wait_for()  # the card behind, brought up to date
    results = Axe().run(phone, context="dialog[open]")
    assert results.violations_count == 0, results.generate_report()
    shot(phone, "stale-edit-dialog")
    dialog.locator("button:has-text('Save')").click()  # again, over the trip as it is now
    phone.wait_for_selector("dialog", state="detached")
    card.locator("h2", has_text="Sunset whales").wait_for()
    assert "Zoe Ray" in card.inner_text()
    assert_clean(phone, statuses=(409,))
