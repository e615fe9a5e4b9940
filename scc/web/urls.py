"""Trips named in URLs: an id checked against the convention (an ill-formed one is a 404 that
explains it), and the trip it names read."""

from __future__ import annotations

from scc import eventids
from scc.errors import NotFound
from scc.models import Event
from scc.store import get_store, trips


def event_id_from_url(eid: str) -> str:
    """Check an id that came in a URL; an ill-formed one is a 404 that explains the convention."""
    message = eventids.problem(eid)
    if message is not None:
        raise NotFound(message)
    return eid


def trip_from_url(eid: str) -> Event:
    """The trip an id in a URL names: 404 when ill-formed or unknown, Moved when rescheduled."""
    return trips.get(get_store(), event_id_from_url(eid))
