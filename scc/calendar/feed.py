"""A member's trips as an iCalendar feed, made with the `icalendar` library: one all-day VEVENT
a trip, from 30 days back on. Its UID is the trip's first id (a reschedule moves the trip to a
new id and lists the earlier ones), so a calendar moves the event instead of adding one; its
SEQUENCE is the trip's version. A member sees the trips they are on, with their role, the boat
and the headcount; an owner sees every trip. A cancelled trip stays, STATUS:CANCELLED."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from scc.models import Boat, Event

BACK = timedelta(days=30)  # the feed starts this long before today
# What the feed reads of each trip (one Query of the by-date index, page by page).
ATTRIBUTES = ("eid", "date", "title", "crew", "patrons", "status", "moved_from", "rev", "boat")


def uid(event: Event) -> str:
    """The same for a trip before and after a reschedule: its first id."""
    return f"{(event.moved_from or [event.event_id])[0]}@shipcaptaincrew"


def _boat(event: Event, boats: dict[str, Boat]) -> str:
    boat = boats.get(event.boat or "")
    if boat is None:
        return f"Boat: {event.boat or 'none set'}\nHeadcount: {event.headcount}"
    return f"Boat: {boat.name}\nHeadcount: {event.headcount} of {boat.capacity}"


def calendar(
    events: Iterable[Event], boats: Iterable[Boat], crew_id: str, *, owner: bool, stamp: datetime
) -> bytes:
    """The feed: the trips `crew_id` is on (every trip for an owner), with their boats."""
    from icalendar import Calendar  # on first use: only the feed's route needs it (cold start)
    from icalendar import Event as VEvent

    by_id = {boat.boat_id: boat for boat in boats}
    feed = Calendar()
    feed.add("prodid", "-//ShipCaptainCrew//Crew calendar//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"SCC trips · {crew_id}")
    for event in events:
        role = next((c.role for c in event.crew if c.crew_id == crew_id), None)
        if role is None and not owner:
            continue
        day = date.fromisoformat(event.date)
        crew = ", ".join(f"{c.crew_id} ({c.role})" for c in event.crew) or "none yet"
        item = VEvent()
        item.add("uid", uid(event))
        item.add("dtstamp", stamp)
        item.add("dtstart", day)
        item.add("dtend", day + timedelta(days=1))
        item.add("sequence", event.rev)
        item.add("summary", f"{event.title} · {role.capitalize()}" if role else event.title)
        item.add(
            "description",
            f"Your role: {role or 'not on the crew'}\n"
            f"{_boat(event, by_id)}\nCrew: {crew}\nTrip: {event.event_id}",
        )
        item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        feed.add_component(item)
    return bytes(feed.to_ical())
