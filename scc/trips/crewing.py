"""Who crews a trip: one captain per trip, and nobody on two trips of the same day and period
without saying so (the double booking is named, and `confirm` assigns anyway)."""

from __future__ import annotations

from collections.abc import Iterable

from scc.errors import Conflict
from scc.models import CrewMember, Event
from scc.store import Store
from scc.store import board as by_date


def with_member(event: Event, member: CrewMember) -> list[CrewMember]:
    """The trip's crew with this member assigned (or their role changed); a second captain is
    refused, naming the one there is."""
    if member.role == "captain":
        for other in event.crew:
            if other.role == "captain" and other.crew_id != member.crew_id:
                raise Conflict(
                    f"{other.crew_id} is already this trip's captain; one captain per trip. "
                    f"Make {other.crew_id} a mate first, or assign {member.crew_id} as a mate.",
                    "role",
                )
    kept = [c for c in event.crew if c.crew_id != member.crew_id]
    return [*kept, member]


def check_bookings(store: Store, event: Event, crew_ids: Iterable[str]) -> None:
    """Refuse (Conflict, naming the other trip) to put someone on this trip who is on another
    trip of the same day and period: one Query of that day. The caller skips it on confirm."""
    wanted = set(crew_ids)
    if not wanted:
        return
    for other in by_date.day(store, event.date):
        if other.event_id == event.event_id or other.cancelled:
            continue
        if other.period and event.period and other.period != event.period:
            continue  # two trips of one day clash when their periods are the same or one has none
        for member in other.crew:
            if member.crew_id in wanted:
                raise Conflict(
                    f"{member.crew_id} is already on {other.title} ({other.event_id}) as "
                    f"{member.role} that day; assign anyway to double-book them.",
                    "confirm",
                )
