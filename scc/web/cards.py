"""A trip's card: what every action on a card answers (HX), or the trip's JSON for API
clients (scc.web.shapes)."""

from __future__ import annotations

from flask import Response, jsonify, make_response, render_template

from scc.errors import Stale
from scc.models import Boat, Event
from scc.store import boats, get_store
from scc.web.htmx import is_htmx, retarget, trigger
from scc.web.shapes import event_json

CARD = "cards/_card.html"


def fleet_of(*events: Event) -> dict[str, Boat]:
    """The boats these trips are on, by id: one GetItem for one trip on a boat, the fleet's
    one Query for several, nothing for trips without one."""
    wanted = {e.boat for e in events if e.boat}
    if not wanted:
        return {}
    if len(wanted) == 1:
        found = boats.find(get_store(), next(iter(wanted)))
        return {} if found is None else {found.boat_id: found}
    return {b.boat_id: b for b in boats.fleet(get_store())}


def render_card(event: Event, status: int = 200) -> Response:
    """The trip's card (HX) or its JSON."""
    if is_htmx():
        return make_response(render_template(CARD, event=event, fleet=fleet_of(event)), status)
    return make_response(jsonify(event_json(event, fleet_of(event))), status)


def card_done(event: Event, toast: str, status: int = 200) -> Response:
    """What a dialog's action answers: the card, a toast and the dialog closed (HX); or JSON."""
    response = render_card(event, status)
    if is_htmx():
        trigger(response, "scc:toast", toast)
        trigger(response, "scc:close-modal")
    return response


def oob_card(event: Event) -> str:
    """The trip's card to swap in place beside another answer (htmx's out-of-band swap)."""
    return render_template(CARD, event=event, fleet=fleet_of(event), oob=True)


def render_stale(exc: Stale) -> Response:
    """409 for an edit of an out-of-date copy: the trip as it is now, and who changed it. HX: the
    card replaces itself, the dialog closes and a toast says why."""
    event: Event = exc.event
    if is_htmx():
        response = make_response(render_template(CARD, event=event, fleet=fleet_of(event)), 409)
        retarget(response, f"#event-{event.event_id}", "outerHTML")
        trigger(response, "scc:toast", exc.message)
        # After the swap: closing the dialog first would detach the form the retarget starts from.
        return trigger(response, "scc:close-modal", header="HX-Trigger-After-Settle")
    answer = {"error": exc.message, "field": None, "event": event_json(event, fleet_of(event))}
    return make_response(jsonify(answer), 409)
