"""The patron waiver page: GET shows the text and form; POST signs (201) or explains (422)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from scc import clock
from scc.store import Store, trips
from scc.waivers import signing as waivers
from tests.support.builders import QUOTEY, TEXT_FIELDS, XSS, trip, waiver_form
from tests.support.domain import stored_waivers
from tests.support.harness import Session

EID = "2030-05-23-captain-cory-afternoon"
URL = f"/g/{EID}/waiver"
FIELDS = TEXT_FIELDS


@pytest.fixture
def event(store: Store) -> Any:
    return trips.create(store, trip())


def post(client: Session, data: dict[str, Any], **kwargs: Any) -> Any:
    return client("POST", URL, form=data, **kwargs)


def test_the_page_shows_the_trip_the_text_and_a_labelled_form(client: Session, event: Any) -> None:
    html = client("GET", URL).body
    assert "Whale watching" in html and "RELEASE OF LIABILITY" in html
    assert '<p class="trip-business">ShipCaptainCrew Charters</p>' in html  # the global heading
    for field in [*FIELDS, "agree"]:
        assert f'<label for="{field}"' in html or f'for="{field}">' in html
    assert 'name="minor_name"' in html and 'name="minor_dob"' in html


def test_the_page_has_no_inline_script_or_style(client: Session, event: Any) -> None:
    html = client("GET", URL).body
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_the_honeypot_is_hidden_by_a_class(client: Session, event: Any) -> None:
    html = client("GET", URL).body
    assert re.search(r'<div class="honeypot"[^>]*>\s*<label for="website"', html)


def test_the_page_costs_one_read(client: Session, event: Any, ddb_calls: Any) -> None:
    ddb_calls.clear()
    assert client("GET", URL).status == 200
    assert ddb_calls.calls == ["GetItem"]


def test_signing_answers_201_with_a_confirmation(client: Session, store: Store, event: Any) -> None:
    response = post(
        client, {**waiver_form(), "minor_name": ["Kid Lee"], "minor_dob": ["2020-01-02"]}
    )
    html = response.body
    assert response.status == 201
    assert "Waiver signed" in html and "Thank you, Dana Lee" in html and "Kid Lee" in html
    assert len(stored_waivers(store)) == 1


def test_signing_costs_two_calls(client: Session, event: Any, ddb_calls: Any) -> None:
    ddb_calls.clear()
    assert post(client, waiver_form()).status == 201
    assert ddb_calls.calls == ["BatchGetItem", "TransactWriteItems"]


@pytest.mark.parametrize(
    ("header", "stored"),
    [
        ("198.51.100.10:46532", "198.51.100.10"),
        ("2001:db8::7:46532", "2001:db8::7"),
    ],
)
def test_the_stored_ip_is_the_viewers_when_cloudfront_vouches_for_it(
    app: Flask,
    client: Session,
    store: Store,
    event: Any,
    header: str,
    stored: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "ORIGIN_SECRETS", ["edge-secret"])
    post(
        client,
        waiver_form(),
        headers={"CloudFront-Viewer-Address": header, "X-SCC-Origin-Verify": "edge-secret"},
        source_ip="130.176.0.1",
    )  # the CloudFront edge
    forged = post(
        client,
        waiver_form(full_name="Sam Lee", signature="Sam Lee"),
        headers={"CloudFront-Viewer-Address": header, "X-SCC-Origin-Verify": "forged"},
        source_ip="130.176.0.1",
    )
    assert forged.status == 403  # not through CloudFront: refused outright (scc.web.edge)
    assert [w["ip"] for w in stored_waivers(store)] == [stored]


def test_without_the_header_the_source_ip_is_stored(
    client: Session, store: Store, event: Any
) -> None:
    post(
        client,
        waiver_form(),
        source_ip="192.0.2.33",
        headers={"User-Agent": "Mobile Safari"},
    )
    [item] = stored_waivers(store)
    assert (item["ip"], item["user_agent"]) == ("192.0.2.33", "Mobile Safari")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", ""),
        ("email", "dana@"),
        ("phone", "call me"),
        ("date_of_birth", "2019-01-01"),
        ("emergency_contact_name", ""),
        ("emergency_contact_phone", "12"),
        ("agree", None),
        ("signature", "Someone Else"),
    ],
)
def test_a_bad_field_is_422_with_its_message_beside_it(
    client: Session, store: Store, event: Any, field: str, value: str | None
) -> None:
    response = post(client, waiver_form(**{field: value}))
    html = response.body
    assert response.status == 422
    assert re.search(
        rf'id="{field}"[^>]*aria-invalid="true"[^>]*'
        rf'aria-describedby="{field}-error',
        html,
        re.S,
    )
    assert f'<p class="field-error" id="{field}-error">' in html
    assert stored_waivers(store) == []


def test_a_422_keeps_what_was_typed(client: Session, event: Any) -> None:
    html = post(client, waiver_form(email="nope", full_name=QUOTEY)).body
    assert 'value="O&#39;Brien &amp; &#34;Sons&#34;"' in html
    assert 'value="nope"' in html and 'value="Sam Lee"' in html


def test_a_bad_minor_is_reported_beside_that_minor(client: Session, event: Any) -> None:
    data = {
        **waiver_form(),
        "minor_name": ["Ann", "Grown Up"],
        "minor_dob": ["2020-01-01", "1990-01-01"],
    }
    html = post(client, data).body
    assert '<p class="field-error" id="minor_dob_2-error">Grown Up is 18 or older' in html
    assert "minor_dob_1-error" not in html and 'value="Ann"' in html


def test_more_than_ten_minors_is_422(client: Session, event: Any) -> None:
    data = {
        **waiver_form(),
        "minor_name": [f"Kid {n}" for n in range(11)],
        "minor_dob": ["2020-01-01"] * 11,
    }
    response = post(client, data)
    assert response.status == 422 and 'id="minors-error"' in response.body


@pytest.mark.parametrize(
    ("eid", "says"),
    [
        ("2026-05-23", "only a date"),
        ("2026-13-01-captain-cory", "real calendar date"),
        ("Captain-Cory", "not an event id"),
        ("2030-05-23-nobody", "couldn&#39;t find a trip"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_wrong_link_is_a_404_page_that_shows_a_correct_one(
    client: Session, event: Any, eid: str, says: str, method: str
) -> None:
    response = client(method, f"/g/{eid}/waiver", form=waiver_form())
    html = response.body
    assert response.status == 404 and "This link looks wrong" in html and says in html
    assert "/g/2026-05-23-captain-cory-afternoon/waiver</code>" in html


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(
    client: Session, store: Store, event: Any, ddb_calls: Any
) -> None:
    ddb_calls.clear()
    response = post(client, waiver_form(website="http://spam.example"))
    assert response.status == 201 and "Waiver signed" in response.body
    assert ddb_calls.calls == ["GetItem"]
    assert stored_waivers(store) == []


def test_a_body_over_64_kb_is_413(client: Session, store: Store, event: Any) -> None:
    response = post(client, waiver_form(full_name="x" * 70_000))
    assert response.status == 413 and "too large" in response.body
    assert stored_waivers(store) == []


def test_past_the_trip_cap_from_one_address_is_429_with_a_page(
    client: Session, event: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # on the hour: the window ends at 19:00
    monkeypatch.setattr(clock, "now", lambda: frozen)
    monkeypatch.setattr(waivers, "TRIP_LIMIT", 2)
    for n in range(2):
        signed = post(client, waiver_form(full_name=f"G {n}", signature=f"G {n}"))
        assert signed.status == 201
    response = post(client, waiver_form())
    assert response.status == 429 and response.headers["Retry-After"] == "3600"
    assert "try again in 60 minutes" in response.body


def test_past_the_trips_signers_off_the_manifest_the_form_asks_to_be_added_first(
    client: Session, store: Store, event: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waivers, "UNMATCHED_MOST", 1)
    assert post(client, waiver_form(full_name="Guest One", signature="Guest One")).status == 201
    response = post(client, waiver_form(full_name="Guest Two", signature="Guest Two"))
    assert response.status == 422
    assert "ask the crew to add you to the list" in response.body
    assert [w["full_name"] for w in stored_waivers(store)] == ["Guest One"]


def test_the_same_form_sent_twice_is_signed_once(client: Session, store: Store, event: Any) -> None:
    data = waiver_form(form_id="form-id-from-the-page-0123")
    assert post(client, data).status == 201
    again = post(client, data)
    assert again.status == 200 and "Already signed" in again.body
    assert trips.get(store, EID).waivers_signed == 1


def test_a_waiver_changed_since_the_page_was_read_must_be_read_again(
    client: Session, store: Store, crew: Session, event: Any
) -> None:
    shown = re.search(r'name="text_sha256" value="(\w+)"', client("GET", URL).body)
    crew("PATCH", f"/api/events/{EID}", {"title": "Renamed trip"})
    response = post(client, waiver_form(text_sha256=shown[1] if shown else ""))
    assert response.status == 422 and "Renamed trip" in response.body
    assert "has been updated since you opened" in response.body


def test_an_htmx_boosted_post_gets_the_whole_page(client: Session, event: Any) -> None:
    response = post(client, waiver_form(email="x"), htmx=True, headers={"HX-Boosted": "true"})
    assert response.status == 422 and "<body" in response.body


@pytest.mark.parametrize(
    "kwargs",
    [
        {"body": {"full_name": ["a"], "agree": {"x": 1}}},
        {
            "data": b"\xff\xfe=\xff",
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
        {"form": {"minor_name": ["a"] * 50, "minor_dob": ["x"]}},
        {"form": {"date_of_birth": "9999-99-99", "form_id": "<x>"}},
    ],
)
def test_junk_is_never_a_500(client: Session, event: Any, kwargs: dict[str, Any]) -> None:
    assert client("POST", URL, **kwargs).status in (400, 422)


def test_markup_in_every_field_is_refused_and_shown_escaped(
    client: Session, store: Store, event: Any
) -> None:
    data = {
        **dict.fromkeys(FIELDS, XSS),
        "agree": "yes",
        "minor_name": [XSS],
        "minor_dob": [XSS],
        "form_id": XSS,
        "text_sha256": XSS,
    }
    html = post(client, data).body
    assert XSS not in html and "<script>alert" not in html
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= len(FIELDS) + 2
    assert stored_waivers(store) == []


def test_quotes_and_ampersands_are_stored_as_typed_and_shown_escaped(
    client: Session, store: Store, event: Any
) -> None:
    data = {
        **waiver_form(full_name=QUOTEY, signature=QUOTEY, emergency_contact_name=QUOTEY),
        "minor_name": [QUOTEY],
        "minor_dob": ["2020-01-01"],
    }
    html = post(client, data).body
    assert QUOTEY not in html and html.count("O&#39;Brien &amp; &#34;Sons&#34;") == 2
    assert stored_waivers(store)[0]["full_name"] == QUOTEY
