"""The dock day on a phone (390x844) in headless Chromium: check a patron in and undo it, read the
trip's activity, and download the manifest as CSV (Playwright's download event) and parse it; the
printable manifest on a phone (nothing past the screen's edge, axe-core finds nothing) and as
printed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from scc.models import Patron
from scc.store import trips
from scc.trips.exports import MANIFEST_HEADER
from tests.support.browser import OVERFLOW, SMALL_TARGETS, assert_clean, shot, sign_in
from tests.support.builders import TRIP_ID, trip
from tests.support.domain import sign


def test_check_in_undo_activity_and_the_manifest_csv(live_server, phone, store):
    trips.create(
        store,
        trip(
            patrons=[
                Patron(patron_id="dana", name="Dana Lee", email="dana@example.com"),
                Patron(patron_id="sam", name='=HYPERLINK("http://x")'),
            ]
        ),
    )
    sign_in(phone, live_server)
    card = phone.locator(f"#event-{TRIP_ID}")
    card.wait_for()
    aboard = card.locator("button.check-aboard").first
    questions: list[str] = []

    def answer(dialog: Any) -> None:  # Dana has no waiver: the phone asks first
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    phone.on("dialog", answer)
    aboard.click()  # the question, declined: nobody boarded
    assert card.locator(".badge.aboard").inner_text() == "Aboard 0/2"
    aboard.click()  # the override
    card.locator(".badge.aboard", has_text="Aboard 1/2").wait_for()
    phone.remove_listener("dialog", answer)
    assert questions == ["Dana Lee has not signed the waiver. Board them anyway?"] * 2
    assert card.locator("button.check-aboard").first.get_attribute("aria-pressed") == "true"
    shot(phone, "dock-aboard")
    card.locator("button.check-aboard").first.click()  # tap again: undo
    card.locator(".badge.aboard", has_text="Aboard 0/2").wait_for()
    assert card.locator("button.check-aboard").first.get_attribute("aria-pressed") == "false"

    card.locator("button:has-text('More')").click()
    dialog = phone.locator("dialog[open]")
    dialog.wait_for()
    assert phone.evaluate(SMALL_TARGETS) == []
    shot(phone, "dock-more")
    dialog.locator("button:has-text('Activity')").click()
    phone.locator("dialog[open] .activity").wait_for()
    entries = dialog.locator(".activity li").all_inner_texts()
    assert entries[0].startswith("Check-in Dana Lee: check-in cleared")
    assert entries[1].startswith("Check-in Dana Lee: aboard") and "cory" in entries[1]
    assert entries[-1].startswith("Created")
    shot(phone, "dock-activity")
    dialog.locator("button:has-text('Close')").click()
    phone.wait_for_selector("dialog", state="detached")

    card.locator("button:has-text('More')").click()
    with phone.expect_download() as download:
        dialog.locator("a:has-text('Manifest CSV')").click()
    path = Path(download.value.path())
    assert download.value.suggested_filename == f"scc-manifest-{TRIP_ID}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        header, dana, sam = csv.reader(handle)
    assert header == list(MANIFEST_HEADER)
    assert dana[:2] == ["dana", "Dana Lee"] and dana[7:9] == ["no", ""]
    assert sam[1] == '\'=HYPERLINK("http://x")'
    assert_clean(phone)


# Every element whose box reaches past the viewport's sides (a column cut off on a phone).
PAST_THE_EDGE = """
() => Array.from(document.querySelectorAll('body *'))
  .filter(el => { const r = el.getBoundingClientRect();
                  return r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5); })
  .map(el => el.outerHTML.slice(0, 80))
"""


def test_the_manifest_a_captain_files_reads_on_a_phone_and_prints(live_server, phone, store):
    patrons = [
        Patron(patron_id="dana", name="Dana Lee", email="dana.lee.family.account@example.com"),
        Patron(patron_id="kid", name="Kid Lee"),
        Patron(patron_id="bo", name="Bartholomew Oyelaran-Tanaka", phone="+1 619 555 0101"),
    ]
    trips.create(store, trip(patrons=patrons))
    sign(store, minors=[("Kid Lee", "2019-06-01"), ("Mia Lee", "2021-02-03")])
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/api/events/{TRIP_ID}/manifest")
    rows = phone.locator(".manifest-table tbody tr")
    assert rows.count() == 4  # Dana, Mia (on her waiver only), Kid, Bo
    assert "✗ no waiver" in rows.nth(3).inner_text()
    assert phone.evaluate(PAST_THE_EDGE) == [] and phone.evaluate(OVERFLOW) == 0
    results = Axe().run(phone)
    assert results.violations_count == 0, results.generate_report()
    shot(phone, "manifest-phone")
    # On paper (A4 portrait less the 14 mm margins: 182 mm, ~688 CSS px): a table, nothing cut.
    phone.set_viewport_size({"width": 688, "height": 1000})
    phone.emulate_media(media="print")
    assert phone.locator(".manifest-table thead").is_visible()
    assert phone.evaluate(PAST_THE_EDGE) == []
    assert_clean(phone)
