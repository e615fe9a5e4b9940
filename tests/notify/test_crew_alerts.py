"""Crew alerts from the stream, through lambda_entry.handler, mailed through moto's SES: a member
with an email on the roster hears when they are put on a trip or taken off it, and when a trip
they are on moves or is cancelled; whoever made the change is not told, nor a member without
an email."""

from __future__ import annotations

from typing import Any

import pytest

from scc.models import Member
from scc.store import Store, roster
from tests.support.builders import SENDER, TRIP_ID, event_body
from tests.support.harness import Api
from tests.support.notify import Stream

MOVED = "2030-06-02-captain-cory-afternoon"


@pytest.fixture
def send(handler: Any, ses: list[Any], stream: Stream, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Deliver what the stream holds to the handler; answer the subjects SES accepted since."""
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "MAIL_BACKEND", "ses")
    monkeypatch.setitem(lambda_entry.app.config, "MAIL_FROM", SENDER)
    monkeypatch.delitem(lambda_entry.app.extensions, "scc.mailer", raising=False)

    def deliver() -> list[tuple[str, str]]:
        before = len(ses)
        assert handler(stream.take(), None) == {"batchItemFailures": []}
        return [(m.destinations["ToAddresses"][0], m.subject) for m in ses[before:]]

    return deliver


def test_a_member_hears_of_each_change_to_their_trips(
    store: Store, handler: Any, send: Any
) -> None:
    for crew_id, role, email in (("cory", "owner", "cory@example.com"), ("jess", "crew", None)):
        member = Member(crew_id=crew_id, name=crew_id.title(), role=role, email=email)
        roster.add(store, member, link_hash="", link_expires=0)
    roster.add(
        store,
        Member(crew_id="kai", name="Kai", role="crew", email="kai@example.com"),
        link_hash="",
        link_expires=0,
    )
    cory = Api(handler)
    crew = [{"crew_id": "cory", "role": "captain"}, {"crew_id": "kai", "role": "mate"}]
    crew += [{"crew_id": "jess", "role": "deckhand"}]
    assert cory("POST", "/api/events", event_body(crew=crew)).status == 201
    title = "Captain Cory · Afternoon"
    # cory made it (not told), jess has no email: kai alone hears
    assert send() == [("kai@example.com", f"You're on {title}, 2030-05-23 as mate")]

    assert cory("POST", f"/api/events/{TRIP_ID}/reschedule", {"date": "2030-06-02"}).status == 200
    assert send() == [("kai@example.com", f"Trip moved: {title} is now on 2030-06-02")]
    assert cory("DELETE", f"/api/events/{MOVED}/crew/kai").status == 200
    assert send() == [("kai@example.com", f"You're off {title}, 2030-06-02")]
    assert cory("PUT", f"/api/events/{MOVED}/crew/kai", {"role": "deckhand"}).status == 200
    assert send() == [("kai@example.com", f"You're on {title}, 2030-06-02 as deckhand")]

    kai = cory.as_crew("kai")
    assert kai("PUT", f"/api/events/{MOVED}/crew/jess", {"role": "mate"}).status == 200
    assert send() == []  # jess has no email; kai made the change
    assert cory("POST", f"/api/events/{MOVED}/cancel", {"reason": "weather"}).status == 200
    sent = send()
    assert ("kai@example.com", f"Cancelled: {title}, 2030-06-02") in sent
    assert not [to for to, _ in sent if to == "cory@example.com"]
