import json
import re

import pytest
from botocore.exceptions import ReadTimeoutError

from tests.support import harness
from tests.support.builders import BAD_AMOUNTS


@pytest.fixture
def event(create_event):
    return create_event(
        total="100.00",
        patrons=[
            {"patron_id": "dana", "name": "Dana Lee", "amount_due": "60.00"},
            {"patron_id": "sam", "name": "Sam Ortiz"},
        ],
    )


@pytest.fixture
def pay(crew, event):
    """Log a payment on the event as signed-in crew (10.00 from Sam unless told); the answer."""

    def pay(amount="10.00", patron_id="sam", **options):
        return harness.pay(crew, amount, patron_id, eid=event["event_id"], status=None, **options)

    return pay


def stored(crew, event):
    return crew("GET", f"/api/events/{event['event_id']}").json


@pytest.mark.parametrize("amount", [*BAD_AMOUNTS, None, "<b>5</b>"])
def test_invalid_amounts_are_422_and_write_nothing(crew, event, pay, amount, ddb_calls):
    ddb_calls.clear()
    response = pay(amount=amount)
    assert response.status == 422
    assert response.json["field"] == "amount" and response.json["error"]
    assert ddb_calls.calls == ["GetItem"]  # the session's roster check; nothing written
    assert stored(crew, event)["payments"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"method": "bitcoin"}, "method"),
        ({"method": None}, "method"),
        ({"patron_id": ""}, "patron_id"),
        ({"patron_id": "nobody"}, "patron_id"),
        ({"notes": "<script>x</script>"}, "notes"),
        ({"notes": "n" * 300}, "notes"),
        ({"idempotency_key": "short"}, "idempotency_key"),
    ],
)
def test_invalid_fields_are_422(crew, event, pay, change, field):
    response = pay(**change)
    assert response.status == 422 and response.json["field"] == field
    assert stored(crew, event)["paid_total"] == "0.00"


def test_payment_json_shape_and_one_write(pay, ddb_calls):
    ddb_calls.clear()
    response = pay(amount="25", patron_id="dana", method="venmo", notes="deposit")
    assert response.status == 201
    assert ddb_calls.calls == ["GetItem", "UpdateItem"]  # the roster check, then one write
    body = response.json
    assert (body["paid_total"], body["balance_due"], body["payment_cleared"]) == (
        "25.00",
        "75.00",
        False,
    )
    payment = body["payment"]
    assert (payment["amount"], payment["method"], payment["logged_by"], payment["notes"]) == (
        "25.00",
        "venmo",
        "cory",
        "deposit",
    )
    assert payment["timestamp"].endswith("Z") and payment["payment_id"]


def test_boundary_thirds_then_a_cent_refused(crew, event, pay):
    for amount in ("33.33", "33.33", "33.34"):
        assert pay(amount=amount).status == 201
    response = pay(amount="0.01")
    assert response.status == 422
    assert "0.00 is due" in response.json["error"]
    data = stored(crew, event)
    assert (data["paid_total"], data["balance_due"], data["payment_cleared"]) == (
        "100.00",
        "0.00",
        True,
    )


def test_patron_share_caps_their_payments(pay):
    assert pay(amount="50", patron_id="dana").status == 201
    response = pay(amount="10.01", patron_id="dana")
    assert response.status == 422
    assert response.json["error"] == "That is more than Dana Lee still owes: $10.00 is due."
    assert pay(amount="10", patron_id="dana").status == 201


def test_same_key_twice_records_one_payment(crew, event, pay):
    first = pay(amount="20", idempotency_key="tap-0001-aaaa")
    again = pay(amount="20", idempotency_key="tap-0001-aaaa")
    assert first.status == again.status == 201
    assert again.json["payment"] == first.json["payment"] and again.json["replayed"] is True
    assert len(stored(crew, event)["payments"]) == 1
    assert stored(crew, event)["paid_total"] == "20.00"


