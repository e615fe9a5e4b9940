"""The one translator between DynamoDB items and SCC's dataclasses (trips, waivers, members),
typed with boto3's TypeSerializer and TypeDeserializer; their keys are scc.store.keys'."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from scc.models import (
    SCHEDULED,
    Cancellation,
    CheckIn,
    CrewMember,
    Entry,
    Event,
    Minor,
    Patron,
    Payment,
    Refund,
    Reminder,
    Waiver,
)
from scc.money import ZERO, to_cents
from scc.store import keys

# patron_due holds each patron's headroom for the conditional payment write; a patron without a
# share gets this sentinel, so the same condition (headroom >= amount) works for everyone.
NO_SHARE_HEADROOM = Decimal("1000000000000.00")

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """Python values as DynamoDB types them (Decimal for numbers; floats are refused)."""
    return {k: _serializer.serialize(v) for k, v in item.items()}


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def _drop_none(value: Any) -> Any:
    """Leave out None values (recursively), so DynamoDB never stores NULLs we did not mean."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def compact(item: Mapping[str, Any]) -> dict[str, Any]:
    return dict(_drop_none(dict(item)))


# --- trips -------------------------------------------------------------------------------------


def event_to_item(event: Event) -> dict[str, Any]:
    """A new trip's record (python values; the store types them)."""
    item = {
        **keys.event(event.event_id),
        "board": keys.BOARD,
        "board_sk": keys.board_sort_key(event.date, event.event_id),
        "date": event.date,
        "title": event.title,
        "total": to_cents(event.total),
        "patrons": [patron_to_map(p) for p in event.patrons],
        "contacts": contacts_map(event.patrons),
        "crew": [asdict(c) for c in event.crew],
        # The ledger (scc.store.ledger_changes): payments by patron (those taken off the manifest
        # too), then payment id; payment_index keeps each id unique across the trip, patron_due
        # each patron's headroom, so one conditional UpdateItem can refuse an overpayment.
        "payments": {
            patron_id: {pay.payment_id: payment_to_map(pay) for pay in event.payments_of(patron_id)}
            for patron_id in dict.fromkeys(
                [*(p.patron_id for p in event.patrons), *(pay.patron_id for pay in event.payments)]
            )
        },
        "payment_index": {pay.payment_id: pay.patron_id for pay in event.payments},
        "patron_paid": paid_map(event),
        "patron_due": due_map(event),
        "payment_amount": to_cents(event.paid_total),
        "balance_due": event.balance_due,
        # Stored for readers of the table other than this app (reports, exports, the old
        # Events table's consumers), which read it rather than compare amounts themselves.
        "payment_cleared": event.payment_cleared,
        "payment_timestamp": event.payment_timestamp,
        "payment_logged_by": event.payment_logged_by,
        # A counter (ADD) that starts missing, as patron_paid's entries do: no zero on every card.
        "waivers_signed": event.waivers_signed or None,
        "waiver_by_patron": dict(event.waiver_by_patron),
        "waivers_unmatched": dict(event.waivers_unmatched),
        "check_in": {pid: asdict(c) for pid, c in event.check_ins.items()},
        "refunds": {r.refund_id: refund_to_map(r) for r in event.refunds},
        "status": event.status,
        "cancelled": asdict(event.cancellation) if event.cancellation else None,
        "period": event.period,
        "boat": event.boat,
        "headcount": event.headcount if event.boat else None,
        "moved_from": list(event.moved_from) or None,
        "activity": [entry_to_map(e) for e in event.activity],
        "activity_folded": event.activity_folded or None,
        "rev": event.rev,
        "created_at": event.created_at,
        "created_by": event.created_by,
        "reminders": {pid: reminder_to_map(r) for pid, r in event.reminders.items()},
        "reminders_off": event.reminders_off or None,
    }
    return compact(item)


def paid_map(event: Event) -> dict[str, Decimal]:
    """What each patron on the manifest has paid, net; none who paid nothing (the board reads
    this map on every card, and a missing entry reads as 0.00)."""
    paid = {p.patron_id: event.paid_by(p.patron_id) for p in event.patrons}
    return {patron_id: amount for patron_id, amount in paid.items() if amount}


