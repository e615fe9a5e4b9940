"""Patrons hear about a rescheduled or cancelled trip from the stream, through the same handler
as everything else (lambda_entry.handler): one notice per patron with an email, once, however
often the batch comes, with their own links, which open the trip's pages."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from scc.dev import stream as dev_stream
from scc.store import Store
from tests.support.builders import ADMIN, TRIP_ID, event_body
from tests.support.harness import Api
from tests.support.notify import Recorder, Stream

SITE = "https://scc.example"
TRIP = f"/api/events/{TRIP_ID}"
NEW_ID = "2030-06-02-captain-cory-afternoon"
PATRONS = [
    {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"},
    {"patron_id": "sam", "name": "Sam Ortiz", "email": "sam@example.com"},
    {"patron_id": "gus", "name": "Gus Miller"},  # no email: nobody to tell
]


@pytest.fixture(autouse=True)
def site(handler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Links in mail are absolute from SCC_SITE_URL."""
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "SITE_URL", SITE)


@pytest.fixture
def trip(api: Api, stream: Stream) -> None:
    assert api("POST", "/api/events", event_body(patrons=PATRONS)).status == 201
    api("POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "80", "method": "cash"})
    stream.take()  # what came before is not this test's news


def patron_mail(mailer: Recorder) -> list[Any]:
    return [m for m in mailer.sent if m.to != ADMIN]


def test_a_reschedule_tells_each_patron_once_with_links_that_open_the_trip(
    api: Api, trip: None, stream: Stream, handler: Any, mailer: Recorder
) -> None:
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"}).status == 200
    batch = stream.take()
    assert handler(batch, None) == {"batchItemFailures": []}
    assert handler(copy.deepcopy(batch), None) == {"batchItemFailures": []}  # delivered twice
    sent = patron_mail(mailer)
    assert sorted(m.to for m in sent) == ["dana@example.com", "sam@example.com"]
    assert mailer.sent == sent  # no waiver or payment mail again for what moved
    dana = next(m for m in sent if m.to == "dana@example.com")
    assert dana.subject == "New date for your trip: Captain Cory · Afternoon, 2030-06-02"
    assert "Sun, Jun 2, 2030 (it was Thu, May 23, 2030)" in dana.text
    assert "You still owe $120.00" in dana.text
    waiver, pay = re.findall(rf"{SITE}(/g/\S+)", dana.text)
    assert waiver.startswith(f"/g/{NEW_ID}/waiver?p=") and pay.startswith(f"/g/{NEW_ID}/payment?p=")
    assert f'href="{SITE}{waiver}"' in dana.html.replace("&amp;", "&")
    dialog = api("GET", f"/api/events/{NEW_ID}/pay-links", htmx=True).text.replace("&amp;", "&")
    assert f'data-copy="{waiver}"' in dialog and f'data-copy="{pay}"' in dialog  # the crew's own
    path, query = waiver.split("?")
    form = api("GET", path, query=query)
    assert form.status == 200 and 'value="Dana Lee"' in form.text  # her own, filled in
    path, query = pay.split("?")
    balance = api("GET", path, query=query)
    assert balance.status == 200 and "$80.00" in balance.text and "Dana Lee" in balance.text


def test_a_cancellation_tells_each_patron_what_they_paid(
    api: Api, trip: None, stream: Stream, handler: Any, mailer: Recorder
) -> None:
    assert api("POST", f"{TRIP}/cancel", {"reason": "small craft advisory"}).status == 200
    batch = stream.take()
    handler(batch, None)
    handler(batch, None)
    sent = {m.to: m for m in patron_mail(mailer)}
    assert set(sent) == {"dana@example.com", "sam@example.com"}
    assert "You have paid $80.00; it will be refunded" in sent["dana@example.com"].text
    assert "You have nothing to pay" in sent["sam@example.com"].text
    assert "Reason: small craft advisory" in sent["dana@example.com"].text


def test_a_refund_is_news_for_the_admin(
    api: Api, trip: None, stream: Stream, handler: Any, mailer: Recorder
) -> None:
    back = {"patron_id": "dana", "amount": "30", "method": "venmo", "reason": "fuel"}
    api("POST", f"{TRIP}/refunds", back)
    handler(stream.take(), None)
    [note] = mailer.sent
    assert note.to == ADMIN and note.subject.startswith("Refund recorded: $30.00 to Dana Lee")
    # a discount (lower_due by default): the total goes down with what was paid
    assert "Reason:     fuel" in note.text and "$50.00 paid of $370.00" in note.text


def test_make_devs_stream_reader_filters_as_lambda_and_mails_each_patron_once(
    api: Api, trip: None, store: Store, handler: Any, mailer: Recorder
) -> None:
    reader = dev_stream.StreamReader(store)  # from now on (LATEST), as `make dev` starts it
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"}).status == 200

    polled = [dev_stream.poll_once(reader, handler) for _ in range(3)]

    assert polled[0] >= 2 and polled[1:] == [0, 0]  # the sent-markers are filtered out
    assert sorted(m.to for m in mailer.sent) == ["dana@example.com", "sam@example.com"]
    for message in mailer.sent:
        assert f"{SITE}/g/{NEW_ID}/waiver?p=" in message.text
        assert f"{SITE}/g/{NEW_ID}/payment?p=" in message.text
