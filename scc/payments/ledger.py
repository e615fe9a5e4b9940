"""The ledger's rules. Money in (a payment) and money back (a refund) are one pipeline with two
kinds: each is recorded with one conditional write of the trip (scc.store.ledger_changes) that
cannot overpay, cannot take what a patron has paid below zero, and cannot apply twice under one
idempotency key; a refusal is explained from the trip as DynamoDB returned it, without another
read. A void marks a payment, which stays on record."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial

from scc import activity, clock
from scc.errors import Conflict, Contended, Invalid, NotFound
from scc.models import METHOD_LABELS, Event, Payment, Refund
from scc.money import fmt
from scc.payments.forms import MoneyForm
from scc.store import ledger_changes, trips
from scc.store.changes import TripChange
from scc.store.gateway import Store

# A trip's record holds at most 200 payments (~800 bytes each at most, voided with a reason) and
# 50 refunds (~420 bytes), beside its activity (scc.store.trips.ACTIVITY_MAX) and manifest: about
# 310 KB with every field at its longest (ASCII), of DynamoDB's 400 KB item limit (tests/store).
MAX_PAYMENTS = 200
MAX_REFUNDS = 50
ATTEMPTS = 3  # writes of one refund, when the manifest keeps moving under it
Money = Payment | Refund


@dataclass(frozen=True)
class Recorded:
    """Money recorded: the trip after it, the payment or refund, and whether it was a replay
    (its key was recorded already: the original is answered, nothing new is written)."""

    event: Event
    money: Money
    replayed: bool = False


class _Again(Exception):
    """Write this money again, from the trip as it was when its write was refused."""

    def __init__(self, money: Money, event: Event) -> None:
        super().__init__("again")
        self.money, self.event = money, event


class _Replayed(Exception):
    def __init__(self, event: Event, original: Money) -> None:
        super().__init__("replayed")
        self.event, self.original = event, original


def new_key() -> str:
    """A fresh idempotency key."""
    return secrets.token_hex(16)


def new_money(form: MoneyForm, *, refund: bool, logged_by: str) -> Money:
    """The payment or refund a checked form describes, made now by `logged_by`."""
    key, now = form.key or new_key(), clock.iso(clock.now())
    if refund:
        return Refund(
            refund_id=key, patron_id=form.patron_id, amount=form.amount, method=form.method,
            reason=form.note, timestamp=now, logged_by=logged_by, lower_due=form.lower_due,
        )  # fmt: skip
    return Payment(
        payment_id=key, patron_id=form.patron_id, amount=form.amount, method=form.method,
        notes=form.note, timestamp=now, logged_by=logged_by,
    )  # fmt: skip


def _money_line(amount: Decimal, method: str, name: str, word: str) -> str:
    """The activity's words for money moved: "$40.00 Venmo from dana", "$10.00 Cash to sam"."""
    return f"${fmt(amount)} {METHOD_LABELS.get(method, method)} {word} {name}"


def payment_summary(payment: Payment, name: str) -> str:
    """What the activity says of a payment: "$40.00 Venmo from Dana Lee (deposit)"."""
    summary = _money_line(payment.amount, payment.method, name, "from")
    return f"{summary} ({payment.notes})" if payment.notes else summary


def record(store: Store, event_id: str, money: Money, *, trip: Event | None = None) -> Recorded:
    """Record a payment or a refund once, atomically within its bounds. The activity entry
    keeps the patron's id and shows their name as it is when read. A refund that lowers the due
    reads the trip first (unless given it as `trip`: where the patron sits on the manifest);
    when the manifest moved under it, or a refund that leaves the due meets a cancelled trip,
    it is written again from the trip as DynamoDB returned it, without another read."""
    for _ in range(ATTEMPTS):
        if isinstance(money, Refund) and money.lower_due and trip is None:
            trip = trips.get(store, event_id)
        try:
            return _record(store, event_id, money, trip)
        except _Again as again:
            money, trip = again.money, again.event
    raise Contended()


def _record(store: Store, event_id: str, money: Money, trip: Event | None) -> Recorded:
    if isinstance(money, Refund):
        summary = _money_line(money.amount, money.method, activity.PATRON, "to")
        summary, kind = f"{summary}: {money.reason}", "refund"
        seat = _seat(trip, money.patron_id)
        if money.lower_due and seat is None:
            raise Invalid("Choose a patron on this trip's manifest.", "patron_id")
        share = trip is not None and seat is not None and trip.patrons[seat].amount_due is not None
        write = ledger_changes.refund(money, most=MAX_REFUNDS, seat=seat, share=share)
        refused = partial(_refused_refund, money, seat, share)
    else:
        summary, kind = payment_summary(money, activity.PATRON), "payment"
        write = ledger_changes.payment(money, most=MAX_PAYMENTS)
        refused = partial(_refused, money)
    entry = activity.entry(money.logged_by, kind, summary, patron_id=money.patron_id)
    try:
        event = trips.change(store, event_id, TripChange(write, (entry,), refused=refused))
    except _Replayed as replay:
        return Recorded(replay.event, replay.original, replayed=True)
    if isinstance(money, Payment) and event.payment_cleared:
        # A second write, only when a payment clears the trip: the stored flag.
        event = trips.mark_cleared(store, event_id) or event
    return Recorded(event, money)