def due_map(event: Event) -> dict[str, Decimal]:
    """Each patron's headroom on the manifest, for the conditional payment write: what their
    share still lacks, or NO_SHARE_HEADROOM when they have no share."""
    return {
        p.patron_id: NO_SHARE_HEADROOM
        if p.amount_due is None
        else to_cents(p.amount_due - event.paid_by(p.patron_id))
        for p in event.patrons
    }


def entry_to_map(entry: Entry) -> dict[str, Any]:
    return compact(asdict(entry))


def entry_from_map(data: Mapping[str, Any]) -> Entry:
    at = data.get("patron_at")
    return Entry(
        at=data["at"],
        by=data["by"],
        action=data["action"],
        summary=data["summary"],
        patron_id=data.get("patron_id"),
        patron_at=None if at is None else int(at),
    )


def refund_to_map(refund: Refund) -> dict[str, Any]:
    """The stored form of a refund (its id is the map key above it)."""
    data = {k: v for k, v in asdict(refund).items() if k != "refund_id"}
    return {**data, "amount": to_cents(refund.amount)}


def refund_from_map(refund_id: str, data: Mapping[str, Any]) -> Refund:
    told = {k: data.get(k, "") for k in ("reason", "timestamp", "logged_by")}
    method, amount = data.get("method", "other"), to_cents(data["amount"])
    lower = bool(data.get("lower_due", False))  # refunds stored before lower_due left the due
    return Refund(
        refund_id=refund_id, patron_id=data["patron_id"], amount=amount, method=method,
        lower_due=lower, **told,
    )  # fmt: skip


def crew_item(event: Event, member: CrewMember) -> dict[str, Any]:
    """A crew member's assignment to a trip: an item in the trip's collection, keyed by crew id."""
    return {**keys.in_trip(event.event_id, member.crew_id), "role": member.role, "date": event.date}


def patron_to_map(patron: Patron) -> dict[str, Any]:
    """A manifest entry as the card needs it (money in cents, nothing for what is unknown); the
    patron's email and phone are kept apart, in contacts_map, which the board does not read."""
    due = None if patron.amount_due is None else to_cents(patron.amount_due)
    party = None if patron.party == 1 else patron.party  # most bookings are one person
    return compact(
        {"patron_id": patron.patron_id, "name": patron.name, "amount_due": due} | {"party": party}
    )


def patron_from_map(entry: Mapping[str, Any], contacts: Mapping[str, Any]) -> Patron:
    """A manifest entry, with the patron's email and phone from contacts_map (or, in a record
    written before contacts were kept apart, from the entry)."""
    contact = contacts.get(entry["patron_id"], entry)
    due = entry.get("amount_due")
    return Patron(
        patron_id=entry["patron_id"],
        name=entry["name"],
        email=contact.get("email"),
        phone=contact.get("phone"),
        amount_due=None if due is None else to_cents(due),
        party=int(entry.get("party", 1)),
    )


def contacts_map(patrons: list[Patron]) -> dict[str, dict[str, str]]:
    """How to reach each patron who left an email or a phone, by patron id."""
    contacts = {p.patron_id: _drop_none({"email": p.email, "phone": p.phone}) for p in patrons}
    return {pid: found for pid, found in contacts.items() if found}


def payment_to_map(payment: Payment) -> dict[str, Any]:
    """The stored form of a payment (its ids are the map keys above it)."""
    data = {k: v for k, v in asdict(payment).items() if k not in ("payment_id", "patron_id")}
    return compact({**data, "amount": to_cents(payment.amount)})


def payment_from_map(patron_id: str, payment_id: str, data: Mapping[str, Any]) -> Payment:
    void = {k: data.get(k) for k in ("voided_by", "voided_at", "void_reason")}
    return Payment(
        payment_id=payment_id,
        patron_id=patron_id,
        amount=to_cents(data["amount"]),
        method=data["method"],
        timestamp=data["timestamp"],
        logged_by=data["logged_by"],
        notes=data.get("notes", ""),
        payment_intent=data.get("payment_intent"),
        voided=bool(data.get("voided", False)),
        **void,
    )


