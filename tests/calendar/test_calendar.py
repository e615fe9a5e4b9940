"""Crew calendar feeds through lambda_entry.handler: the link made on first use and shown again,
the feed parsed with `icalendar` (a member's own trips with their role, the boat and the
headcount; an owner's: every trip), a reschedule that keeps the UID, a cancellation, a replaced
link: 404."""

from __future__ import annotations

from typing import Any

import pytest
from icalendar import Calendar

from scc.store import Store
from tests.support.builders import event_body
from tests.support.domain import on_roster
from tests.support.harness import Api

TRIP = "2030-05-23-captain-cory-afternoon"
MOVED = "2030-06-02-captain-cory-afternoon"
OTHER = "2030-05-24-harbor"


@pytest.fixture
def crew(store: Store, handler: Any) -> tuple[Api, Api]:
    """cory (owner) and jess (crew), on the roster, with two trips: jess works the first."""
    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew")
    cory = Api(handler)
    sea_otter = {"boat_id": "sea-otter", "name": "Sea Otter", "capacity": 6}
    assert cory("POST", "/api/boats", sea_otter).status == 201
    jess_on = [{"crew_id": "cory", "role": "captain"}, {"crew_id": "jess", "role": "deckhand"}]
    assert cory("POST", "/api/events", event_body(crew=jess_on, boat="sea-otter")).status == 201
    other = event_body(date="2030-05-24", name="harbor", period=None)
    assert cory("POST", "/api/events", other).status == 201
    return cory, cory.as_crew("jess")


def feed(api: Api, url: str) -> Any:
    path = url.removeprefix("https://scc.example")
    answer = api.http("GET", path)  # a calendar app: no session
    assert answer.status == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(answer.body)


def events(calendar: Any) -> dict[str, Any]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_a_members_feed_follows_their_trips(crew: tuple[Api, Api]) -> None:
    cory, jess = crew
    url = jess("GET", "/api/crew/me/calendar").json["url"]
    assert jess("GET", "/api/crew/me/calendar").json["url"] == url  # the same link again
    (trip,) = events(feed(jess, url)).values()
    assert str(trip["summary"]) == "Captain Cory · Afternoon · Deckhand"
    assert "Your role: deckhand\nBoat: Sea Otter\nHeadcount: 2 of 6" in str(trip["description"])
    assert trip.decoded("dtstart").isoformat() == "2030-05-23"
    uid = str(trip["uid"])

    assert cory("POST", f"/api/events/{TRIP}/reschedule", {"date": "2030-06-02"}).status == 200
    (moved,) = events(feed(jess, url)).values()
    assert str(moved["uid"]) == uid and moved.decoded("dtstart").isoformat() == "2030-06-02"
    assert cory("POST", f"/api/events/{MOVED}/cancel", {"reason": "weather"}).status == 200
    assert str(events(feed(jess, url))[uid]["status"]) == "CANCELLED"

    owners = events(feed(cory, cory("GET", "/api/crew/me/calendar").json["url"]))
    assert len(owners) == 2  # an owner's feed: every trip
    (harbor,) = (e for e in owners.values() if str(e["uid"]) != uid)
    assert "Boat: none set\nHeadcount: 2\n" in str(harbor["description"])


def test_a_replaced_link_answers_404(crew: tuple[Api, Api]) -> None:
    _, jess = crew
    old = jess("GET", "/api/crew/me/calendar").json["url"]
    new = jess("POST", "/api/crew/me/calendar").json["url"]
    assert new != old
    assert jess.http("GET", old.removeprefix("https://scc.example")).status == 404
    assert len(events(feed(jess, new))) == 1
    assert jess("GET", "/api/crew/me/calendar").json["url"] == new
    assert jess.http("GET", "/api/cal/not-a-token.ics").status == 404


def test_the_link_needs_a_session(handler: Any, store: Store) -> None:
    from tests.support.harness import Http

    assert Http(handler)("GET", "/api/crew/me/calendar").status == 401
