"""The patron pages: a trip's waiver to read and sign on a phone, and how to pay (with their
own balance from a personal link). Links sent before a reschedule follow the trip."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from scc import eventids, paylinks
from scc.errors import Moved, NotFound
from scc.keys import signing_keys
from scc.models import Event, Patron, Signer, Waiver
from scc.patrons import forms as waiver_form
from scc.payments import card_ledger, cards
from scc.store import get_store, trips
from scc.waivers import signing
from scc.waivers import text as waiver_text
from scc.web import today
from scc.web.address import client_ip
from scc.web.errors import handle_scc_error
from scc.web.security import CSP
from scc.web.urls import event_id_from_url

bp = Blueprint("patrons", __name__, template_folder="templates")
PATRON_PAGES = ("patrons.waiver", "patrons.sign", "patrons.payment", "patrons.checkout")
HONEYPOT = "website"
MINOR_SLOTS = 4  # empty child rows shown on a fresh form (the form works without JavaScript)


class BadLink(NotFound):
    """A patron link that leads nowhere: answered with a page that shows a correct one."""


@bp.errorhandler(BadLink)
def bad_link(exc: BadLink) -> Response:
    kind = "payment" if request.endpoint == "patrons.payment" else "waiver"
    # The public address, never the host this request reached (behind CloudFront, the origin's).
    example = current_app.config["SITE_URL"] + url_for(f"patrons.{kind}", eid=eventids.EXAMPLE)
    body = render_template("patrons/bad_link.html", message=exc.message, example=example, kind=kind)
    return make_response(body, 404)


def _event(eid: str) -> Event:
    event_id = event_id_from_url(eid, BadLink)
    try:
        return trips.get(get_store(), event_id)
    except NotFound:
        raise BadLink(f"We couldn't find a trip with the id {eid}.") from None


def _patron(event: Event, token: str | None) -> Patron | None:
    """The patron a personal link's token names on this trip (None: no token, or not valid)."""
    patron_id = paylinks.read(signing_keys(), token, event.event_id, event.moved_from)
    return event.patron(patron_id) if patron_id else None


@bp.errorhandler(Moved)
def moved(exc: Moved) -> Any:
    """A link sent before the trip was rescheduled: on to its new id, query kept (a form posted
    to the old address is posted again to the new one: 307)."""
    if request.endpoint not in PATRON_PAGES:  # the crew's pages answer as everywhere else
        return handle_scc_error(exc)
    target = url_for(str(request.endpoint), eid=exc.moved_to)
    query = request.query_string.decode("latin-1")
    return redirect(
        f"{target}?{query}" if query else target, 307 if request.method == "POST" else 302
    )


