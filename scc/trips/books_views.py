"""A trip's books: its activity, its manifest (printable and CSV), and the owner's export of
payments, voids and refunds by date."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from scc.activity import ACTIONS, readable
from scc.auth.guard import login_required, owner_required
from scc.store import board as by_date
from scc.store import get_store, trips
from scc.trips import exports
from scc.web.htmx import is_htmx
from scc.web.sheets import csv_response
from scc.web.urls import event_id_from_url, trip_from_url

bp = Blueprint("books", __name__, template_folder="templates")


@bp.get("/api/events/<eid>/activity")
@login_required
def activity(eid: str) -> Any:
    """Every change to the trip, newest first: a dialog (HX) or JSON."""
    event = trip_from_url(eid)
    names = {p.patron_id: p.name for p in event.patrons}
    entries = [
        {"at": e.at, "by": e.by, "action": e.action, "summary": readable(e, names)}
        for e in reversed(event.activity)
    ]
    if is_htmx():
        return render_template(
            "trips/_activity.html", event=event, entries=entries, actions=ACTIONS
        )
    folded = event.activity_folded
    return jsonify({"event_id": event.event_id, "activity": entries, "folded": folded})


@bp.get("/api/events/<eid>/manifest")
@login_required
def manifest_page(eid: str) -> Any:
    """The manifest a captain files, as a clean page for the dock (one card a person on a
    phone, a table on paper): the trip and its signed waivers in one Query."""
    whole = trips.get_collection(get_store(), event_id_from_url(eid))
    people = list(exports.people(whole.event, whole.waivers))
    return render_template("trips/manifest.html", event=whole.event, people=people)


@bp.get("/api/events/<eid>/manifest.csv")
@login_required
def manifest_csv(eid: str) -> Any:
    """The manifest as CSV: a row a person (patron, contact, due, paid, waiver signed, check-in,
    minor, emergency contact), the trip and its signed waivers read in one Query."""
    whole = trips.get_collection(get_store(), event_id_from_url(eid))
    rows = exports.manifest_rows(whole.event, whole.waivers)
    return csv_response(exports.MANIFEST_HEADER, rows, f"scc-manifest-{whole.event.event_id}.csv")


@bp.get("/api/exports")
@owner_required
def export_dialog() -> Any:
    return render_template("trips/_export.html")


@bp.get("/api/exports/payments.csv")
@owner_required
def payments_csv() -> Any:
    """Every payment, void and refund of the trips dated from..to (at most 366 days), read by
    date through the index: one Query per page, never a Scan."""
    start, end = exports.date_range(request.args.get("from"), request.args.get("to"))
    events = by_date.dated(get_store(), start.isoformat(), end.isoformat())
    rows = exports.ledger_rows(events)
    name = f"scc-payments-{start.isoformat()}-to-{end.isoformat()}.csv"
    return csv_response(exports.LEDGER_HEADER, rows, name)
