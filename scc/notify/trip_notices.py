"""What patrons hear when their trip changes: a reschedule (the new date, with their own waiver
and pay links) or a cancellation (with what they have paid). One notice per patron with an
email; its key names the trip and the patron, so a redelivered batch sends nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scc.models import CANCELLED, Event
from scc.notify.message import Message, Notice, usable
from scc.store.items import deserialize, event_from_item

# (event id, patron id) -> (their waiver link, their pay link), absolute when SCC_SITE_URL is set
Links = Callable[[str, str], tuple[str, str]]
# (template name, context) -> (plain text, HTML)
Render = Callable[[str, Mapping[str, Any]], tuple[str, str]]


def _status(image: Mapping[str, Any] | None) -> str:
    return str(((image or {}).get("status") or {}).get("S", ""))


def is_rescheduled(data: Mapping[str, Any]) -> bool:
    """An INSERT of a trip's record that came from another id (scc.store.moves)."""
    return "moved_from" in (data.get("NewImage") or {})


def is_back_at_earlier_id(data: Mapping[str, Any]) -> bool:
    """A MODIFY that put a trip's record over the pointer it had left at this id: the trip moved
    back to an earlier id (A → B → A), so the old image is a pointer, not a trip."""
    old, new = data.get("OldImage") or {}, data.get("NewImage") or {}
    return "moved_to" in old and "moved_to" not in new and "moved_from" in new


def is_cancelled(data: Mapping[str, Any]) -> bool:
    """A MODIFY that turned the trip's status to cancelled."""
    return _status(data.get("NewImage")) == CANCELLED != _status(data.get("OldImage"))


def _each_patron(
    event: Event, kind: str, render: Render, context: Callable[[Any], dict[str, Any]]
) -> list[Notice]:
    notices = []
    for patron in event.patrons:
        unsent = f"No {kind} of {event.event_id} sent."
        to = usable(patron.email, f"{patron.name}'s email", unsent=unsent)
        if to is None:
            continue
        values = {"event": event, "patron": patron, **context(patron)}
        text, html = render(kind, values)
        message = Message(to=to, subject=values["subject"], text=text, html=html)
        notices.append(Notice(f"{kind}#{event.event_id}#{patron.patron_id}", kind, message))
    return notices


def rescheduled(data: Mapping[str, Any], *, render: Render, links: Links) -> list[Notice]:
    event = event_from_item(deserialize(data["NewImage"]))
    was = event.moved_from[-1][:10] if event.moved_from else ""

    def context(patron: Any) -> dict[str, Any]:
        waiver_url, pay_url = links(event.event_id, patron.patron_id)
        return {
            "subject": f"New date for your trip: {event.title}, {event.date}",
            "was": was,
            "waiver_url": waiver_url,
            "pay_url": pay_url,
            "signed": event.waiver_signed(patron.patron_id),
            "due": event.due_from(patron.patron_id),
        }

    return _each_patron(event, "trip_moved", render, context)


def cancelled(data: Mapping[str, Any], *, render: Render) -> list[Notice]:
    event = event_from_item(deserialize(data["NewImage"]))

    def context(patron: Any) -> dict[str, Any]:
        return {
            "subject": f"Cancelled: {event.title}, {event.date}",
            "reason": event.cancellation.reason if event.cancellation else "",
            "paid": event.paid_by(patron.patron_id),
        }

    return _each_patron(event, "trip_cancelled", render, context)
