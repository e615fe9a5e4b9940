"""Patron pages: sign the waiver on a phone, see how to pay; and the crew's view of waivers."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)

from scc import (
    clock,
    eventids,
    fragments,
    paylinks,
    waiver_form,
    waiver_records,
    waiver_text,
    waivers,
)
from scc.auth import client_ip, login_required
from scc.dispatch import event_id_from_url
from scc.errors import NotFound
from scc.htmx import is_htmx
from scc.models import Event
from scc.store import get_store, to_event

bp = Blueprint("patrons", __name__)
HONEYPOT = "website"
MINOR_SLOTS = 4  # empty child rows shown on a fresh form (the form works without JavaScript)


class BadLink(NotFound):
    """A patron link that leads nowhere: answered with a page that shows a correct one."""


@bp.errorhandler(BadLink)
def bad_link(exc: BadLink) -> Response:
    kind = "payment" if request.endpoint == "patrons.payment" else "waiver"
    example = url_for(f"patrons.{kind}", eid=eventids.EXAMPLE, _external=True)
    body = render_template("patrons/bad_link.html", message=exc.message, example=example, kind=kind)
    return make_response(body, 404)


@bp.context_processor
def business() -> dict[str, str]:
    return {"business": waiver_text.BUSINESS}


@bp.app_template_global()
def pay_link(event_id: str, patron_id: str) -> str:
    """The personal payment link crew copy from the card and send to a patron.

    It is a path: behind CloudFront the Lambda sees its own host, not the public one, so the
    browser (app.js, [data-copy]) makes it absolute against the page's own address."""
    token = paylinks.issue(current_app.config["SECRET_KEY"], event_id, patron_id)
    return url_for("patrons.payment", eid=event_id, p=token)


@bp.app_template_filter()
def local_time(moment: str) -> str:
    """ "2026-05-23T14:23:45.123Z" -> "May 23, 2026, 7:23 AM PDT" where the boats are."""
    try:
        when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return str(moment)
    local = when.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{local:%b} {local.day}, {local.year}, {local:%I:%M %p %Z}".replace(" 0", " ")


def _event_id(eid: str) -> str:
    problem = eventids.problem(eid)
    if problem is not None:
        raise BadLink(problem)
    return eid


def _event(eid: str) -> Event:
    return to_event(_event_item(eid))


def _event_item(eid: str) -> dict[str, Any]:
    event_id = _event_id(eid)
    try:
        return get_store().get_event_item(event_id)
    except NotFound:
        raise BadLink(f"We couldn't find a trip with the id {eid}.") from None


def _form_again(
    event: Event,
    *,
    values: Any,
    minors: list[tuple[str, str]],
    errors: dict[str, str],
    nonce: str,
    today: date,
) -> Response:
    """The waiver page again after a refused signature: what was typed, each message beside
    its field, the same one-time form id (422)."""
    body = render_template(
        "patrons/waiver.html",
        event=event,
        **_form_context(event, values=values, minors=minors, errors=errors),
        nonce=nonce,
        today=today.isoformat(),
    )
    return make_response(body, 422)


def _signed_page(
    event: Event,
    name: str,
    waiver: waiver_records.Waiver | None = None,
    duplicate_of: str | None = None,
    status: int = 201,
) -> Response:
    """The confirmation after signing (or after a repeat of the same form, or a bot's try)."""
    body = render_template(
        "patrons/signed.html", event=event, name=name, waiver=waiver, duplicate_of=duplicate_of
    )
    return make_response(body, status)


