"""A patron's Contact dialog through lambda_entry.handler: call and text links with their number
(the manifest's, else their waiver's), the reminder text when they miss something, the emergency
contact from their waiver; the card links to it, with no number (the board reads no contacts)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tests.support.builders import TRIP_ID, event_body, waiver_form
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"
DANA = {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00", "phone": "(619) 555-0101"}
SAM = {"patron_id": "sam", "name": "Sam Ortiz"}


def contact(api: Api, patron_id: str, **kwargs: Any) -> Any:
    return api("GET", f"{TRIP}/patrons/{patron_id}/contact", **kwargs)


def test_a_patron_with_a_phone_gets_call_and_text_links_with_the_reminder(
    api: Api, ddb_calls: Any
) -> None:
    assert api("POST", "/api/events", event_body(total=None, patrons=[DANA, SAM])).status == 201
    ddb_calls.clear()
    dialog = contact(api, "dana", htmx=True)
    assert ddb_calls.calls == ["GetItem"]  # the trip; no waiver matched, none read
    assert dialog.status == 200 and dialog.text.startswith("<dialog")
    assert 'href="tel:6195550101"' in dialog.text
    (sms,) = re.findall(r'href="(sms:[^"]*)"', dialog.text)
    assert sms.startswith("sms:6195550101?&amp;body=")
    body = unquote(sms.replace("&amp;", "&").split("body=", 1)[1])
    assert (
        "Hi Dana Lee" in body
        and "please sign the waiver" in body
        and "$200.00 is still due" in body
    )
    data = contact(api, "dana").json
    assert (data["phone"], data["phone_from"], data["call"]) == (
        "(619) 555-0101",
        "manifest",
        "tel:6195550101",
    )
    none = contact(api, "sam", htmx=True).text
    assert "No phone on record for Sam Ortiz" in none and "tel:" not in none
    assert contact(api, "nobody").status == 404


def test_the_waiver_gives_the_phone_and_the_emergency_contact(api: Api, ddb_calls: Any) -> None:
    assert api("POST", "/api/events", event_body(total=None, patrons=[SAM])).status == 201
    signed = waiver_form(
        full_name="Sam Ortiz", phone="+1 858 555 0199", signature="Sam Ortiz",
        emergency_contact_name="Rita Ortiz", emergency_contact_phone="858-555-0142",
    )  # fmt: skip
    assert api("POST", f"/g/{TRIP_ID}/waiver", form=signed).status == 201
    ddb_calls.clear()
    data = contact(api, "sam").json
    assert ddb_calls.calls == ["GetItem", "GetItem"]  # the trip, then the waiver matched to Sam
    assert (data["phone"], data["phone_from"], data["text"]) == (
        "+1 858 555 0199",
        "waiver",
        "sms:+18585550199",  # signed and no share: nothing to remind them of, no body
    )
    assert data["emergency_contact"] == {"name": "Rita Ortiz", "phone": "858-555-0142"}
    html = contact(api, "sam", htmx=True).text
    assert "(from their waiver)" in html and 'href="tel:8585550142"' in html


def test_the_card_opens_the_dialog_and_carries_no_number(api: Api) -> None:
    assert api("POST", "/api/events", event_body(total=None, patrons=[DANA])).status == 201
    board = api("GET", "/api/events", htmx=True).text
    card = api("GET", TRIP, htmx=True).text
    for html in (board, card):
        assert f'hx-get="{TRIP}/patrons/dana/contact"' in html and "Dana Lee</button>" in html
        assert "tel:" not in html and "sms:" not in html
