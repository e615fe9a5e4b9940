"""The dispatch shell, health, the board, and putting trips on it: create, read, edit, and the
New trip / Edit dialogs (server-rendered; their errors shown beside the fields)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template, request

from scc.auth.guard import login_required, signed_in_crew
from scc.errors import Conflict, Invalid, Moved, Stale
from scc.models import Event
from scc.store import board as by_date
from scc.store import get_store, trips
from scc.trips import crewing, dialogs, forms, manifest, rules, stale_edits
from scc.version import VERSION, code_hash
from scc.web import today
from scc.web.address import origin_verified
from scc.web.cards import card_done, fleet_of, oob_card, render_card
from scc.web.htmx import is_htmx, retarget, trigger
from scc.web.shapes import board_json, moved_json
from scc.web.urls import event_id_from_url, trip_from_url

bp = Blueprint("trips", __name__, template_folder="templates")


@bp.get("/")
def shell() -> str:
    """The dispatch shell; the board inside it loads with htmx."""
    return render_template("trips/shell.html")


@bp.get("/api/health")
def health() -> Any:
    """For the deploy's smoke test: which Lambda version and code answered; with an origin
    secret set, whether CloudFront's header came."""
    config = current_app.config
    answer: dict[str, Any] = {
        "status": "ok",
        "version": VERSION,
        "lambda_version": config["LAMBDA_VERSION"],
        "code": code_hash(config["BUILD_FILE"]),
    }
    if current_app.config["ORIGIN_SECRETS"]:
        answer["origin_verified"] = origin_verified()
    return jsonify(answer)


def _board(when: str, cursor: str | None = None, created: Event | None = None) -> str:
    page = by_date.board(get_store(), when, today().isoformat(), cursor)
    template = "trips/_cards.html" if cursor else "trips/_board.html"
    if created is not None and any(e.event_id == created.event_id for e in page.events):
        created = None  # it is on this page already, in its place
    shown = [*page.events, *([created] if created else [])]
    return render_template(
        template,
        page=page,
        when=when,
        whens=by_date.WHEN,
        created=created,
        cursor=cursor,
        fleet=fleet_of(*shown),
    )


@bp.get("/api/events")
@login_required
def list_events() -> Any:
    """The board, 50 cards a page: upcoming (soonest first) by default; today, past or all
    (newest first) on request; `cursor` continues where the last page stopped. JSON: each trip
    as the board read it (no ledger entries, contacts or rev: GET the trip for those)."""
    when = request.args.get("when") or "upcoming"
    if when not in by_date.WHEN:
        raise Invalid("Choose upcoming, today, past or all.", "when")
    cursor = request.args.get("cursor") or None
    if is_htmx():
        return _board(when, cursor)
    page = by_date.board(get_store(), when, today().isoformat(), cursor)
    fleet = fleet_of(*page.events)
    events = [board_json(event, fleet) for event in page.events]
    return jsonify({"when": when, "events": events, "next_cursor": page.cursor})


def _tab_for(event: Event, when: str) -> str:
    """The board tab that shows a trip: the one open, if it does, else upcoming or past."""
    day = today().isoformat()
    upcoming = event.date >= day
    shown = {"all": True, "upcoming": upcoming, "past": not upcoming, "today": event.date == day}
    return when if shown.get(when) else ("upcoming" if upcoming else "past")


def _from_dialog() -> bool:
    """Whether the New trip or Edit dialog's form sent this: its refusals go back into the form.
    Other callers (JSON bodies) get the card or JSON and the usual error answers."""
    return is_htmx() and not request.is_json


def _form_again(context: dict[str, Any], exc: Invalid | Conflict | None = None) -> Response:
    """The dialog's form again: refused (exc), with each message beside its field (the first
    one focused); else (409) an out-of-date copy's save, with what they typed over the trip as
    it is now and a notice of who changed what, the card behind it brought up to date too (out
    of band)."""
    if exc is None:
        errors, status, oob = {}, 409, oob_card(context["event"])
    else:
        errors = dict(getattr(exc, "errors", {}) or {exc.field or "form": exc.message})
        status, oob = exc.status, ""
    body = render_template("trips/_trip_form.html", errors=errors, **context)
    return retarget(make_response(body + oob, status), "#trip-form", "outerHTML")


