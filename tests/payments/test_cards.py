"""Card payments through Stripe (docs/DEPLOY.md "Card payments"): checkout, the webhook into
the ledger, and what happens without Stripe. Stripe is the local stand-in
(scc.dev.stripe_standin); webhook deliveries are signed here with Stripe's scheme
(tests/payments/cards_support.py)."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from scc import activity, paylinks
from scc.models import Event
from scc.notify import stream as notify
from scc.store import Store, trips
from tests.payments.cards_support import (
    client,
    completed,
    deliver,
    pay_at_standin,
    signature,
)
from tests.support.apps import make_app
from tests.support.builders import ADMIN, TRIP_ID, make_v2_event, trip
from tests.support.domain import on_roster
from tests.support.harness import Api, Http
from tests.support.notify import Recorder, Stream

PAGE = f"/g/{TRIP_ID}/payment"
CHECKOUT = f"{PAGE}/checkout"


def token(patron_id: str = "dana") -> str:
    import lambda_entry

    return paylinks.issue(lambda_entry.app.config["SECRET_KEY"], TRIP_ID, patron_id)


def said(event: Event, entry: Any) -> str:
    """An activity entry as the crew read it (patrons by name)."""
    return activity.readable(entry, {p.patron_id: p.name for p in event.patrons})


@pytest.fixture
def event(store: Store) -> Event:
    """Dana and Sam owe 200.00 each; nothing paid."""
    return trips.create(store, trip())


@pytest.fixture
def http(handler: Any) -> Http:
    return Http(handler)


def checkout(http: Http, amount: str | None = None, patron_id: str = "dana") -> Any:
    form = {"p": token(patron_id)} | ({"amount": amount} if amount is not None else {})
    return http("POST", CHECKOUT, form=form)


def paid_session(http: Http, stripe_base: str, amount: str | None = None) -> dict[str, Any]:
    """Check out on the pay page, pay on the stand-in's page: the session as Stripe has it."""
    answer = checkout(http, amount)
    assert answer.status == 303, answer.text
    back = pay_at_standin(answer.headers["location"])
    session_id = parse_qs(urlsplit(back).query)["card"][0]
    found: dict[str, Any] = client(stripe_base).v1.checkout.sessions.retrieve(session_id).to_dict()
    return found


def test_without_stripe_the_pay_page_and_routes_are_as_before(http: Http, event: Event) -> None:
    page = http("GET", PAGE, query=f"p={token()}")
    assert page.status == 200 and "$200.00" in page.text and "by card" not in page.text
    assert checkout(http).status == 404
    body = completed({"id": "cs_x", "payment_status": "paid"})
    assert deliver(http, body).status == 404


def test_the_pay_page_offers_the_balance_by_card_and_checks_out_for_it(
    http: Http, event: Event, cards_on: str
) -> None:
    page = http("GET", PAGE, query=f"p={token()}")
    assert "Pay $200.00 by card" in page.text
    # The form's answer is a redirect to Stripe's page, which CSP form-action must allow.
    assert f"form-action 'self' {cards_on};" in page.headers["content-security-policy"]
    answer = checkout(http)
    assert answer.status == 303 and answer.headers["location"].startswith(cards_on + "/checkout/")
    session_id = answer.headers["location"].rsplit("/", 1)[1]
    session = client(cards_on).v1.checkout.sessions.retrieve(session_id)
    assert session.amount_total == 20000 and session.mode == "payment"
    assert session.metadata.to_dict() == {"event_id": TRIP_ID, "patron_id": "dana"}
    back = f"https://scc.example{PAGE}?p={token()}"
    assert session.cancel_url == back
    assert session.success_url == back + "&card={CHECKOUT_SESSION_ID}"
    # Pressed twice on the same balance: the same session (its idempotency key).
    assert checkout(http).headers["location"] == answer.headers["location"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("200.01", "That is more than you owe: $200.00 is due."),
        ("0.99", "Pay at least $1.00 by card, or all $200.00."),
        ("abc", "Enter the amount as plain digits"),
    ],
)
def test_the_checkout_never_takes_more_than_the_balance(
    http: Http, event: Event, cards_on: str, amount: str, message: str
) -> None:
    answer = checkout(http, amount)
    assert answer.status == 422 and message in answer.text


def test_a_part_of_the_balance_and_a_bad_link(http: Http, event: Event, cards_on: str) -> None:
    answer = checkout(http, "1.00")
    session_id = answer.headers["location"].rsplit("/", 1)[1]
    assert client(cards_on).v1.checkout.sessions.retrieve(session_id).amount_total == 100
    forged = http("POST", CHECKOUT, form={"p": token()[:-2] + "xx"})
    assert forged.status == 404 and "valid for this trip" in forged.text


