"""Stripe's webhook: card payments reported by Stripe, into the ledger (scc.payments.card_ledger).
Answers make Stripe deliver again only when that can help: 400 for a delivery that will never
verify, 5xx only for a failure that passes (the store, or Stripe itself while returning an
excess); everything else is 200, recorded or not."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, jsonify, request

from scc.money import fmt
from scc.payments import card_ledger, cards
from scc.store import get_store
from scc.web.shapes import ledger_json

bp = Blueprint("cards", __name__)
log = logging.getLogger(__name__)
PAID = "checkout.session.completed"


@bp.post("/api/stripe/webhook")
def webhook() -> Any:
    """One delivery: verified, then a paid Checkout Session recorded once."""
    cards.require()
    event = cards.verified_event(request.get_data(), request.headers.get("Stripe-Signature"))
    session = (event.get("data") or {}).get("object") or {}
    if event.get("type") != PAID or session.get("payment_status") != "paid":
        return jsonify({"received": True, "recorded": False})
    try:
        taken = card_ledger.take(get_store(), session)
    except cards.CardUnavailable as exc:
        log.warning("card payment %s: %s; Stripe will deliver again", session.get("id"), exc)
        return jsonify({"received": False, "error": exc.message}), 503
    except cards.CardRefused as exc:  # another delivery would be refused the same way
        log.error("card payment %s: %s", session.get("id"), exc)
        return jsonify({"received": True, "recorded": False, "error": exc.message})
    if taken is None:
        return jsonify({"received": True, "recorded": False})
    payment = ledger_json(taken.payment) if taken.payment else None
    answer = {"received": True, "recorded": payment is not None, "event_id": taken.event_id}
    return jsonify(answer | {"payment": payment, "returned": fmt(taken.returned)})