def _seat(trip: Event | None, patron_id: str) -> int | None:
    """Where a patron sits on the trip's manifest (its index), if it was read and they are."""
    seats = [] if trip is None else [p.patron_id for p in trip.patrons]
    return seats.index(patron_id) if patron_id in seats else None


def _refused_refund(money: Refund, seat: int | None, share: bool, event: Event) -> Exception:
    """A refund's refusal: as any money's (_refused), unless it is to be written again from
    this trip (_Again): the patron's seat or share moved, or a cancelled trip's refund settles."""
    why = _refused(money, event)
    if isinstance(why, _Replayed) or event.patron(money.patron_id) is None:
        return why
    if money.lower_due:
        patron = event.patrons[seat] if seat is not None and seat < len(event.patrons) else None
        if patron is None or patron.patron_id != money.patron_id:
            return _Again(money, event)
        if (patron.amount_due is not None) != share:
            return _Again(money, event)
    elif event.cancelled:
        return _Again(replace(money, lower_due=True), event)
    return why


def _refused(money: Money, event: Event) -> Exception:
    """Why the conditional write of this money was refused, from the trip as it was: a replay
    of a key already recorded, else what the patron or the trip could not take."""
    original: Money | None = (
        event.refund(money.refund_id)
        if isinstance(money, Refund)
        else event.payment(money.payment_id)
    )
    if original is not None:
        same = (original.patron_id, original.amount, original.method)
        if same != (money.patron_id, money.amount, money.method):
            what = "refund" if isinstance(money, Refund) else "payment"
            used = f"That idempotency key was already used for a different {what}."
            return Conflict(used, "idempotency_key")
        return _Replayed(event, original)
    patron = event.patron(money.patron_id)
    if patron is None:
        return Invalid("Choose a patron on this trip's manifest.", "patron_id")
    if isinstance(money, Refund):
        if len(event.refunds) >= MAX_REFUNDS:
            return Invalid(
                f"This trip already has {MAX_REFUNDS} refunds, the most it can hold.", "amount"
            )
        paid = event.paid_by(money.patron_id)
        return Invalid(
            f"That is more than {patron.name} has paid: ${fmt(paid)} after voids and refunds.",
            "amount",
        )
    if event.cancelled:
        return Conflict(
            "This trip is cancelled; it takes no more payments (refund what was paid instead)."
        )
    if len(event.payments) >= MAX_PAYMENTS:
        return Invalid(
            f"This event already has {MAX_PAYMENTS} payments, the most one event can "
            "hold; void nothing more and ask the office to split the event.",
            "amount",
        )
    due = event.due_from(patron.patron_id)
    if due is not None and money.amount > due:
        return Invalid(f"That is more than {patron.name} still owes: ${fmt(due)} is due.", "amount")
    return Invalid(
        f"That is more than is still owed on this event: ${fmt(event.balance_due)} is due.",
        "amount",
    )


def find_payment(event: Event, payment_id: str) -> Payment:
    """The trip's payment with this id; NotFound when there is none."""
    payment = event.payment(payment_id)
    if payment is None:
        raise NotFound(f"There is no payment {payment_id} on this event.")
    return payment


def void_payment(store: Store, event_id: str, payment_id: str, reason: str, by: str) -> Event:
    """Mark a payment voided (who, when, why); it stays in the ledger and the totals drop.
    Refused when money was already refunded against it (net paid would go below zero)."""
    event = trips.get(store, event_id)
    payment = find_payment(event, payment_id)
    if payment.voided:
        raise Conflict("That payment was already voided.")
    name = event.name_of(payment.patron_id)
    summary = _money_line(payment.amount, payment.method, name, "from") + f": {reason}"
    entry = activity.entry(by, "void", summary)
    write = ledger_changes.void(payment, by=by, reason=reason, at=entry.at)

    def refused(now: Event) -> Exception:
        if not find_payment(now, payment_id).voided:
            return Conflict(
                f"{name} has ${fmt(now.paid_by(payment.patron_id))} paid after refunds; voiding "
                f"${fmt(payment.amount)} would take it below zero. Void only what was not "
                "refunded: record the rest as a refund instead."
            )
        return Conflict("That payment was already voided.")

    return trips.change(store, event_id, TripChange(write, (entry,), refused=refused))
