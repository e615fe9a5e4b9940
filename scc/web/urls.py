"""Ids named in URLs: a trip's checked against the convention (an ill-formed one is a 404 that
explains it), and the trip it names read; a patron's, which can't be one is not on the trip."""

from __future__ import annotations

from scc import eventids, validation
from scc.errors import NotFound
from scc.models import Event
from scc.store import get_store, trips


def event_id_from_url(eid: str, error: type[NotFound] = NotFound) -> str:
    """Check an id that came in a URL; an ill-formed one is a 404 (`error`) that explains the
    convention."""
    message = eventids.problem(eid)
    if message is not None:
        raise error(message)
    return eid


def patron_id_from_url(patron_id: str) -> str:
    """A patron id that came in a URL; what can't be one is a patron not on the trip (404)."""
    if not validation.is_patron_id(patron_id):
        raise NotFound(f"There is no patron {patron_id} on this trip.")
    return patron_id


def trip_from_url(eid: str) -> Event:
    """The trip an id in a URL names: 404 when ill-formed or unknown, Moved when rescheduled."""
    return trips.get(get_store(), event_id_from_url(eid))
