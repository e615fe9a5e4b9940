"""A day's weather call (owners): cancel every trip of the day, or move them all to another
day, each trip its own write; the answer says what was done, what was not and why, and (when
cancelling) what each patron is owed back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, make_response, render_template

from scc.auth.guard import owner_required, signed_in_crew
from scc.store import board, get_store
from scc.trips import forms, weather
from scc.web.forms import payload
from scc.web.htmx import is_htmx, trigger

bp = Blueprint("days", __name__, template_folder="templates")


@bp.get("/api/days/<date>/weather")
@owner_required
def weather_dialog(date: str) -> Any:
    """The Weather call dialog for a day: its scheduled trips, cancel or move them all."""
    call = forms.day_call(date, {"reason": "-"}, moving=False)
    trips = [e for e in board.day(get_store(), call.day.isoformat()) if not e.cancelled]
    return render_template("trips/_weather.html", day=call.day.isoformat(), trips=trips)


def _answer(body: dict[str, Any], summary: str) -> Any:
    if is_htmx():
        done = make_response(render_template("trips/_weather_done.html", answer=body))
        return trigger(trigger(done, "scc:toast", summary), "scc:board-changed")
    return jsonify(body)


@bp.post("/api/days/<date>/cancel")
@owner_required
def cancel_day(date: str) -> Any:
    """Cancel the day's trips (or those named), each as one cancel."""
    return _call(date, moving=False)


@bp.post("/api/days/<date>/reschedule")
@owner_required
def reschedule_day(date: str) -> Any:
    """Move the day's trips (or those named) to `to`, each as one reschedule."""
    return _call(date, moving=True)


def _call(date: str, *, moving: bool) -> Any:
    g.error_target = "#weather-error"
    call = forms.day_call(date, payload(), moving=moving)
    store, by = get_store(), signed_in_crew()
    outcome = (weather.move_day if moving else weather.cancel_day)(store, call, by)
    failed = [{"event_id": eid, "error": why} for eid, why in outcome.failed]
    body: dict[str, Any] = {"date": call.day.isoformat()}
    if moving:
        moved = [{"from": e.moved_from[-1], "to": e.event_id} for e in outcome.done]
        body |= {"moved": moved, "failed": failed}
        return _answer(body, f"Moved {len(moved)} trips.")
    body |= {
        "cancelled": [e.event_id for e in outcome.done],
        "skipped": failed,
        "refunds_owed": weather.refunds_owed(outcome.done),
    }
    return _answer(body, f"Cancelled {len(outcome.done)} trips.")
