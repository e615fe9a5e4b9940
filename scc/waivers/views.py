"""The crew's view of a trip's signed waivers: the list (who each covers, and who signed without
being on the manifest), and a printable copy of one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, url_for

from scc import eventids, matching
from scc.auth.guard import login_required
from scc.errors import NotFound
from scc.store import get_store, trips
from scc.store import waivers as signed_waivers
from scc.waivers import records
from scc.waivers import text as waiver_text
from scc.web.htmx import is_htmx
from scc.web.urls import event_id_from_url

bp = Blueprint("waivers", __name__, template_folder="templates")


@bp.get("/api/events/<eid>/waivers")
@login_required
def list_waivers(eid: str) -> Any:
    """The trip's signed waivers: a dialog fragment (HX) or a JSON list."""
    whole = trips.get_collection(get_store(), event_id_from_url(eid))
    event, signed = whole.event, whole.waivers
    if is_htmx():
        covers = {
            w.waiver_id: [event.name_of(pid) for pid in matching.patrons_of(event.patrons, w)]
            for w in signed
        }
        return render_template("waivers/_waivers.html", event=event, waivers=signed, covers=covers)
    listed = [
        records.to_json(w)
        | {"print_url": url_for("waivers.print_waiver", eid=event.event_id, waiver_id=w.waiver_id)}
        for w in signed
    ]
    counts = {"event_id": event.event_id, "waivers_signed": event.waivers_signed}
    return jsonify({**counts, "waivers": listed})


@bp.get("/api/events/<eid>/waivers/<waiver_id>/print")
@login_required
def print_waiver(eid: str, waiver_id: str) -> Any:
    """A printable copy of one signed waiver, its text re-rendered from the stored version."""
    if eventids.problem(eid) is not None:
        raise NotFound("There is no such waiver.")
    record = signed_waivers.get(get_store(), eid, waiver_id)
    text, matches = waiver_text.checked(record)  # unknown version: show the record, flag the text
    return render_template(
        "waivers/waiver_print.html",
        waiver=record,
        paragraphs=waiver_text.paragraphs(text),
        matches=matches,
    )