def event_from_item(item: Mapping[str, Any]) -> Event:
    """A trip from its stored record (whole, or the board's projection of it)."""
    payments = sorted(
        (
            payment_from_map(patron_id, payment_id, data)
            for patron_id, entries in item.get("payments", {}).items()
            for payment_id, data in entries.items()
        ),
        key=lambda p: (p.timestamp, p.payment_id),
    )
    refunds = [refund_from_map(k, data) for k, data in item.get("refunds", {}).items()]
    cancelled, contacts = item.get("cancelled"), item.get("contacts", {})
    return Event(
        event_id=item["eid"],
        date=item["date"],
        title=item.get("title", ""),
        total=to_cents(item.get("total", ZERO)),
        patrons=[patron_from_map(p, contacts) for p in item.get("patrons", [])],
        crew=[CrewMember(crew_id=c["crew_id"], role=c["role"]) for c in item.get("crew", [])],
        payments=payments,
        paid_total=to_cents(item.get("payment_amount", ZERO)),
        patron_paid={k: to_cents(v) for k, v in item.get("patron_paid", {}).items()},
        payment_timestamp=item.get("payment_timestamp"),
        payment_logged_by=item.get("payment_logged_by"),
        refunds=sorted(refunds, key=lambda r: (r.timestamp, r.refund_id)),
        waivers_signed=int(item.get("waivers_signed", 0)),
        waiver_by_patron={str(k): str(v) for k, v in item.get("waiver_by_patron", {}).items()},
        waivers_unmatched={str(k): str(v) for k, v in item.get("waivers_unmatched", {}).items()},
        check_ins={
            pid: CheckIn(status=c["status"], by=c.get("by", ""), at=c.get("at", ""))
            for pid, c in item.get("check_in", {}).items()
        },
        status=item.get("status", SCHEDULED),
        cancellation=Cancellation(**cancelled) if cancelled else None,
        period=item.get("period"),
        boat=item.get("boat"),
        moved_from=list(item.get("moved_from", [])),
        activity=[entry_from_map(e) for e in item.get("activity", [])],
        activity_folded=int(item.get("activity_folded", 0)),
        rev=int(item.get("rev", 0)),
        created_at=item.get("created_at"),
        created_by=item.get("created_by"),
        reminders={pid: reminder_from_map(r) for pid, r in item.get("reminders", {}).items()},
        reminders_off=bool(item.get("reminders_off", False)),
    )


def reminder_to_map(r: Reminder) -> dict[str, Any]:
    return {**asdict(r), "missing": list(r.missing)}


def reminder_from_map(data: Mapping[str, Any]) -> Reminder:
    return Reminder(
        mark=int(data["mark"]),
        status=str(data["status"]),
        at=str(data.get("at", "")),
        missing=tuple(data.get("missing", ())),
        run=str(data.get("run", "")),
        tries=int(data.get("tries", 0)),
        why=str(data.get("why", "")),
    )


# --- signed waivers ----------------------------------------------------------------------------


def waiver_fields(w: Waiver) -> dict[str, Any]:
    """A waiver's fields as plain values (minors as a list of maps), for items and JSON."""
    return asdict(w) | {"minors": [asdict(m) for m in w.minors]}


def waiver_to_item(w: Waiver) -> dict[str, Any]:
    data = {k: v for k, v in waiver_fields(w).items() if k != "event_id" and v is not None}
    return {**keys.waiver(w.event_id, w.waiver_id), **data}


_WAIVER_TEXTS = ("email", "date_of_birth", "emergency_contact_name", "emergency_contact_phone",
                 "signature", "waiver_version", "text_sha256", "ip", "user_agent")  # fmt: skip


def waiver_from_item(item: Mapping[str, Any]) -> Waiver:
    return Waiver(
        event_id=item["eid"],
        waiver_id=item["waiver_id"],
        signed_at=item["signed_at"],
        full_name=item["full_name"],
        phone=item.get("phone"),
        minors=tuple(Minor(m["name"], m["date_of_birth"]) for m in item.get("minors", [])),
        agreed=bool(item.get("agreed", False)),
        text_context={str(k): str(v) for k, v in item.get("text_context", {}).items()},
        **{k: item.get(k, "") for k in _WAIVER_TEXTS},
    )


def waivers_among(items: Iterable[Mapping[str, Any]]) -> list[Waiver]:
    """The signed waivers among a trip's collection items, in their order."""
    return [waiver_from_item(i) for i in items if keys.is_waiver(i["crew_id"])]
