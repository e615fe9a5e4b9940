"""Log Payment: the modal, the ledger writes, the history, voids, and payment-cleared answers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, render_template, request

from scc import eventids, validation
from scc.auth.guard import login_required, owner_required, signed_in_crew
from scc.errors import NotFound
from scc.models import METHOD_LABELS, Event, Refund
from scc.money import fmt
from scc.payments import card_ledger, cards, forms, ledger
from scc.store import get_store
from scc.web.cards import card_done
from scc.web.forms import payload
from scc.web.htmx import is_htmx
from scc.web.shapes import ledger_json, patron_json
from scc.web.urls import event_id_from_url, trip_from_url

bp = Blueprint("payments", __name__, template_folder="templates")


def _dialog(name: str, event: Event, **context: Any) -> str:
    """One of the ledger's dialogs (payments/<name>.html) for a trip, with the methods' labels."""
    return render_template(f"payments/{name}.html", event=event, methods=METHOD_LABELS, **context)


@bp.get("/api/events/<eid>/payment-modal")
@login_required
def payment_modal(eid: str) -> Any:
    """The Log Payment dialog, with a fresh idempotency key each time it opens."""
    return _dialog("_modal", trip_from_url(eid), key=ledger.new_key(), crew_id=signed_in_crew())


def _record(event_id: str, data: dict[str, Any], *, refund: bool) -> Any:
    """Record money in (a payment) or back (a refund) from a dialog's or a client's body."""
    # 422s show inside the dialog, where the crew member is
    g.error_target = "#refund-error" if refund else "#payment-error"
    header_key = request.headers.get("Idempotency-Key")
    form = forms.money_form(data, refund=refund, header_key=header_key)
    money = ledger.new_money(form, refund=refund, logged_by=signed_in_crew())
    trip = None
    if isinstance(money, Refund) and money.method == "card" and cards.enabled():
        trip = card_ledger.refund_to_card(get_store(), event_id, money)  # back to the card first
    done = ledger.record(get_store(), event_id, money, trip=trip)
    event, amount = done.event, f"${fmt(done.money.amount)}"
    name, said = event.name_of(done.money.patron_id), "Already recorded" if done.replayed else ""
    if refund:
        toast = f"{said or 'Refunded'} {amount} to {name}."
        answer: dict[str, Any] = {"refund": ledger_json(done.money)}
    else:
        toast = f"{said or 'Recorded'} {amount} {METHOD_LABELS[done.money.method]} from {name}."
        answer = {"payment": ledger_json(done.money), "payment_cleared": event.payment_cleared}
    if is_htmx():  # the card with a toast, the dialog closed
        return card_done(event, toast)
    totals = {"paid_total": fmt(event.paid_total), "balance_due": fmt(event.balance_due)}
    return jsonify({"event_id": event.event_id, **answer, "replayed": done.replayed, **totals}), 201


@bp.post("/api/events/<eid>/payment-log")
@login_required
def log_for_event(eid: str) -> Any:
    """Log a payment on the trip in the URL."""
    return _record(event_id_from_url(eid), payload(), refund=False)


@bp.post("/api/payment/log")
@login_required
def log_with_event_in_body() -> Any:
    """Log a payment; the trip's id comes in the body."""
    data = payload()
    event_id = eventids.check(str(data.get("event_id") or ""), field="event_id")
    return _record(event_id, data, refund=False)


def _cleared_json(event: Event, patron_id: str | None) -> dict[str, Any]:
    """Whether the trip (patron_id None) or one patron on it has paid in full, and the payments."""
    balance = {
        "cleared": event.payment_cleared,
        "amount_due": fmt(event.total),
        "amount_paid": fmt(event.paid_total),
        "balance_due": fmt(event.balance_due),
    }
    if patron_id is not None:
        patron = event.patron(patron_id)
        if patron is None:
            raise NotFound(f"There is no patron {patron_id} on this event.")
        balance = {k: v for k, v in patron_json(event, patron).items() if k in balance}
    payments = [ledger_json(p) for p in event.payments_of(patron_id)]
    return {"event_id": event.event_id, "patron_id": patron_id, **balance, "payments": payments}


@bp.get("/api/events/<eid>/pay-links")
@login_required
def pay_links(eid: str) -> Any:
    """A dialog with each patron's personal payment link, to copy and text to them."""
    return _dialog("_pay_links", trip_from_url(eid))


@bp.get("/api/events/<eid>/payments")
@login_required
def history(eid: str) -> Any:
    """The trip's payments, oldest first, voided ones struck through: a dialog or JSON."""
    event = trip_from_url(eid)
    if is_htmx():
        return _dialog("_history", event)
    payments = [ledger_json(p) for p in event.payments]
    return jsonify({"event_id": event.event_id, "payments": payments})


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
    chosen = request.args.get("patron_id")
    return _dialog("_refund_modal", trip_from_url(eid), chosen=chosen, key=ledger.new_key())


@bp.post("/api/events/<eid>/refunds")
@owner_required
def refund(eid: str) -> Any:
    """Money given back (owner): at most what the patron has paid, net of voids and earlier
    refunds; one conditional write; a retry with the same key records it once."""
    return _record(event_id_from_url(eid), payload(), refund=True)


@bp.get("/api/events/<eid>/payments/<payment_id>/void")
@owner_required
def void_modal(eid: str, payment_id: str) -> Any:
    """The dialog asking why a payment is being voided."""
    event = trip_from_url(eid)
    return _dialog("_void_modal", event, payment=ledger.find_payment(event, payment_id))


@bp.post("/api/events/<eid>/payments/<payment_id>/void")
@owner_required
def void(eid: str, payment_id: str) -> Any:
    """Void a payment with a reason; it stays on record, struck through, and totals drop."""
    g.error_target = "#void-error"
    event_id = event_id_from_url(eid)
    reason = validation.text(payload().get("reason"), "reason", "The reason", max_len=200)
    event = ledger.void_payment(get_store(), event_id, payment_id, reason, signed_in_crew())
    return card_done(event, "Payment voided.")