def test_key_in_header_works_too(crew, event, pay):
    for _ in range(2):
        pay(amount="5", headers={"Idempotency-Key": "header-key-123"})
    assert [p["payment_id"] for p in stored(crew, event)["payments"]] == ["header-key-123"]


def test_reused_key_with_other_details_is_a_conflict(pay):
    assert pay(amount="20", idempotency_key="tap-0002-aaaa").status == 201
    response = pay(amount="30", idempotency_key="tap-0002-aaaa")
    assert response.status == 409 and response.json["field"] == "idempotency_key"


def test_lost_response_retry_records_one_payment(crew, event, pay, store):
    """DynamoDB applies the write but the answer is lost: botocore retries, the key holds."""
    lost = []

    def drop_first_answer(request, **_):
        if not lost:
            lost.append(request.url)
            raise ReadTimeoutError(endpoint_url=request.url)

    events = store.client.meta.events
    events.register("before-send.dynamodb.UpdateItem", drop_first_answer, unique_id="lose-one")
    try:
        response = pay(amount="15", idempotency_key="flaky-dock-01")
    finally:
        events.unregister("before-send.dynamodb.UpdateItem", unique_id="lose-one")
    assert lost and response.status == 201
    assert response.json["payment"]["payment_id"] == "flaky-dock-01"
    data = stored(crew, event)
    assert len(data["payments"]) == 1 and data["paid_total"] == "15.00"
    # and the crew member's own retry after their phone timed out changes nothing either
    assert pay(amount="15", idempotency_key="flaky-dock-01").json["replayed"] is True
    assert stored(crew, event)["paid_total"] == "15.00"


def test_unknown_event_is_404(crew):
    response = harness.pay(crew, "5", "sam", eid="2030-01-01-nobody", status=None)
    assert response.status == 404


def test_payment_log_with_event_id_in_body(crew, event):
    body = {"event_id": event["event_id"], "patron_id": "sam", "amount": "5", "method": "zelle"}
    response = crew("POST", "/api/payment/log", body)
    assert response.status == 201 and response.json["paid_total"] == "5.00"
    bad = crew(
        "POST",
        "/api/payment/log",
        {**body, "event_id": "2026-05-23"},
    )
    assert bad.status == 422 and bad.json["field"] == "event_id"


def test_form_post_works(crew, event):
    response = crew(
        "POST",
        f"/api/events/{event['event_id']}/payment-log",
        form={"patron_id": "sam", "amount": "7.50", "method": "card"},
    )
    assert response.status == 201 and response.json["payment"]["amount"] == "7.50"


def test_htmx_answer_is_the_card_with_toast_and_close(pay, event):
    response = pay(amount="40", htmx=True)
    assert response.status == 200
    html = response.body
    assert html.startswith(f'<article id="event-{event["event_id"]}"')
    assert "$40.00" in html
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["scc:toast"] == "Recorded $40.00 Cash from Sam Ortiz."
    assert "scc:close-modal" in trigger


def test_htmx_error_is_422_in_the_modal(pay):
    response = pay(amount="1000", htmx=True)
    assert response.status == 422
    assert response.headers["HX-Retarget"] == "#payment-error"
    assert "still owed" in response.body


def test_modal_lists_manifest_with_due_and_fresh_key(crew, event):
    url = f"/api/events/{event['event_id']}/payment-modal"
    first = crew("GET", url, htmx=True).body
    second = crew("GET", url, htmx=True).body
    assert "<dialog" in first and "Dana Lee · $60.00 due" in first
    assert "Logged by <strong>cory</strong>" in first
    assert 'hx-disabled-elt="find button[type=submit]"' in first

    def key(html):
        return html.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]

    assert key(first) != key(second)


