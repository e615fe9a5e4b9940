"""Log Payment: the modal, the ledger writes, the history, voids, and payment-cleared answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, g, jsonify, render_template, request

from scc import eventids, validation
from scc.auth.guard import login_required, owner_required, signed_in_crew
from scc.errors import Invalid, NotFound
from scc.models import METHOD_LABELS, Event
from scc.money import fmt, parse_amount
from scc.payments import ledger
from scc.store import get_store
from scc.web.cards import (
    card_done,
    event_id_from_url,
    ledger_json,
    patron_json,
    trip_from_url,
)
from scc.web.forms import payload
from scc.web.htmx import is_htmx

bp = Blueprint("payments", __name__, template_folder="templates")


@bp.get("/api/events/<eid>/payment-modal")
@login_required
def payment_modal(eid: str) -> Any:
    """The Log Payment dialog, with a fresh idempotency key each time it opens."""
    return render_template(
        "payments/_modal.html",
        event=trip_from_url(eid),
        methods=METHOD_LABELS,
        key=ledger.new_key(),
        crew_id=signed_in_crew(),
    )


def _ledger_input(data: dict[str, Any], missing: str) -> tuple[str, Decimal, str, str | None]:
    """What a payment and a refund both carry: the patron, the amount, the method, and the
    idempotency key (the header, else the field; None: make one)."""
    patron_id = data.get("patron_id")
    if not isinstance(patron_id, str) or not patron_id.strip():
        raise Invalid(missing, "patron_id")
    amount = parse_amount(data.get("amount"))
    method = ledger.check_method(data.get("method"))
    key = request.headers.get("Idempotency-Key") or data.get("idempotency_key")
    return patron_id.strip(), amount, method, None if key in (None, "") else ledger.check_key(key)


def _recorded(event: Event, toast: str, answer: dict[str, Any]) -> Any:
    """The card with a toast, the dialog closed (HX); else the JSON answer, 201."""
    if is_htmx():
        return card_done(event, toast)
    response = jsonify(
        {
            "event_id": event.event_id,
            **answer,
            "paid_total": fmt(event.paid_total),
            "balance_due": fmt(event.balance_due),
        }
    )
    response.status_code = 201
    return response


def _log(event_id: str, data: dict[str, Any]) -> Any:
    g.error_target = "#payment-error"  # 422s show inside the modal, where the crew member is
    patron_id, amount, method, key = _ledger_input(data, "Choose the patron who paid.")
    notes = validation.text(
        data.get("notes"), "notes", "The note", max_len=280, required=False, multiline=True
    )
    payment = ledger.new_payment(
        patron_id=patron_id,
        amount=amount,
        method=method,
        notes=notes,
        logged_by=signed_in_crew(),
        payment_id=key,
    )
    logged = ledger.log_payment(get_store(), event_id, payment)
    event, pay = logged.event, logged.payment
    verb = "Already recorded" if logged.replayed else "Recorded"
    toast = (
        f"{verb} ${fmt(pay.amount)} {METHOD_LABELS[pay.method]} from "
        f"{event.name_of(pay.patron_id)}."
    )
    answer = {
        "payment": ledger_json(pay),
        "payment_cleared": event.payment_cleared,
        "replayed": logged.replayed,
    }
    return _recorded(event, toast, answer)


@bp.post("/api/events/<eid>/payment-log")
@login_required
def log_for_event(eid: str) -> Any:
    """Log a payment on the trip in the URL."""
    return _log(event_id_from_url(eid), payload())


@bp.post("/api/payment/log")
@login_required
def log_with_event_in_body() -> Any:
    """Log a payment; the trip's id comes in the body."""
    data = payload()
    return _log(eventids.check(str(data.get("event_id") or ""), field="event_id"), data)


