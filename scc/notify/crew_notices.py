"""What crew members hear from the stream: put on a trip or taken off it, and a trip they are on
rescheduled or cancelled. Mail goes to members with an email on the roster (`emails`: crew id ->
their address, None without one); whoever made the change is not told what they did. Read from
the trip's record (its crew list, old and new images), not from the assignment items, which a
reschedule rewrites wholesale."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scc.models import CrewMember, Event
from scc.notify.message import Message, Notice
from scc.notify.trip_notices import Render, is_cancelled, is_rescheduled
from scc.store.items import deserialize, event_from_item

# crew id -> their checked address on the roster; None when they have none (or are inactive)
Emails = Callable[[str], str | None]
SUBJECTS = {
    "assigned": "You're on {title}, {day} as {role}",
    "removed": "You're off {title}, {day}",
    "moved": "Trip moved: {title} is now on {day}",
    "cancelled": "Cancelled: {title}, {day}",
}


def _event(image: Mapping[str, Any] | None) -> Event | None:
    return event_from_item(deserialize(image)) if image and "crew" in image else None


def changes(name: str, data: Mapping[str, Any]) -> list[tuple[str, CrewMember, Event]]:
    """(what, member, trip) for each crew member a trip record's write concerns."""
    new, old = _event(data.get("NewImage")), _event(data.get("OldImage"))
    if new is None:
        return []
    if name == "INSERT":
        what = "moved" if is_rescheduled(data) else "assigned"
        return [(what, c, new) for c in new.crew]
    if name != "MODIFY" or old is None:
        return []
    if is_cancelled(data):
        return [("cancelled", c, new) for c in new.crew]
    before = {c.crew_id: c for c in old.crew}
    after = {c.crew_id: c for c in new.crew}
    found = [("assigned", c, new) for c in new.crew if before.get(c.crew_id) != c]
    return found + [("removed", c, new) for c in old.crew if c.crew_id not in after]


def crew_notices(
    name: str, data: Mapping[str, Any], *, emails: Emails, render: Render
) -> list[Notice]:
    notices = []
    for what, member, event in changes(name, data):
        last = event.last_change
        if last is not None and last.by == member.crew_id:
            continue  # they made the change themselves
        to = emails(member.crew_id)
        if to is None:
            continue
        subject = SUBJECTS[what].format(title=event.title, day=event.date, role=member.role)
        context = {"event": event, "member": member, "what": what, "subject": subject}
        text, html = render("crew_alert", context)
        key = f"crew_{what}#{event.event_id}#{member.crew_id}#{event.rev}"
        notices.append(Notice(key, f"crew_{what}", Message(to, subject, text, html)))
    return notices
