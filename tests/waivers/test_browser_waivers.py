"""The patron pages in headless Chromium at 390x844: sign, get 422 messages beside fields, sign
without JavaScript, read a personal payment link; crew open the list and the printable copy."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from scc.store import Store, trips
from tests.support.browser import OVERFLOW, assert_clean, shot, sign_in
from tests.support.builders import TEXT_FIELDS, trip, waiver_form
from tests.support.domain import stored_waivers

EID = "2030-05-23-captain-cory-afternoon"
SMALL_TARGETS = """
() => Array.from(document.querySelectorAll('button, input, select, summary, a.button'))
  .filter(el => el.offsetParent !== null && !el.closest('.honeypot') && el.type !== 'hidden')
  .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
  .filter(([, h]) => h < 28)
"""
# For each message on the page: its input, and whether the message sits right under it.
BESIDE = """
() => Array.from(document.querySelectorAll('.field-error[id$="-error"]')).map(msg => {
  const input = document.getElementById(msg.id.slice(0, -6));
  const a = (input.closest('label') || input).getBoundingClientRect();
  const b = msg.getBoundingClientRect();
  return [input.id, input.getAttribute('aria-invalid'),
          b.top >= a.bottom - 1 && b.top - a.bottom < 40,
          (input.getAttribute('aria-describedby') || '').includes(msg.id)];
})
"""


def fill_form(page: Page, **overrides: str) -> None:
    data = waiver_form(**overrides)
    for field in TEXT_FIELDS:
        page.fill(f"#{field}", data.get(field, ""))


def test_fill_and_sign_on_a_phone(live_server: str, phone: Page, store: Store) -> None:
    trips.create(store, trip())
    phone.goto(f"{live_server}/g/{EID}/waiver")
    shot(phone, "waiver-form")
    assert phone.evaluate(OVERFLOW) == 0 and phone.evaluate(SMALL_TARGETS) == []
    fill_form(phone)
    phone.click("details.minors summary")
    phone.fill("#minor_name_1", "Kid Lee")
    phone.fill("#minor_dob_1", "2020-01-02")
    phone.click("label[for=agree]")
    shot(phone, "waiver-filled")
    phone.click("button[type=submit]")
    phone.wait_for_selector("h1:has-text('Waiver signed')")
    shot(phone, "waiver-signed")
    assert "Thank you, Dana Lee" in phone.inner_text("main")
    assert [w["minors"][0]["name"] for w in stored_waivers(store)] == ["Kid Lee"]
    assert_clean(phone)


def test_the_422_path_shows_each_message_beside_its_field(
    live_server: str, phone: Page, store: Store
) -> None:
    trips.create(store, trip())
    phone.goto(f"{live_server}/g/{EID}/waiver")
    fill_form(phone, email="dana@", date_of_birth="2015-06-01", signature="Someone Else")
    phone.click("button[type=submit]")
    phone.wait_for_selector("#form-errors")
    beside = phone.evaluate(BESIDE)
    assert {row[0] for row in beside} == {"email", "date_of_birth", "agree", "signature"}
    assert all(row[1:] == ["true", True, True] for row in beside), beside
    assert phone.input_value("#full_name") == "Dana Lee"
    assert phone.evaluate(OVERFLOW) == 0
    shot(phone, "waiver-422")
    phone.locator("#date_of_birth").scroll_into_view_if_needed()
    phone.screenshot(path="/tmp/scc-shots/waiver-422-dob.png")
    assert stored_waivers(store) == []
    assert_clean(phone, statuses=(422,))


def test_signing_works_without_javascript(live_server: str, browser: Browser, store: Store) -> None:
    trips.create(store, trip())
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/g/{EID}/waiver")
        fill_form(page)
        page.check("#agree")
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Waiver signed')")
        shot(page, "waiver-signed-nojs")
        assert len(stored_waivers(store)) == 1
    finally:
        context.close()


def test_a_personal_payment_link_on_a_phone(live_server: str, phone: Page, store: Store) -> None:
    from scc import paylinks
    from tests.support.apps import make_app

    trips.create(store, trip())
    token = paylinks.issue(make_app().config["SECRET_KEY"], EID, "dana")
    phone.goto(f"{live_server}/g/{EID}/payment?p={token}")
    text = phone.inner_text("main")
    assert "Dana Lee" in text and "$200.00" in text and "Venmo @scc-charters" in text
    assert phone.evaluate(OVERFLOW) == 0
    shot(phone, "payment-link")
    assert_clean(phone)


def test_crew_open_the_list_and_the_printable_copy(
    live_server: str, phone: Page, store: Store, client: Any
) -> None:
    trips.create(store, trip())
    data = {**waiver_form(), "minor_name": ["Kid Lee"], "minor_dob": ["2020-01-02"]}
    assert client("POST", f"/g/{EID}/waiver", form=data).status == 201
    sign_in(phone, live_server)
    phone.evaluate(
        f"htmx.ajax('GET', '/api/events/{EID}/waivers', {{target: '#modal', swap: 'innerHTML'}})"
    )
    phone.wait_for_selector("#modal dialog[open] .waiver-list")
    shot(phone, "waivers-dialog")
    with phone.context.expect_page() as opened:
        phone.click("a.print-link")
    printable = opened.value
    printable.wait_for_selector("main.printable-waiver")
    assert "matches the text above" in printable.inner_text("main")
    assert printable.evaluate(OVERFLOW) == 0
    assert printable.locator("dd.signer").bounding_box()["width"] > 300  # type: ignore[index]
    shot(printable, "waiver-print")
    printable.screenshot(path="/tmp/scc-shots/waiver-print-top.png")
    printable.locator(".signature-block").scroll_into_view_if_needed()
    printable.screenshot(path="/tmp/scc-shots/waiver-print-signature.png")
    printable.emulate_media(media="print")
    assert printable.locator("p.no-print").is_hidden()
    shot(printable, "waiver-print-media")
    phone.click("#modal [data-close-modal]")
    assert phone.locator("#modal dialog").count() == 0
    assert_clean(phone)