def _cleared_json(event: Event, patron_id: str | None) -> dict[str, Any]:
    if patron_id is None:
        return {
            "event_id": event.event_id,
            "patron_id": None,
            "cleared": event.payment_cleared,
            "amount_due": fmt(event.total),
            "amount_paid": fmt(event.paid_total),
            "balance_due": fmt(event.balance_due),
            "payments": [ledger_json(p) for p in event.payments],
        }
    patron = event.patron(patron_id)
    if patron is None:
        raise NotFound(f"There is no patron {patron_id} on this event.")
    balance = patron_json(event, patron)
    return {
        "event_id": event.event_id,
        "patron_id": patron_id,
        **{k: balance[k] for k in ("cleared", "amount_due", "amount_paid", "balance_due")},
        "payments": [ledger_json(p) for p in event.payments_of(patron_id)],
    }


@bp.get("/api/events/<eid>/pay-links")
@login_required
def pay_links(eid: str) -> Any:
    """A dialog with each patron's personal payment link, to copy and text to them."""
    return render_template("payments/_pay_links.html", event=trip_from_url(eid))


@bp.get("/api/events/<eid>/payments")
@login_required
def history(eid: str) -> Any:
    """The trip's payments, oldest first, voided ones struck through: a dialog or JSON."""
    event = trip_from_url(eid)
    if is_htmx():
        return render_template("payments/_history.html", event=event, methods=METHOD_LABELS)
    return jsonify(
        {"event_id": event.event_id, "payments": [ledger_json(p) for p in event.payments]}
    )


@bp.get("/api/events/<eid>/payment-cleared")
@login_required
def payment_cleared(eid: str) -> Any:
    """Whether one patron (patron_id=...) or the whole trip has paid in full."""
    data = _cleared_json(trip_from_url(eid), request.args.get("patron_id") or None)
    if is_htmx():
        return render_template("payments/_cleared.html", data=data)
    return jsonify(data)


@bp.get("/api/events/<eid>/refund")
@owner_required
def refund_modal(eid: str) -> Any:
    """The Refund dialog: patron (preselected from ?patron_id=), amount, method, reason."""
    event = trip_from_url(eid)
    return render_template(
        "payments/_refund_modal.html",
        event=event,
        chosen=request.args.get("patron_id"),
        methods=METHOD_LABELS,
        key=ledger.new_key(),
    )


@bp.post("/api/events/<eid>/refunds")
@owner_required
def refund(eid: str) -> Any:
    """Money given back (owner): at most what the patron has paid, net of voids and earlier
    refunds; one conditional write; a retry with the same key records it once."""
    g.error_target = "#refund-error"
    event_id = event_id_from_url(eid)
    data = payload()
    patron_id, amount, method, key = _ledger_input(data, "Choose the patron to refund.")
    reason = validation.text(data.get("reason"), "reason", "The reason", max_len=200)
    back = ledger.new_refund(
        patron_id=patron_id,
        amount=amount,
        method=method,
        reason=reason,
        logged_by=signed_in_crew(),
        key=key,
    )
    done = ledger.refund(get_store(), event_id, back)
    verb = "Already recorded" if done.replayed else "Refunded"
    toast = f"{verb} ${fmt(done.refund.amount)} to {done.event.name_of(back.patron_id)}."
    answer = {"refund": ledger_json(done.refund), "replayed": done.replayed}
    return _recorded(done.event, toast, answer)


@bp.get("/api/events/<eid>/payments/<payment_id>/void")
@owner_required
def void_modal(eid: str, payment_id: str) -> Any:
    """The dialog asking why a payment is being voided."""
    event = trip_from_url(eid)
    return render_template(
        "payments/_void_modal.html",
        event=event,
        payment=ledger.find_payment(event, payment_id),
        methods=METHOD_LABELS,
    )


@bp.post("/api/events/<eid>/payments/<payment_id>/void")
@owner_required
def void(eid: str, payment_id: str) -> Any:
    """Void a payment with a reason; it stays on record, struck through, and totals drop."""
    g.error_target = "#void-error"
    event_id = event_id_from_url(eid)
    reason = validation.text(payload().get("reason"), "reason", "The reason", max_len=200)
    event = ledger.void_payment(get_store(), event_id, payment_id, reason, signed_in_crew())
    return card_done(event, "Payment voided.")