def test_void_keeps_the_entry_and_drops_totals(crew, event, pay):
    payment_id = pay(amount="30", patron_id="dana").json["payment"]["payment_id"]
    url = f"/api/events/{event['event_id']}/payments/{payment_id}/void"
    assert crew("POST", url, {}).status == 422
    response = crew("POST", url, {"reason": "logged twice"}, htmx=True)
    assert response.status == 200 and "Paid</dt><dd>$0.00" in response.body
    history = crew("GET", f"/api/events/{event['event_id']}/payments", htmx=True)
    assert "<s>$30.00 Cash · Dana Lee · cory</s>" in history.body
    assert "voided by cory: logged twice" in history.body
    data = stored(crew, event)
    voided = data["payments"][0]
    assert voided["voided"] is True and voided["void_reason"] == "logged twice"
    assert voided["voided_by"] == "cory" and voided["voided_at"]
    assert data["paid_total"] == "0.00" and data["patrons"][0]["amount_paid"] == "0.00"
    again = crew("POST", url, {"reason": "again"})
    assert again.status == 409
    assert pay(amount="60", patron_id="dana").status == 201  # the share is free again


def test_void_unknown_payment_is_404(crew, event):
    url = f"/api/events/{event['event_id']}/payments/nope/void"
    response = crew("POST", url, {"reason": "x"})
    assert response.status == 404


def test_payment_cleared_per_patron_and_event(crew, event, pay):
    base = f"/api/events/{event['event_id']}/payment-cleared"
    assert crew("GET", f"{base}?patron_id=dana").json["cleared"] is False
    pay(amount="60", patron_id="dana")
    dana = crew("GET", f"{base}?patron_id=dana").json
    assert (dana["cleared"], dana["amount_paid"], dana["balance_due"]) == (True, "60.00", "0.00")
    whole = crew("GET", base).json
    assert whole["patron_id"] is None and whole["cleared"] is False
    pay(amount="40", patron_id="sam")
    whole = crew("GET", base).json
    assert whole["cleared"] is True and len(whole["payments"]) == 2
    assert crew("GET", f"{base}?patron_id=zed").status == 404


def test_stored_cleared_flag_follows_the_ledger(store, event, pay, crew):
    def flag():
        item = store.client.get_item(
            TableName=store.table, Key={"eid": {"S": event["event_id"]}, "crew_id": {"S": "#event"}}
        )["Item"]
        return item["payment_cleared"]["BOOL"]

    payment_id = pay(amount="100").json["payment"]["payment_id"]
    assert flag() is True
    crew(
        "POST",
        f"/api/events/{event['event_id']}/payments/{payment_id}/void",
        {"reason": "wrong trip"},
    )
    assert flag() is False


def test_ledger_size_guard_is_a_clear_422(crew, event, pay, monkeypatch):
    from scc.payments import ledger

    monkeypatch.setattr(ledger, "MAX_PAYMENTS", 2)
    assert pay(amount="1").status == 201
    assert pay(amount="1").status == 201
    response = pay(amount="1")
    assert response.status == 422 and "the most one event can hold" in response.json["error"]
    assert stored(crew, event)["paid_total"] == "2.00"


def test_pay_links_dialog_lists_each_patron(crew, event):
    html = crew("GET", f"/api/events/{event['event_id']}/pay-links", htmx=True).body
    assert "<dialog" in html and html.count("Copy pay link") == 2
    eid = event["event_id"]
    pays = re.findall(rf'data-copy="/g/{eid}/payment\?p=([^"]+)"', html)
    waivers = re.findall(rf'data-copy="/g/{eid}/waiver\?p=([^"]+)"', html)
    assert len(set(pays)) == 2 and pays == waivers  # each patron's own, one token for both


@pytest.mark.parametrize(("amount", "recorded"), [(12.5, "12.50"), (40, "40.00"), ("7.25", "7.25")])
def test_amounts_come_as_json_numbers_or_strings(pay, amount, recorded):
    """A JSON number is read exactly (as a Decimal), never through a float."""
    response = pay(amount=amount)
    assert response.status == 201 and response.json["payment"]["amount"] == recorded
