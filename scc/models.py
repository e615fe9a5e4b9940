"""Dataclasses for what SCC stores, and the one translator between them and DynamoDB items."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scc.money import ZERO, fmt, to_cents

# Reserved sort keys start with "#", which crew ids cannot contain.
EVENT_SK = "#event"
WAIVER_SK_PREFIX = "#waiver#"
BOARD_PK = "events"
BY_DATE_INDEX = "by-date"
TTL_ATTRIBUTE = "ttl"
# patron_due holds each patron's headroom for the conditional payment write; a patron without a
# share gets this sentinel, so the same condition (headroom >= amount) works for everyone.
NO_SHARE_HEADROOM = Decimal("1000000000000.00")


@dataclass(frozen=True, kw_only=True)
class Patron:
    patron_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    amount_due: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class CrewMember:
    crew_id: str
    role: str


@dataclass(frozen=True, kw_only=True)
class Payment:
    payment_id: str
    patron_id: str
    amount: Decimal
    method: str
    timestamp: str
    logged_by: str
    notes: str = ""
    voided: bool = False
    voided_by: str | None = None
    voided_at: str | None = None
    void_reason: str | None = None


@dataclass(kw_only=True)
class Event:
    event_id: str
    date: str
    title: str
    total: Decimal
    patrons: list[Patron] = field(default_factory=list)
    crew: list[CrewMember] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    paid_total: Decimal = ZERO
    patron_paid: dict[str, Decimal] = field(default_factory=dict)
    payment_timestamp: str | None = None
    payment_logged_by: str | None = None
    waivers_signed: int = 0
    rev: int = 0
    created_at: str | None = None
    # A fresh random tag on every write of the record: what rendered HTML is remembered by
    # (scc.fragments). rev alone is not enough: an id can be created again from rev 0.
    etag: str = ""

    @property
    def balance_due(self) -> Decimal:
        return to_cents(self.total - self.paid_total)

    @property
    def payment_cleared(self) -> bool:
        return self.paid_total >= self.total

    def patron(self, patron_id: str) -> Patron | None:
        return next((p for p in self.patrons if p.patron_id == patron_id), None)

    def payment(self, payment_id: str) -> Payment | None:
        return next((p for p in self.payments if p.payment_id == payment_id), None)

    def name_of(self, patron_id: str) -> str:
        patron = self.patron(patron_id)
        return patron.name if patron else patron_id

    def paid_by(self, patron_id: str) -> Decimal:
        return to_cents(self.patron_paid.get(patron_id, ZERO))

    def due_from(self, patron_id: str) -> Decimal | None:
        """What a patron still owes, or None when no share is set for them."""
        patron = self.patron(patron_id)
        if patron is None or patron.amount_due is None:
            return None
        return to_cents(patron.amount_due - self.paid_by(patron_id))

    def patron_cleared(self, patron_id: str) -> bool:
        due = self.due_from(patron_id)
        return self.payment_cleared if due is None else due <= 0

    def payments_of(self, patron_id: str | None) -> list[Payment]:
        return [p for p in self.payments if patron_id is None or p.patron_id == patron_id]


def new_etag() -> str:
    """A new version tag for an event record; every write of the record sets one."""
    return secrets.token_hex(8)


# --- item <-> dataclass -------------------------------------------------------------------------


def _clean(value: dict[str, Any]) -> dict[str, Any]:
    """Drop None values (recursively) so DynamoDB never stores NULLs we did not mean."""
    cleaned: dict[str, Any] = _drop_none(value)
    return cleaned


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def board_sort_key(event_date: str, event_id: str) -> str:
    return f"{event_date}#{event_id}"


def event_to_item(event: Event) -> dict[str, Any]:
    """Translate a new event into its DynamoDB record (python values; serialized by the store)."""
    shares = {p.patron_id: p.amount_due for p in event.patrons if p.amount_due is not None}
    item = {
        "eid": event.event_id,
        "crew_id": EVENT_SK,
        "board": BOARD_PK,
        "board_sk": board_sort_key(event.date, event.event_id),
        "date": event.date,
        "title": event.title,
        "total": to_cents(event.total),
        "patrons": [
            {
                "patron_id": p.patron_id,
                "name": p.name,
                "email": p.email,
                "phone": p.phone,
                "amount_due": None if p.amount_due is None else to_cents(p.amount_due),
            }
            for p in event.patrons
        ],
        "crew": [{"crew_id": c.crew_id, "role": c.role} for c in event.crew],
        # The ledger: payments by patron, then payment id. payment_index maps a payment id to its
        # patron so the idempotency key is unique across the event; patron_due is each patron's
        # headroom, so one conditional UpdateItem can refuse an overpayment (see scc.ledger).
        "payments": {
            p.patron_id: {
                pay.payment_id: payment_to_map(pay) for pay in event.payments_of(p.patron_id)
            }
            for p in event.patrons
        },
        "payment_index": {pay.payment_id: pay.patron_id for pay in event.payments},
        "patron_paid": {p.patron_id: event.paid_by(p.patron_id) for p in event.patrons},
        "patron_due": {
            p.patron_id: to_cents(shares[p.patron_id] - event.paid_by(p.patron_id))
            if p.patron_id in shares
            else NO_SHARE_HEADROOM
            for p in event.patrons
        },
        "payment_amount": to_cents(event.paid_total),
        "balance_due": event.balance_due,
        "payment_cleared": event.payment_cleared,
        "payment_timestamp": event.payment_timestamp,
        "payment_logged_by": event.payment_logged_by,
        "waivers_signed": event.waivers_signed,
        "rev": event.rev,
        "created_at": event.created_at,
        "etag": event.etag or None,
    }
    return _clean(item)


def payment_to_map(payment: Payment) -> dict[str, Any]:
    """The stored form of a payment (its ids are the map keys above it)."""
    # vars, not asdict: every field is flat and immutable, so no deep copy is needed
    data = {k: v for k, v in vars(payment).items() if k not in ("payment_id", "patron_id")}
    return _clean({**data, "amount": to_cents(payment.amount)})


def payment_from_map(patron_id: str, payment_id: str, data: dict[str, Any]) -> Payment:
    return Payment(
        payment_id=payment_id,
        patron_id=patron_id,
        amount=to_cents(data["amount"]),
        method=data["method"],
        timestamp=data["timestamp"],
        logged_by=data["logged_by"],
        notes=data.get("notes", ""),
        voided=bool(data.get("voided", False)),
        voided_by=data.get("voided_by"),
        voided_at=data.get("voided_at"),
        void_reason=data.get("void_reason"),
    )


def event_from_item(item: dict[str, Any]) -> Event:
    """Translate a stored event record back into an Event."""
    payments = [
        payment_from_map(patron_id, payment_id, data)
        for patron_id, entries in item.get("payments", {}).items()
        for payment_id, data in entries.items()
    ]
    payments.sort(key=lambda p: (p.timestamp, p.payment_id))
    return Event(
        event_id=item["eid"],
        date=item["date"],
        title=item.get("title", ""),
        total=to_cents(item.get("total", ZERO)),
        patrons=[
            Patron(
                patron_id=p["patron_id"],
                name=p["name"],
                email=p.get("email"),
                phone=p.get("phone"),
                amount_due=None if p.get("amount_due") is None else to_cents(p["amount_due"]),
            )
            for p in item.get("patrons", [])
        ],
        crew=[CrewMember(crew_id=c["crew_id"], role=c["role"]) for c in item.get("crew", [])],
        payments=payments,
        paid_total=to_cents(item.get("payment_amount", ZERO)),
        patron_paid={k: to_cents(v) for k, v in item.get("patron_paid", {}).items()},
        payment_timestamp=item.get("payment_timestamp"),
        payment_logged_by=item.get("payment_logged_by"),
        waivers_signed=int(item.get("waivers_signed", 0)),
        rev=int(item.get("rev", 0)),
        created_at=item.get("created_at"),
        etag=item.get("etag", ""),
    )


# --- JSON ---------------------------------------------------------------------------------------


def payment_json(payment: Payment) -> dict[str, Any]:
    return {**vars(payment), "amount": fmt(payment.amount)}


def patron_json(event: Event, patron: Patron) -> dict[str, Any]:
    due = event.due_from(patron.patron_id)
    return {
        "patron_id": patron.patron_id,
        "name": patron.name,
        "email": patron.email,
        "phone": patron.phone,
        "amount_due": None if patron.amount_due is None else fmt(patron.amount_due),
        "amount_paid": fmt(event.paid_by(patron.patron_id)),
        "balance_due": None if due is None else fmt(due),
        "cleared": event.patron_cleared(patron.patron_id),
    }


def event_json(event: Event) -> dict[str, Any]:
    """The event as API clients see it (money as strings with two decimals)."""
    return {
        "event_id": event.event_id,
        "date": event.date,
        "title": event.title,
        "total": fmt(event.total),
        "paid_total": fmt(event.paid_total),
        "balance_due": fmt(event.balance_due),
        "payment_cleared": event.payment_cleared,
        "payment_amount": fmt(event.paid_total),
        "payment_timestamp": event.payment_timestamp,
        "payment_logged_by": event.payment_logged_by,
        "patrons": [patron_json(event, p) for p in event.patrons],
        "crew": [{"crew_id": c.crew_id, "role": c.role} for c in event.crew],
        "payments": [payment_json(p) for p in event.payments],
        "waivers_signed": event.waivers_signed,
    }
