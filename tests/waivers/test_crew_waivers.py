"""Crew's side of waivers: the list (JSON and fragment), the printable copy, the card's pieces."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template
from markupsafe import escape

from scc.models import Patron
from scc.store import Store, keys, trips
from scc.store.items import serialize
from scc.waivers import text as waiver_text
from tests.support.builders import BASE_URL, QUOTEY, XSS, trip, waiver_form
from tests.support.domain import stored_waivers
from tests.support.harness import Session

EID = "2030-05-23-captain-cory-afternoon"
LIST = f"/api/events/{EID}/waivers"
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


@pytest.fixture
def signed(client: Session, store: Store) -> list[dict[str, Any]]:
    """An event with two signed waivers, signed through the patron page."""
    trips.create(store, trip())
    for name in ("Dana Lee", "Sam Ortiz"):
        data = {
            **waiver_form(full_name=name, signature=name),
            "minor_name": ["Kid Ortiz"],
            "minor_dob": ["2020-01-01"],
        }
        assert client("POST", f"/g/{EID}/waiver", form=data).status == 201
    return stored_waivers(store)


def test_the_list_needs_a_signed_in_crew_member(client: Session, signed: Any) -> None:
    response = client("GET", LIST)
    assert response.status == 401 and response.json["error"]


def test_the_list_is_json_with_a_printable_link_each(crew: Session, signed: Any) -> None:
    data = crew("GET", LIST).json
    assert data["event_id"] == EID and data["waivers_signed"] == 2
    assert [w["full_name"] for w in data["waivers"]] == ["Dana Lee", "Sam Ortiz"]
    first = data["waivers"][0]
    assert first["minors"] == [{"name": "Kid Ortiz", "date_of_birth": "2020-01-01"}]
    assert first["print_url"] == f"{LIST}/{first['waiver_id']}/print"


def test_the_list_is_a_dialog_fragment_for_htmx(crew: Session, signed: Any) -> None:
    response = crew("GET", LIST, htmx=True)
    html = response.body
    assert html.startswith("<dialog") and "Dana Lee" in html and "with Kid Ortiz" in html
    assert "2 signed · 2 of 2 on the manifest covered" in html and "data-close-modal" in html
    assert "✓ Dana Lee" in html and "not on the manifest" not in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(("eid", "status"), [("2026-05-23", 404), ("2030-01-01-nobody", 404)])
def test_the_list_of_a_wrong_event_is_404(
    crew: Session, store: Store, eid: str, status: int
) -> None:
    response = crew("GET", f"/api/events/{eid}/waivers")
    assert response.status == status and response.json["error"]


def test_the_printable_copy_re_renders_the_text_that_was_signed(crew: Session, signed: Any) -> None:
    item = signed[0]
    html = crew("GET", f"{LIST}/{item['waiver_id']}/print").body
    text = waiver_text.render(item["waiver_version"], item["text_context"])
    for para in waiver_text.paragraphs(text):
        assert f"<p>{escape(para)}</p>" in html
    assert "matches the text above" in html and item["text_sha256"] in html
    assert "Dana Lee" in html and "Kid Ortiz (born 2020-01-01)" in html and item["ip"] in html


def test_every_stored_waiver_prints_as_matching(crew: Session, signed: Any) -> None:
    for item in signed:
        html = crew("GET", f"{LIST}/{item['waiver_id']}/print").body
        assert "matches the text above" in html and "does not match" not in html


def test_a_record_whose_text_was_altered_prints_as_not_matching(
    crew: Session, store: Store, signed: Any
) -> None:
    item = {**signed[0], "text_context": {**signed[0]["text_context"], "event_title": "Forged"}}
    store.call("put_item", TableName=store.table, Item=serialize(item))
    html = crew("GET", f"{LIST}/{item['waiver_id']}/print").body
    assert "does not match the text above" in html


@pytest.mark.parametrize("waiver_id", ["nope", "20301121T223714123Z-a1b2c3d4e5f6"])
def test_printing_an_unknown_waiver_is_404(crew: Session, signed: Any, waiver_id: str) -> None:
    assert crew("GET", f"{LIST}/{waiver_id}/print").status == 404


def test_printing_needs_a_signed_in_crew_member(client: Session, signed: Any) -> None:
    assert client("GET", f"{LIST}/{signed[0]['waiver_id']}/print").status == 401


def test_the_event_json_and_card_carry_the_count(crew: Session, signed: Any) -> None:
    assert crew("GET", f"/api/events/{EID}").json["waivers_signed"] == 2
    assert "Waivers 2/2" in crew("GET", f"/api/events/{EID}", htmx=True).body


def hostile_record(store: Store) -> dict[str, Any]:
    """A waiver put straight into the table with markup in every field, hash kept consistent."""
    context = dict.fromkeys(("business", "home_port", "event_title", "event_day"), XSS)
    context |= {"event_id": EID, "event_date": "2030-05-23"}
    text = waiver_text.render("2026-11-v1", context)
    fields = (
        "full_name",
        "email",
        "phone",
        "date_of_birth",
        "signature",
        "emergency_contact_name",
        "emergency_contact_phone",
        "ip",
        "user_agent",
    )
    item = {
        "eid": EID,
        "crew_id": f"{keys.WAIVER_PREFIX}2030-05-01T10:00:00.000Z#a1b2c3d4e5f6",
        "waiver_id": "20300501T100000000Z-a1b2c3d4e5f6",
        "signed_at": "2030-05-01T10:00:00.000Z",
        **dict.fromkeys(fields, XSS),
        "minors": [{"name": XSS, "date_of_birth": XSS}],
        "agreed": True,
        "waiver_version": "2026-11-v1",
        "text_sha256": waiver_text.sha256(text),
        "text_context": context,
    }
    store.call("put_item", TableName=store.table, Item=serialize(item))
    return item


@pytest.mark.parametrize(
    ("url", "htmx", "at_least"),
    [
        (LIST, True, 2),
        (f"{LIST}/20300501T100000000Z-a1b2c3d4e5f6/print", False, 14),
    ],
)
def test_stored_markup_is_shown_escaped(
    crew: Session, store: Store, url: str, htmx: bool, at_least: int
) -> None:
    trips.create(store, trip(title=XSS))
    hostile_record(store)
    html = crew("GET", url, htmx=htmx).body
    assert XSS not in html and "<script>alert" not in html
    assert html.count(ESCAPED) >= at_least


def test_stored_markup_still_hashes_to_its_record(crew: Session, store: Store) -> None:
    trips.create(store, trip())
    item = hostile_record(store)
    html = crew("GET", f"{LIST}/{item['waiver_id']}/print").body
    assert "matches the text above" in html


def test_the_list_json_returns_stored_text_as_data(crew: Session, store: Store) -> None:
    trips.create(store, trip())
    hostile_record(store)
    response = crew("GET", LIST)
    assert response.mimetype == "application/json"
    assert response.json["waivers"][0]["full_name"] == XSS


def render(app: Flask, name: str, **context: Any) -> str:
    with app.test_request_context(base_url=BASE_URL):
        return render_template(name, **context)


def test_the_card_button_loads_the_list_into_the_modal(app: Flask, store: Store) -> None:
    event = trips.create(store, trip())
    html = render(app, "cards/_card.html", event=event)
    root, rest = html.split(">", 1)
    assert 'hx-target="#modal"' in root
    badges = rest.split('<p class="badges"', 1)[1].split("</p>", 1)[0]
    assert "hx-target" not in badges  # the waivers button inherits the modal
    assert f'hx-get="{LIST}"' in badges and "Waivers 0/2" in badges


def test_the_copied_pay_link_opens_that_patrons_balance(
    app: Flask, client: Session, store: Store
) -> None:
    event = trips.create(store, trip(patrons=[Patron(patron_id="ob", name=QUOTEY)]))
    html = render(app, "payments/_patron_link.html", event=event, p=event.patrons[0])
    assert "Copy pay link" in html and "O&#39;Brien &amp; &#34;Sons&#34;" in html
    link = html.split('data-copy="')[1].split('"')[0]
    assert link.startswith(f"/g/{EID}/payment?p=")  # made absolute by the browser
    page = client("GET", link.replace("&amp;", "&")).body
    assert "O&#39;Brien &amp; &#34;Sons&#34;" in page


def test_the_list_reads_the_trip_and_its_waivers_in_one_query(
    crew: Session, signed: list[dict[str, Any]], ddb_calls: Any
) -> None:
    ddb_calls.clear()
    assert len(crew("GET", LIST).json["waivers"]) == 2
    assert "Dana Lee" in crew("GET", LIST, htmx=True).body
    assert ddb_calls.calls == ["Query", "Query"]