@bp.post("/api/events")
@login_required
def create_event() -> Any:
    """Create a trip from date + name [+ period] (or an explicit id) and its manifest. JSON: 201
    with the trip; HX (the New trip dialog): the board with the trip in its place."""
    data = forms.trip_payload()
    store = get_store()
    try:
        form = forms.new_trip(data)
        event = rules.new_trip(form, signed_in_crew())
        if not form.confirm:
            crewing.check_bookings(store, event, [c.crew_id for c in event.crew])
        event = trips.create(store, event)
    except (Invalid, Conflict) as exc:
        refused, shown = exc, None
        if isinstance(exc, Conflict) and exc.field == "event_id":  # taken: say which id is free
            shown = dialogs.taken(store, form.trip_id)
            refused = Conflict(shown["message"], "name")
        if not _from_dialog():
            raise refused from None
        return _form_again(dialogs.new_context(store, data, shown), refused)
    if not _from_dialog():
        return render_card(event, 201)
    when = _tab_for(event, str(data.get("board") or "upcoming"))
    response = make_response(_board(when, created=event), 201)  # the form targets #board
    trigger(response, "scc:toast", f"Created {event.event_id}.")
    return trigger(response, "scc:close-modal")


@bp.get("/api/events/new")
@login_required
def new_dialog() -> Any:
    """The New trip dialog: date, name, period, title, total, patrons, crew."""
    when = request.args.get("when") or "upcoming"
    board = when if when in by_date.WHEN else "upcoming"
    context = dialogs.new_context(get_store(), {"board": board})
    return render_template("trips/_trip_dialog.html", errors={}, **context)


@bp.get("/api/events/new/id")
@login_required
def preview_id() -> Any:
    """The id the New trip dialog will create, as they type (and whether it is free)."""
    return render_template("trips/_id_preview.html", **dialogs.preview(get_store(), request.args))


@bp.get("/api/events/<eid>")
@login_required
def get_event(eid: str) -> Any:
    """One trip: its card (HX) or JSON. A rescheduled trip's old id answers with `moved_to`
    (HX: the card of the trip where it is now)."""
    try:
        return render_card(trip_from_url(eid))
    except Moved as moved:
        if is_htmx():
            return render_card(trips.get(get_store(), moved.moved_to))
        return jsonify(moved_json(moved))


@bp.get("/api/events/<eid>/edit")
@login_required
def edit_dialog(eid: str) -> Any:
    """The Edit trip dialog, filled in, with the rev it was opened at."""
    context = dialogs.edit_context(get_store(), trip_from_url(eid))
    return render_template("trips/_trip_dialog.html", errors={}, **context)


@bp.patch("/api/events/<eid>")
@login_required
def patch_event(eid: str) -> Any:
    """Edit title, total, patrons, crew: conditional on the rev the editor saw (409 with the
    trip as it is now when it changed). HX: the card, refreshed in place."""
    event_id = event_id_from_url(eid)
    data = forms.trip_payload()
    store = get_store()
    try:
        event = manifest.edit(store, event_id, forms.trip_edit(data), signed_in_crew())
    except Stale as stale:  # JSON and other callers: the trip as it is now (web.cards.render_stale)
        if not _from_dialog():
            raise
        form = stale_edits.drawn(request.form)
        return _form_again(stale_edits.context(store, stale.event, data, form))
    except (Invalid, Conflict) as exc:
        if not _from_dialog():
            raise
        kept = stale_edits.drawn(request.form).kept()  # the next save is checked against the copy
        context = dialogs.edit_context(store, trips.get(store, event_id), data, kept)
        return _form_again(context, exc)
    return card_done(event, "Saved.")