def test_a_signed_completed_checkout_records_one_card_payment(
    http: Http, store: Store, stream: Stream, event: Event, cards_on: str
) -> None:
    session = paid_session(http, cards_on, "75.00")
    first = deliver(http, completed(session))
    again = deliver(http, completed(session, "evt_test_2"))  # Stripe delivers at least once
    assert first.status == again.status == 200, first.text
    assert first.json["payment"]["amount"] == "75.00"
    trip_now = trips.get(store, TRIP_ID)
    assert [(p.payment_id, p.amount, p.method, p.logged_by) for p in trip_now.payments] == [
        (session["id"], Decimal("75.00"), "card", "stripe")
    ]
    assert trip_now.payments[0].payment_intent == session["payment_intent"]
    assert trip_now.paid_by("dana") == Decimal("75.00")
    assert [said(trip_now, e) for e in trip_now.activity if e.action == "payment"] == [
        "$75.00 Card from Dana Lee"
    ]
    assert (
        client(cards_on).v1.refunds.list({"payment_intent": session["payment_intent"]}).data == []
    )
    back = http("GET", PAGE, query=f"p={token()}&card={session['id']}")
    assert "Your card payment of $75.00 is recorded" in back.text
    assert "Pay $125.00 by card" in back.text
    # The admin's note, as for any payment: from the table's stream.
    notify_app, mailer = make_app(ADMIN_EMAIL=ADMIN), Recorder()
    notify_app.extensions["scc.mailer"] = mailer
    assert notify.make_stream_handler(notify_app)(stream.take(), None)["batchItemFailures"] == []
    [note] = mailer.sent
    assert note.subject.startswith("Payment logged: $75.00 from Dana Lee (Card)")
    assert "Logged by:  stripe" in note.text


def test_an_overpaying_card_is_capped_and_the_excess_refunded_once(
    http: Http, api: Api, store: Store, event: Event, cards_on: str
) -> None:
    session = paid_session(http, cards_on)  # 200.00 by card, while ...
    cash = {"patron_id": "dana", "amount": "150.00", "method": "cash"}
    assert api("POST", f"/api/events/{TRIP_ID}/payment-log", cash).status == 201
    answers = [deliver(http, completed(session, f"evt_{n}")) for n in range(2)]
    assert [a.status for a in answers] == [200, 200]
    assert (
        answers[0].json["payment"]["amount"] == "50.00" and answers[0].json["returned"] == "150.00"
    )
    trip_now = trips.get(store, TRIP_ID)
    assert trip_now.paid_by("dana") == Decimal("200.00")
    card = trip_now.payment(session["id"])
    assert card is not None and card.amount == Decimal("50.00")
    assert "$50.00 Card from Dana Lee (card paid $200.00; $150.00 returned)" in [
        said(trip_now, e) for e in trip_now.activity
    ]
    refunds = client(cards_on).v1.refunds.list({"payment_intent": session["payment_intent"]}).data
    assert [r.amount for r in refunds] == [15000]


def test_a_card_paid_when_nothing_is_owed_goes_back_whole(
    http: Http, api: Api, store: Store, event: Event, cards_on: str
) -> None:
    session = paid_session(http, cards_on)
    cash = {"patron_id": "dana", "amount": "200.00", "method": "cash"}
    assert api("POST", f"/api/events/{TRIP_ID}/payment-log", cash).status == 201
    for n in range(2):
        answer = deliver(http, completed(session, f"evt_{n}"))
        assert answer.status == 200 and answer.json["recorded"] is False
    trip_now = trips.get(store, TRIP_ID)
    assert trip_now.payment(session["id"]) is None and trip_now.paid_by("dana") == Decimal("200")
    assert [said(trip_now, e) for e in trip_now.activity if e.action == "refund"] == [
        f"$200.00 Card to Dana Lee: nothing owed, returned to the card · {session['id']}"
    ]
    refunds = client(cards_on).v1.refunds.list({"payment_intent": session["payment_intent"]}).data
    assert [r.amount for r in refunds] == [20000]


@pytest.mark.parametrize("how", ["unsigned", "wrong secret", "stale", "tampered", "not json"])
def test_deliveries_that_do_not_verify_change_nothing(
    http: Http, store: Store, event: Event, cards_on: str, how: str
) -> None:
    session = {"id": "cs_test_forged", "object": "checkout.session", "payment_status": "paid",
               "amount_total": 7500, "payment_intent": "pi_x",
               "metadata": {"event_id": TRIP_ID, "patron_id": "dana"}}  # fmt: skip
    body = json.dumps(completed(session))
    header = {
        "unsigned": "",
        "wrong secret": signature(body, secret="whsec_other"),
        "stale": signature(body, at=int(time.time()) - 301),  # Stripe's tolerance is 300 s
        "tampered": signature(body),
        "not json": "",
    }[how]
    if how == "tampered":
        body = body.replace("7500", "9500")
    if how == "not json":
        body = "not json"
        header = signature(body)
    assert _post_raw(http, body, header) == 400
    assert trips.get(store, TRIP_ID).rev == event.rev


