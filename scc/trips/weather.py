"""The weather call: every trip of a day cancelled, or moved to another day, in one step. Each
trip is its own write through the single cancel or reschedule (scc.trips.lifecycle), so a trip
is cancelled or moved whole or not at all; one that can't be (changed meanwhile, its new id
taken, its boat out that day) is reported with why, and the others go ahead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scc.errors import SCCError
from scc.models import Event
from scc.money import fmt
from scc.store import board
from scc.store.gateway import Store
from scc.trips import lifecycle
from scc.trips.forms import DayCall, Moving


@dataclass
class Outcome:
    """What the call did: the trips it cancelled or moved (as they are now), and those it could
    not, with why."""

    done: list[Event] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _each(store: Store, call: DayCall, act: Callable[[str], Event]) -> Outcome:
    """`act` on each trip the call is about: those named, or every scheduled trip of the day."""
    chosen = call.event_ids
    if chosen is None:
        chosen = [e.event_id for e in board.day(store, call.day.isoformat()) if not e.cancelled]
    outcome = Outcome()
    for event_id in chosen:
        try:
            outcome.done.append(act(event_id))
        except SCCError as exc:
            outcome.failed.append((event_id, exc.message))
    return outcome


def cancel_day(store: Store, call: DayCall, by: str) -> Outcome:
    return _each(store, call, lambda eid: lifecycle.cancel(store, eid, call.reason, None, by))


def move_day(store: Store, call: DayCall, by: str) -> Outcome:
    assert call.to is not None  # noqa: S101 - day_call(moving=True) requires it
    moving = Moving(call.to, None, False, None)
    return _each(store, call, lambda eid: lifecycle.reschedule(store, eid, moving, by))


def refunds_owed(events: list[Event]) -> list[dict[str, Any]]:
    """Per patron of the cancelled trips, what they paid (net of refunds), owed back."""
    return [
        {"event_id": e.event_id, "patron_id": pid, "name": e.name_of(pid), "amount": fmt(paid)}
        for e in events
        for pid, paid in e.patron_paid.items()
        if paid > 0
    ]
