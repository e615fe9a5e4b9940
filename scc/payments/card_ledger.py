"""A card payment Stripe reports (checkout.session.completed) into the ledger: the same
conditional write as a crew member's payment (scc.payments.ledger.record), keyed by the Checkout
Session's id, so a second delivery records nothing new. What the patron no longer owes (they
paid cash while the checkout was open) is not taken: it goes back to the card, once (the refund's
idempotency key comes from the session), and the activity says so."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scc import activity, clock, eventids
from scc.errors import Conflict, Invalid, Moved, NotFound
from scc.models import Event, Payment, Refund
from scc.money import ZERO, fmt, to_cents
from scc.payments import cards, ledger
from scc.store import trips
from scc.store.changes import Change, TripChange
from scc.store.gateway import Store

log = logging.getLogger(__name__)
BY = "stripe"  # logged_by of what Stripe reports
ATTEMPTS = 3  # a crew payment landing between our read and write: read again, recompute the cap


@dataclass(frozen=True)
class Taken:
    """What a card payment came to: recorded (the payment, None when nothing was owed any more)
    and returned to the card (the excess)."""

    event_id: str
    payment: Payment | None
    returned: Decimal


def owed(event: Event, patron_id: str) -> Decimal:
    """The most the ledger takes from this patron now: their share still due (when one is set)
    and never more than the trip's balance; nothing on a cancelled trip."""
    if event.cancelled:
        return ZERO
    due = event.due_from(patron_id)
    most = event.balance_due if due is None else min(due, event.balance_due)
    return max(most, ZERO)


def offer(event: Event, patron_id: str) -> Decimal:
    """What a patron may pay by card now: what they owe, once their share is set."""
    return ZERO if event.due_from(patron_id) is None else owed(event, patron_id)


def _trip(store: Store, event_id: str) -> Event | None:
    if eventids.problem(event_id) is not None:
        return None
    try:
        return trips.get(store, event_id)
    except Moved as moved:  # rescheduled while the checkout was open: the trip's new id
        return _trip(store, moved.moved_to)
    except NotFound:
        return None


def take(store: Store, session: dict[str, Any]) -> Taken | None:
    """Record a paid Checkout Session; None (and a log line) when it names no trip or patron
    we know. Raises cards.CardUnavailable when the excess could not be returned yet (the
    caller answers so that Stripe delivers again; the ledger then replays)."""
    metadata = session.get("metadata") or {}
    session_id = str(session.get("id") or "")
    event = _trip(store, str(metadata.get("event_id") or ""))
    patron_id = str(metadata.get("patron_id") or "")
    if event is None or event.patron(patron_id) is None or not session_id:
        log.warning("card payment %s names no known trip or patron: %s", session_id, metadata)
        return None
    paid = to_cents(Decimal(int(session.get("amount_total") or 0)) / 100)
    intent = str(session.get("payment_intent") or "") or None
    payment: Payment | None = None
    for _ in range(ATTEMPTS):
        payment = event.payment(session_id)
        if payment is not None:  # delivered again: recorded already
            break
        taken = min(paid, owed(event, patron_id))
        if taken <= ZERO:
            break
        note = "" if taken == paid else f"card paid ${fmt(paid)}; ${fmt(paid - taken)} returned"
        money = Payment(
            payment_id=session_id, patron_id=patron_id, amount=taken, method="card",
            notes=note, timestamp=clock.iso(clock.now()), logged_by=BY, payment_intent=intent,
        )  # fmt: skip
        try:
            done = ledger.record(store, event.event_id, money)
        except (Invalid, Conflict):  # paid (or cancelled) meanwhile: read what is owed now
            event = trips.get(store, event.event_id)
            continue
        event = done.event
        assert isinstance(done.money, Payment)  # noqa: S101 - a payment's key answers a payment
        payment = done.money
        break
    else:
        raise cards.CardUnavailable(f"trip {event.event_id} kept changing under card payment")
    returned = paid - (payment.amount if payment else ZERO)
    if returned > ZERO and intent:
        _return(store, event, patron_id, session_id, intent, returned, noted=payment is not None)
    return Taken(event.event_id, payment, returned)


def _return(
    store: Store, event: Event, patron_id: str, session_id: str, intent: str, amount: Decimal,
    *, noted: bool,
) -> None:  # fmt: skip
    """Give the excess back to the card (once, whatever the deliveries); when no payment was
    recorded to say so, a line in the activity does."""
    cards.refund(intent, amount, key=f"{session_id}-excess")
    if noted or any(e.summary.endswith(session_id) for e in event.activity):
        return
    summary = f"${fmt(amount)} Card to {activity.PATRON}: nothing owed, returned to the card · "
    entry = activity.entry(BY, "refund", summary + session_id, patron_id=patron_id)
    trips.change(store, event.event_id, TripChange(Change(), (entry,)))


def refund_to_card(store: Store, event_id: str, money: Refund) -> Event:
    """Before an owner's card refund is recorded: give it back through Stripe, on the patron's
    latest card payment through Stripe that can take it (once: the key comes from the refund's
    own key, so a retried request repeats nothing). Stripe first: what it refuses is not
    booked. A patron who never paid through Stripe: nothing to send (a dock terminal's card).
    Answers the trip as read (the ledger's refund writes from it, its due lowered or not)."""
    event = trips.get(store, event_id)
    if money.amount > event.paid_by(money.patron_id) or event.refund(money.refund_id):
        return event  # the ledger refuses it, or it is a replay: answered as such, nothing sent
    through_stripe = [p for p in event.payments_of(money.patron_id) if p.payment_intent]
    if not through_stripe:
        return event  # card payments taken elsewhere (a dock terminal): refunded there
    cards_paid = [p for p in through_stripe if not p.voided and p.amount >= money.amount]
    if not cards_paid:
        name = event.name_of(money.patron_id)
        raise Invalid(
            f"{name} has no card payment of ${fmt(money.amount)} or more to refund to; "
            "refund it another way (cash, Venmo).",
            "method",
        )
    intent = cards_paid[-1].payment_intent
    assert intent is not None  # noqa: S101 - chosen for having one
    cards.refund(intent, money.amount, key=f"refund-{money.refund_id}")
    return event
