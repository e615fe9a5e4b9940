"""The stream filter and the notifier say the same thing (scc.notify.routes): the mapping's own
FilterCriteria, applied to real stream records as Lambda applies them, let through every record a
notice needs and none of the kinds the notifier never reads.

Lambda: "If none of your filters are satisfied, Lambda discards the record"
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html); the patterns are
matched by moto's EventBridge-pattern matcher (scc.dev.stream.lambda_filter)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from scc.dev.stream import lambda_filter
from scc.models import Member
from scc.notify import notices, routes
from scc.store import Store, roster
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import on_roster, sign
from tests.support.harness import Api
from tests.support.notify import Recorder, Stream

OTHER = "2030-05-24-captain-cory"
PATRONS = [
    {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"},
    {"patron_id": "sam", "name": "Sam Ortiz", "email": "sam@example.com"},
    {"patron_id": "gus", "name": "Gus Miller"},
]


@pytest.fixture
def members(store: Store) -> None:
    """cory (an owner, signing in with the shared password) and jess, who has an email: crew
    changes are news for her (crew alerts)."""
    on_roster(store, "cory", "owner")
    jess = Member(crew_id="jess", name="Jess", role="crew", email="jess@example.com")
    roster.add(store, jess, link_hash="", link_expires=0)


def _kind(record: dict[str, Any]) -> tuple[str, str]:
    crew_id = routes.sort_key(record)
    return record["eventName"], crew_id if not crew_id.startswith("#") else crew_id.split("#")[1]


def test_the_filter_passes_what_notices_need_and_drops_what_the_notifier_never_reads(
    members: None, api: Api, store: Store, stream: Stream, handler: Any, mailer: Recorder
) -> None:
    trip = f"/api/events/{TRIP_ID}"
    assert api("POST", "/api/events", event_body(patrons=PATRONS)).status == 201
    other = event_body(date="2030-05-24", period=None, patrons=PATRONS[:2], crew=[])
    assert api("POST", "/api/events", other).status == 201
    paid = api(
        "POST", f"{trip}/payment-log", {"patron_id": "dana", "amount": "80", "method": "cash"}
    )
    api("POST", f"{trip}/payment-log", {"patron_id": "dana", "amount": "30", "method": "venmo"})
    payment_id = paid.json["payment"]["payment_id"]
    void = api("POST", f"{trip}/payments/{payment_id}/void", {"reason": "typo"})
    back = {"patron_id": "dana", "amount": "20", "method": "venmo", "reason": "fuel"}
    refund = api("POST", f"{trip}/refunds", back)
    put = api("PUT", f"{trip}/crew/jess", {"role": "deckhand"})
    removed = api("DELETE", f"{trip}/crew/jess")
    sign(store, TRIP_ID, email="dana@example.com")
    cancel = api("POST", f"/api/events/{OTHER}/cancel", {"reason": "small craft advisory"})
    api.http.login("cory", "wrong")  # a throttle counter
    away = api("POST", f"{trip}/reschedule", {"date": "2030-06-02"})
    moved = "/api/events/2030-06-02-captain-cory-afternoon"
    api("POST", f"{moved}/payment-log", {"patron_id": "dana", "amount": "50", "method": "venmo"})
    home = api("POST", f"{moved}/reschedule", {"date": "2030-05-23"})  # back: A → B → A
    statuses = [r.status for r in (void, refund, put, removed, cancel, away, home)]
    assert statuses == [200, 201, 200, 200, 200, 200, 200], statuses
    records = stream.take(unfiltered=True)["Records"]
    passes = lambda_filter()

    for record in records:  # the notifier's own routing and Lambda's filter agree, record by record
        assert passes(record) == (routes.route_of(record) is not None), _kind(record)
    kept = [r for r in records if passes(r)]
    dropped = [r for r in records if not passes(r)]
    never_read = {("INSERT", "jess"), ("REMOVE", "jess"), ("INSERT", "counter")}
    assert never_read <= set(map(_kind, dropped))

    assert handler({"Records": dropped}, None) == {"batchItemFailures": []}
    assert mailer.sent == []  # nothing the filter drops was news
    assert handler({"Records": kept}, None) == {"batchItemFailures": []}
    subjects = Counter(m.subject.split(":")[0] for m in mailer.sent)
    assert subjects == {
        "Payment logged": 3,  # $80, $30, and $50 at B: each once, no replay when back at A
        "Payment voided": 1,
        "Refund recorded": 1,
        "Waiver signed": 1,
        "Your signed waiver – Captain Cory · Afternoon, Thursday, May 23, 2030": 1,
        "Cancelled": 2,
        "New date for your trip": 4,  # two patrons with an email, told of each move
        "You're on Captain Cory · Afternoon, 2030-05-23 as deckhand": 1,  # jess, a crew alert
        "You're off Captain Cory · Afternoon, 2030-05-23": 1,
    }
    markers = stream.take(unfiltered=True)["Records"]
    assert markers and not any(map(passes, markers))  # the function's own writes wake nothing


def test_every_route_has_its_reader_and_its_pattern() -> None:
    assert set(notices.READERS) == {route.name for route in routes.ROUTES}
    patterns = [json.loads(f["Pattern"]) for f in routes.filter_criteria()["Filters"]]
    assert patterns == [route.pattern() for route in routes.ROUTES]
