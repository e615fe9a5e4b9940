"""Crew dispatch: the shell page, health, and the events API behind the board."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import Blueprint, current_app, jsonify, make_response, render_template, request

from scc import __version__, clock, eventids, fragments, validation
from scc.auth import login_required, signed_in_crew
from scc.errors import Invalid, NotFound
from scc.htmx import is_htmx
from scc.models import Event, event_json
from scc.store import WHEN, get_store, to_event
from scc.web import payload

bp = Blueprint("dispatch", __name__)
EDITABLE = {"title", "total", "patrons", "crew"}
LEDGER_FIELDS = {"paid_total", "payment_amount", "payments", "payment_cleared", "balance_due"}


def today() -> date:
    return clock.today(current_app.config["TIMEZONE"])


def render_card(source: Event | dict[str, Any], status: int = 200) -> Any:
    """The event's card (HX) or its JSON, from an Event or its typed record."""
    if is_htmx():
        return make_response(fragments.card(source), status)
    event = source if isinstance(source, Event) else to_event(source)
    response = jsonify(event_json(event))
    response.status_code = status
    return response


def _title(name: str, period: str | None) -> str:
    words = eventids.slug(name).replace("-", " ").title()
    return f"{words} · {eventids.slug(period).title()}" if period else words


def event_from_input(data: dict[str, Any]) -> Event:
    """Validate a new event: an explicit event_id, or date + name [+ period]."""
    if data.get("event_id") not in (None, ""):
        eid = eventids.check(data["event_id"])
        name, period = eid[11:], None
    else:
        day = validation.day(data.get("date"))
        name = validation.text(data.get("name"), "name", "The trip name", max_len=40)
        period = (
            validation.text(data.get("period"), "period", "The period", max_len=20, required=False)
            or None
        )
        eid = eventids.make(day, name, period)
    title = validation.text(data.get("title"), "title", "The title", required=False)
    patrons = validation.patrons(data.get("patrons"))
    return Event(
        event_id=eid,
        date=eid[:10],
        title=title or _title(name, period),
        total=validation.total(data.get("total"), patrons),
        patrons=patrons,
        crew=validation.crew(data.get("crew") or []),
        created_at=clock.iso(clock.now()),
    )


def apply_changes(event: Event, data: dict[str, Any]) -> Event:
    """Validate a PATCH: title, total, patrons, crew; what was paid is never rewritten."""
    ledger = LEDGER_FIELDS & data.keys()
    if ledger:
        field = sorted(ledger)[0]
        raise Invalid("Payments are recorded with Log Payment, not edited here.", field)
    unknown = data.keys() - EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(
            f"{field} can't be changed; you can change {', '.join(sorted(EDITABLE))}.", field
        )
    changed = event
    if "title" in data:
        changed = replace(changed, title=validation.text(data["title"], "title", "The title"))
    if "crew" in data:
        changed = replace(changed, crew=validation.crew(data["crew"]))
    if "patrons" in data:
        patrons = validation.patrons(data["patrons"])
        kept = {p.patron_id for p in patrons}
        for pid, paid in event.patron_paid.items():
            if pid not in kept and (paid > 0 or event.payments_of(pid)):
                raise Invalid(
                    f"Patron {pid} has payments on record and can't be removed.", "patrons"
                )
        for p in patrons:
            if p.amount_due is not None and p.amount_due < event.paid_by(p.patron_id):
                raise Invalid(
                    f"{p.name} has already paid {event.paid_by(p.patron_id):.2f}; "
                    "their share can't be less than that.",
                    "patrons",
                )
        changed = replace(changed, patrons=patrons)
    if "total" in data or "patrons" in data:
        total = validation.total(data.get("total", f"{changed.total:.2f}"), changed.patrons)
        if total < event.paid_total:
            raise Invalid(
                f"{event.paid_total:.2f} has already been paid; the total can't be less than that.",
                "total",
            )
        changed = replace(changed, total=total)
    return changed


def event_id_from_url(eid: str) -> str:
    """Check an id that came in a URL; an ill-formed one is a 404 that explains the convention."""
    message = eventids.problem(eid)
    if message is not None:
        raise NotFound(message)
    return eid


@bp.get("/")
def shell() -> str:
    """The dispatch shell; the board inside it loads with htmx."""
    return render_template("dispatch/shell.html")


@bp.get("/api/health")
def health() -> Any:
    return jsonify({"status": "ok", "version": __version__})


@bp.get("/api/events")
@login_required
def list_events() -> Any:
    """The board: upcoming events first by default; today, past or all on request."""
    when = request.args.get("when", "upcoming")
    if when not in WHEN:
        raise Invalid("Choose upcoming, today, past or all.", "when")
    items = get_store().board_items(when, today().isoformat())
    if is_htmx():
        return fragments.board(items, when, WHEN, signed_in_crew())
    return jsonify({"when": when, "events": [event_json(to_event(item)) for item in items]})


@bp.post("/api/events")
@login_required
def create_event() -> Any:
    """Create an event from date + name [+ period] (or an explicit id) and its manifest."""
    event = get_store().create_event(event_from_input(payload()))
    return render_card(event, 201)


@bp.get("/api/events/<eid>")
@login_required
def get_event(eid: str) -> Any:
    return render_card(get_store().get_event_item(event_id_from_url(eid)))


@bp.patch("/api/events/<eid>")
@login_required
def patch_event(eid: str) -> Any:
    store = get_store()
    event = store.get_event(event_id_from_url(eid))
    return render_card(store.replace_event(event, apply_changes(event, payload())))