def _form_page(
    event: Event,
    *,
    nonce: str,
    values: Any = None,
    minors: list[tuple[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The waiver page: a fresh form, or the form again after a refused signature with what
    was typed and each message beside its field (422)."""
    _, text = waiver_text.current(event)
    rows = list(minors or [])
    slots = rows + [("", "")] * max(0, min(MINOR_SLOTS, waiver_form.MAX_MINORS) - len(rows))
    errors = errors or {}
    body = render_template(
        "patrons/waiver.html",
        event=event,
        paragraphs=waiver_text.paragraphs(text),
        text_sha256=waiver_text.sha256(text),
        values=values or {},
        minor_slots=slots,
        minors_open=bool(rows) or any(f.startswith("minor") for f in errors),
        errors=errors,
        max_minors=waiver_form.MAX_MINORS,
        nonce=nonce,
        today=today().isoformat(),
    )
    return make_response(body, status)


def _cancelled_page(event: Event, status: int = 200) -> Response:
    """A cancelled trip's waiver page: no form, and a POST to it stored nothing (409)."""
    return make_response(render_template("patrons/cancelled.html", event=event), status)


def _signed_page(
    event: Event,
    name: str,
    waiver: Waiver | None = None,
    duplicate_of: str | None = None,
    status: int = 201,
) -> Response:
    """The confirmation after signing (or after a repeat of the same form, or a bot's try)."""
    body = render_template(
        "patrons/signed.html", event=event, name=name, waiver=waiver, duplicate_of=duplicate_of
    )
    return make_response(body, status)


@bp.get("/g/<eid>/waiver")
def waiver(eid: str) -> Response:
    """The waiver for this trip and the form to sign it (one read). With a patron's personal
    link (?p=), their name and email are filled in, so their signature matches them."""
    event = _event(eid)
    patron = _patron(event, request.args.get("p"))
    values = {"full_name": patron.name, "email": patron.email or ""} if patron else None
    if event.cancelled:
        return _cancelled_page(event)
    return _form_page(event, nonce=secrets.token_urlsafe(16), values=values)


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
    day = today()
    event_id = event_id_from_url(eid, BadLink)

    def check(event: Event) -> Signer:
        return waiver_form.signer(form, rows, trip=date.fromisoformat(event.date), today=day)

    try:
        outcome = signing.submit(
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
    except signing.TripCancelled:
        return _cancelled_page(_event(eid), 409)
    if outcome.errors:
        return _form_page(
            outcome.event, nonce=nonce, values=form, minors=rows, errors=outcome.errors, status=422
        )
    name = outcome.waiver.full_name if outcome.waiver else form.get("full_name", "")
    status = 201 if outcome.waiver else 200
    return _signed_page(outcome.event, name, outcome.waiver, outcome.duplicate_of, status)


@bp.get("/g/<eid>/payment")
def payment(eid: str) -> Response:
    """How to pay; with a valid personal link also that patron's share, payments and balance."""
    event = _event(eid)
    token = request.args.get("p")
    patron = _patron(event, token)
    card = request.args.get("card", "")
    body = render_template(
        "patrons/payment.html",
        event=event,
        patron=patron,
        bad_token=bool(token) and patron is None,
        token=token if patron else None,  # kept on the waiver link: their name filled in there
        instructions=current_app.config.get("PAY_INSTRUCTIONS", ""),
        # Pay by card: what may be paid now (nothing without Stripe), and a checkout just done.
        card_owed=card_ledger.offer(event, patron.patron_id) if patron and cards.enabled() else 0,
        card_paid=event.payment(card) if card.startswith("cs_") else None,
        card_pending=card.startswith("cs_") and event.payment(card) is None,
    )
    response = make_response(body)
    if cards.enabled():  # the card form's answer redirects to Stripe: CSP form-action covers it
        form_action = f"form-action 'self' {cards.checkout_origin()}"
        response.headers["Content-Security-Policy"] = CSP.replace("form-action 'self'", form_action)
    return response


@bp.post("/g/<eid>/payment/checkout")
def checkout(eid: str) -> Any:
    """Pay by card: a Stripe Checkout Session for what this patron owes (or a part of it), and
    on to Stripe's page (303). The same choice on the same balance is the same session."""
    cards.require()
    event = _event(eid)
    patron = _patron(event, request.form.get("p"))
    if patron is None:
        raise BadLink(
            "This personal payment link isn't valid for this trip; ask the crew for a new one."
        )
    patron_id = patron.patron_id
    owed = card_ledger.offer(event, patron_id)
    amount = waiver_form.card_amount(request.form.get("amount"), owed)
    back = (current_app.config["SITE_URL"] or request.host_url.rstrip("/")) + url_for(
        "patrons.payment", eid=event.event_id, p=request.form.get("p")
    )
    url = cards.checkout(
        event_id=event.event_id, patron_id=patron_id, title=f"{event.title} · {event.date}",
        amount=amount, back=back,
        # The same choice on the same balance is the same session (a trip made again under
        # the same id is another trip: its created_at differs). Stripe keeps keys 24 h.
        key=f"checkout-{event.event_id}-{event.created_at}-{patron_id}-{cards.cents(amount)}-{event.rev}",
    )  # fmt: skip
    return redirect(url, 303)