def _post_raw(http: Http, body: str, header: str) -> int:
    """Send exactly `body` to the webhook (Http would JSON-encode it); the status."""
    headers = {"content-type": "application/json"}
    if header:
        headers["stripe-signature"] = header
    event = make_v2_event(
        method="POST", path="/api/stripe/webhook", query="", headers=headers, body=body,
        source_ip="203.0.113.9",
    )  # fmt: skip
    return int(http.handler(event, None)["statusCode"])


def test_other_events_and_unknown_trips_are_answered_200_and_stored_nothing(
    http: Http, store: Store, event: Event, cards_on: str
) -> None:
    other = {**completed({"id": "pi_1"}), "type": "payment_intent.succeeded"}
    assert deliver(http, other).json == {"received": True, "recorded": False}
    unpaid = completed({"id": "cs_1", "payment_status": "unpaid", "amount_total": 100})
    assert deliver(http, unpaid).json["recorded"] is False
    for metadata in ({"event_id": "2031-01-01-nobody", "patron_id": "dana"},
                     {"event_id": TRIP_ID, "patron_id": "nobody"}, {}):  # fmt: skip
        stray = completed({"id": "cs_2", "payment_status": "paid", "amount_total": 100,
                           "payment_intent": "pi_2", "metadata": metadata})  # fmt: skip
        answer = deliver(http, stray)
        assert answer.status == 200 and answer.json["recorded"] is False
    assert trips.get(store, TRIP_ID).rev == event.rev


def test_an_owners_card_refund_goes_back_to_the_card_once_and_crew_cannot(
    http: Http, api: Api, store: Store, event: Event, cards_on: str
) -> None:
    session = paid_session(http, cards_on, "75.00")
    assert deliver(http, completed(session)).status == 200
    due = trips.get(store, TRIP_ID).due_from("dana")
    refunds_url = f"/api/events/{TRIP_ID}/refunds"
    body = {"patron_id": "dana", "amount": "25.00", "method": "card", "reason": "Seasick",
            "idempotency_key": "refund-dana-1"}  # fmt: skip
    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew")
    assert api.as_crew("jess")("POST", refunds_url, body).status == 403
    answers = [api("POST", refunds_url, body) for _ in range(2)]
    assert [a.status for a in answers] == [201, 201], answers[0].text
    assert answers[1].json["replayed"] is True
    intent = {"payment_intent": session["payment_intent"]}
    assert [r.amount for r in client(cards_on).v1.refunds.list(intent).data] == [2500]
    trip_now = trips.get(store, TRIP_ID)
    assert trip_now.paid_by("dana") == Decimal("50.00") and len(trip_now.refunds) == 1
    too_much = {**body, "amount": "60.00", "idempotency_key": "refund-dana-2"}
    answer = api("POST", refunds_url, too_much)
    assert answer.status == 422 and "more than Dana Lee has paid" in answer.text
    assert len(client(cards_on).v1.refunds.list(intent).data) == 1
    # The same lower_due as any refund: by default her due stayed (a discount); malformed, Stripe
    # is not asked; false, the $10.00 given back is owed again.
    assert trip_now.due_from("dana") == due and answers[0].json["refund"]["lower_due"] is True
    maybe = {**body, "lower_due": "maybe", "idempotency_key": "refund-dana-3"}
    assert api("POST", refunds_url, maybe).json["field"] == "lower_due"
    assert len(client(cards_on).v1.refunds.list(intent).data) == 1
    again = {**body, "amount": "10.00", "lower_due": False, "idempotency_key": "refund-dana-4"}
    assert api("POST", refunds_url, again).status == 201
    assert sorted(r.amount for r in client(cards_on).v1.refunds.list(intent).data) == [1000, 2500]
    assert trips.get(store, TRIP_ID).due_from("dana") == due + 10


def test_a_passing_store_failure_asks_stripe_to_deliver_again(
    http: Http, store: Store, event: Event, cards_on: str
) -> None:
    from botocore.stub import Stubber

    metadata = {"event_id": TRIP_ID, "patron_id": "dana"}
    session = {"id": "cs_test_busy", "payment_status": "paid", "amount_total": 1000,
               "payment_intent": "pi_x", "metadata": metadata}  # fmt: skip
    with Stubber(store.client) as stub:  # DynamoDB throttles the read (the gateway's 503)
        stub.add_client_error("get_item", "ProvisionedThroughputExceededException")
        answer = deliver(http, completed(session))
    assert (
        answer.status == 503
    )  # Stripe retries a non-2xx: https://docs.stripe.com/webhooks#retries
    assert deliver(http, completed(session)).status == 200
    assert trips.get(store, TRIP_ID).paid_by("dana") == Decimal("10.00")
