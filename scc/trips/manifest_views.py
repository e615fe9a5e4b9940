"""The manifest and the crew from the card: add, change and remove patrons; assign and unassign
crew; check patrons in (and undo). Each answers with the trip: its card (HX) or JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from scc import validation
from scc.auth.guard import login_required, signed_in_crew
from scc.errors import NotFound
from scc.models import Event
from scc.store import Store, get_store
from scc.trips import lifecycle, manifest
from scc.web.cards import card_done, event_id_from_url, render_card
from scc.web.forms import payload
from scc.web.htmx import is_htmx, trigger

bp = Blueprint("manifest", __name__)


def _patron_id(patron_id: str) -> str:
    if not validation.is_patron_id(patron_id):
        raise NotFound(f"There is no patron {patron_id} on this trip.")
    return patron_id


@bp.post("/api/events/<eid>/patrons")
@login_required
def add_patron(eid: str) -> Any:
    """Add a patron: name, optional patron_id (made from the name), email, phone, amount_due."""
    data = payload()
    event = manifest.add_patron(get_store(), event_id_from_url(eid), data, signed_in_crew())
    return card_done(event, f"Added {event.patrons[-1].name} to the manifest.", 201)


# A change in scc.trips.manifest: (store, event_id, patron or crew id, body, by) -> the trip.
Change = Callable[[Store, str, str, dict[str, Any], str], Event]


def _changed(change: Change, eid: str, target: str, toast: str) -> Any:
    """Make one change to the manifest or crew of the trip in the URL, as the signed-in crew
    member, with the body's fields; answer the card (HX) or JSON."""
    data = payload()
    event = change(get_store(), event_id_from_url(eid), target, data, signed_in_crew())
    return card_done(event, toast)


@bp.patch("/api/events/<eid>/patrons/<patron_id>")
@login_required
def change_patron(eid: str, patron_id: str) -> Any:
    """Change a patron's name, email, phone or share (never below what they have paid)."""
    return _changed(manifest.change_patron, eid, _patron_id(patron_id), "Saved.")


@bp.delete("/api/events/<eid>/patrons/<patron_id>")
@login_required
def remove_patron(eid: str, patron_id: str) -> Any:
    """Remove a patron; 409 when they have paid (net) or signed, saying what to do first."""
    return _changed(
        manifest.remove_patron, eid, _patron_id(patron_id), "Removed from the manifest."
    )


@bp.put("/api/events/<eid>/crew/<crew_id>")
@login_required
def assign_crew(eid: str, crew_id: str) -> Any:
    """Assign with a role (captain, mate, deckhand): one captain per trip; a double booking is
    409 naming the other trip unless the body says "confirm": true."""
    return _changed(manifest.assign, eid, crew_id, f"{crew_id} is on the crew.")


@bp.delete("/api/events/<eid>/crew/<crew_id>")
@login_required
def unassign_crew(eid: str, crew_id: str) -> Any:
    return _changed(manifest.unassign, eid, crew_id, f"{crew_id} is off the crew.")


@bp.post("/api/events/<eid>/patrons/<patron_id>/check-in")
@login_required
def check_in(eid: str, patron_id: str) -> Any:
    """Mark a patron aboard or a no-show, or clear it (undo): who and when are kept."""
    status = payload().get("status")
    event = lifecycle.check_in(
        get_store(), event_id_from_url(eid), _patron_id(patron_id), status, signed_in_crew()
    )
    response = render_card(event)
    if is_htmx():
        trigger(response, "scc:toast", f"Aboard {event.aboard}/{len(event.patrons)}.")
    return response
