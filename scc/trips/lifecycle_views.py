"""A trip's day and fate from its card: check-in (and undo), the More menu, cancel (owners) and
reschedule. Each action answers with the card (HX) or JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from scc.auth.guard import login_required, owner_required, signed_in_crew
from scc.store import get_store
from scc.trips import forms, lifecycle
from scc.web.cards import card_done, render_card
from scc.web.forms import payload
from scc.web.htmx import is_htmx, trigger
from scc.web.urls import event_id_from_url, patron_id_from_url, trip_from_url

bp = Blueprint("lifecycle", __name__, template_folder="templates")


@bp.post("/api/events/<eid>/patrons/<patron_id>/check-in")
@login_required
def check_in(eid: str, patron_id: str) -> Any:
    """Mark a patron aboard or a no-show, or clear it (undo): who and when are kept."""
    event_id, patron_id = event_id_from_url(eid), patron_id_from_url(patron_id)
    form = forms.check_in(payload())
    event = lifecycle.check_in(
        get_store(), event_id, patron_id, form.status, signed_in_crew(), confirm=form.confirm
    )
    response = render_card(event)
    if is_htmx():
        trigger(response, "scc:toast", f"Aboard {event.aboard}/{len(event.patrons)}.")
    return response


@bp.get("/api/events/<eid>/more")
@login_required
def more(eid: str) -> Any:
    """The card's other actions: activity, the manifest, reschedule, cancel (owners)."""
    return render_template("trips/_more.html", event=trip_from_url(eid))


@bp.get("/api/events/<eid>/cancel")
@owner_required
def cancel_dialog(eid: str) -> Any:
    return render_template("trips/_cancel.html", event=trip_from_url(eid))


@bp.post("/api/events/<eid>/cancel")
@owner_required
def cancel(eid: str) -> Any:
    """Cancel with a reason (owner): the card says Cancelled and what was paid; 409 if it is
    cancelled already. Nothing is deleted."""
    g.error_target = "#cancel-error"
    event_id, data = event_id_from_url(eid), payload()
    reason, seen = forms.reason(data), forms.rev(data)
    event = lifecycle.cancel(get_store(), event_id, reason, seen, signed_in_crew())
    return card_done(event, "Trip cancelled.")


@bp.get("/api/events/<eid>/reschedule")
@login_required
def reschedule_dialog(eid: str) -> Any:
    return render_template(
        "trips/_reschedule.html", event=trip_from_url(eid), periods=forms.PERIODS
    )


@bp.post("/api/events/<eid>/reschedule")
@login_required
def reschedule(eid: str) -> Any:
    """Move the trip to a new date (and period): 200 with the trip at its new id; 409 if that id
    exists. Patrons with an email hear about it (from the stream)."""
    g.error_target = "#reschedule-error"
    event_id, form = event_id_from_url(eid), forms.moving(payload())
    event = lifecycle.reschedule(get_store(), event_id, form, signed_in_crew())
    return card_done(event, f"Moved to {event.event_id}.")