def _form_context(
    event: Event,
    *,
    values: Any = None,
    minors: list[tuple[str, str]] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    _, text = waiver_text.current(event)
    rows = list(minors or [])
    slots = rows + [("", "")] * max(0, min(MINOR_SLOTS, waiver_form.MAX_MINORS) - len(rows))
    errors = errors or {}
    return {
        "paragraphs": waiver_text.paragraphs(text),
        "text_sha256": waiver_text.sha256(text),
        "values": values or {},
        "minor_slots": slots,
        "minors_open": bool(rows) or any(f.startswith("minor") for f in errors),
        "errors": errors,
        "max_minors": waiver_form.MAX_MINORS,
    }


def _today() -> date:
    return clock.today(current_app.config["TIMEZONE"])


@bp.get("/g/<eid>/waiver")
def waiver(eid: str) -> bytes:
    """The waiver for this trip and the form to sign it (one read). The blank form is drawn once
    per version of the event and day; only its one-time form id is new each time."""
    today = _today().isoformat()
    return fragments.render_for(
        "patrons/waiver.html",
        _event_item(eid),
        context=lambda event: {**_form_context(event), "today": today},
        fill={"nonce": secrets.token_urlsafe(16)},
        vary=(today,),
    )


@bp.post("/g/<eid>/waiver")
def sign(eid: str) -> Response:
    """Sign: 201 and a confirmation, or 422 and the form with each message beside its field."""
    form = request.form
    if form.get(HONEYPOT, "").strip():
        # Only a bot fills the field people can't see. Answer as if it worked so it learns
        # nothing, but store nothing and count nothing.
        return _signed_page(_event(eid), form.get("full_name", ""))
    rows = waiver_form.minor_rows(form.getlist("minor_name"), form.getlist("minor_dob"))
    nonce = waiver_form.nonce(form.get("form_id")) or secrets.token_urlsafe(16)
    today = _today()
    event_id = _event_id(eid)

    def check(event: Event) -> waiver_form.Signer:
        trip = date.fromisoformat(event.date)
        return waiver_form.signer(form, rows, trip=trip, today=today)

    try:
        outcome = waivers.submit(
            get_store(),
            event_id,
            ip=client_ip(),
            nonce=nonce,
            check=check,
            user_agent=request.headers.get("User-Agent", ""),
            shown_sha256=form.get("text_sha256") or None,
        )
    except NotFound:
        raise BadLink(f"We couldn't find a trip with the id {eid}.") from None
    if outcome.errors:
        return _form_again(
            outcome.event, values=form, minors=rows, errors=outcome.errors, nonce=nonce, today=today
        )
    name = outcome.waiver.full_name if outcome.waiver else form.get("full_name", "")
    return _signed_page(
        outcome.event,
        name,
        outcome.waiver,
        outcome.duplicate_of,
        201 if outcome.waiver else 200,
    )


@bp.get("/g/<eid>/payment")
def payment(eid: str) -> Response:
    """How to pay; with a valid personal link also that patron's share, payments and balance."""
    event = _event(eid)
    token = request.args.get("p")
    patron_id = paylinks.read(current_app.config["SECRET_KEY"], token, event.event_id)
    patron = event.patron(patron_id) if patron_id else None
    body = render_template(
        "patrons/payment.html",
        event=event,
        patron=patron,
        bad_token=bool(token) and patron is None,
        instructions=current_app.config.get("PAY_INSTRUCTIONS", ""),
    )
    return make_response(body)


# --- crew ---------------------------------------------------------------------------------------


def _admin_event(eid: str) -> Event:
    return get_store().get_event(event_id_from_url(eid))


@bp.get("/api/events/<eid>/waivers")
@login_required
def list_waivers(eid: str) -> Any:
    """The event's signed waivers: a dialog fragment (HX) or a JSON list."""
    event = _admin_event(eid)
    signed = waivers.list_for(get_store(), event.event_id)
    if is_htmx():
        return render_template("patrons/_waivers.html", event=event, waivers=signed)
    return jsonify(
        {
            "event_id": event.event_id,
            "waivers_signed": event.waivers_signed,
            "waivers": [
                {
                    **waiver_records.to_json(w),
                    "print_url": url_for(
                        "patrons.print_waiver", eid=event.event_id, waiver_id=w.waiver_id
                    ),
                }
                for w in signed
            ],
        }
    )


@bp.get("/api/events/<eid>/waivers/<waiver_id>/print")
@login_required
def print_waiver(eid: str, waiver_id: str) -> Any:
    """A printable copy of one signed waiver, its text re-rendered from the stored version."""
    if eventids.problem(eid) is not None:
        raise NotFound("There is no such waiver.")
    record = waivers.get(get_store(), eid, waiver_id)
    text, matches = record.checked_text()  # unknown version: show the record, flag the text
    return render_template(
        "patrons/waiver_print.html",
        waiver=record,
        paragraphs=waiver_text.paragraphs(text),
        matches=matches,
    )
