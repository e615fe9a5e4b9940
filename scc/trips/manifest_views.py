"""The manifest and the crew from the card: add, change and remove patrons; assign and unassign
crew. Each answers with the trip: its card (HX) or JSON."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, jsonify, render_template

from scc.auth.guard import login_required, signed_in_crew
from scc.errors import NotFound
from scc.store import get_store, waivers
from scc.trips import forms, manifest, manifest_forms
from scc.web import sms
from scc.web.cards import card_done
from scc.web.forms import payload
from scc.web.htmx import is_htmx
from scc.web.urls import event_id_from_url, patron_id_from_url, trip_from_url

bp = Blueprint("manifest", __name__)


@bp.post("/api/events/<eid>/patrons")
@login_required
def add_patron(eid: str) -> Any:
    """Add a patron: name, optional patron_id (made from the name), email, phone, amount_due."""
    data = payload()
    form, seen = manifest_forms.new_patron(data), forms.rev(data)
    event = manifest.add_patron(get_store(), event_id_from_url(eid), form, seen, signed_in_crew())
    return card_done(event, f"Added {event.patrons[-1].name} to the manifest.", 201)


@bp.get("/api/events/<eid>/patrons/<patron_id>/contact")
@login_required
def contact(eid: str, patron_id: str) -> Any:
    """How to reach a patron: call or text them (what they still miss, with their links),
    email them, their waiver's emergency contact. The trip's record and, when one is matched to
    them, their waiver: two GetItems at most (the board's Query reads no contacts)."""
    event = trip_from_url(eid)
    patron = manifest.patron_of(event, patron_id)
    waiver, signed = None, event.waiver_by_patron.get(patron_id)
    if signed is not None:
        with contextlib.suppress(NotFound):  # matched, then taken away: the manifest alone
            waiver = waivers.get(get_store(), event.event_id, signed)
    reach = sms.reach(event, patron, waiver)
    if is_htmx():
        return render_template("trips/_contact.html", event=event, patron=patron, reach=reach)
    return jsonify(
        {
            "event_id": event.event_id,
            "patron_id": patron_id,
            "name": patron.name,
            "phone": reach.phone,
            "phone_from": reach.phone_from or None,
            "email": reach.email,
            "call": reach.call,
            "text": reach.text,
            "emergency_contact": None
            if reach.emergency is None
            else {"name": reach.emergency[0], "phone": reach.emergency[1]},
        }
    )


@bp.patch("/api/events/<eid>/patrons/<patron_id>")
@login_required
def change_patron(eid: str, patron_id: str) -> Any:
    """Change a patron's name, email, phone or share (never below what they have paid)."""
    data, event_id, patron_id = payload(), event_id_from_url(eid), patron_id_from_url(patron_id)
    form, seen = manifest_forms.patron_change(data), forms.rev(data)
    event = manifest.change_patron(get_store(), event_id, patron_id, form, seen, signed_in_crew())
    return card_done(event, "Saved.")


@bp.delete("/api/events/<eid>/patrons/<patron_id>")
@login_required
def remove_patron(eid: str, patron_id: str) -> Any:
    """Remove a patron; 409 when they have paid (net) or signed, saying what to do first."""
    event_id, patron_id = event_id_from_url(eid), patron_id_from_url(patron_id)
    seen = forms.rev(payload())
    event = manifest.remove_patron(get_store(), event_id, patron_id, seen, signed_in_crew())
    return card_done(event, "Removed from the manifest.")


@bp.put("/api/events/<eid>/crew/<crew_id>")
@login_required
def assign_crew(eid: str, crew_id: str) -> Any:
    """Assign with a role (captain, mate, deckhand): one captain per trip; a double booking is
    409 naming the other trip unless the body says "confirm": true."""
    data, event_id = payload(), event_id_from_url(eid)
    form = manifest_forms.assignment(crew_id, data, forms.confirmed(data))
    event = manifest.assign(get_store(), event_id, form, forms.rev(data), signed_in_crew())
    return card_done(event, f"{crew_id} is on the crew.")


@bp.delete("/api/events/<eid>/crew/<crew_id>")
@login_required
def unassign_crew(eid: str, crew_id: str) -> Any:
    event_id, seen = event_id_from_url(eid), forms.rev(payload())
    event = manifest.unassign(get_store(), event_id, crew_id, seen, signed_in_crew())
    return card_done(event, f"{crew_id} is off the crew.")
