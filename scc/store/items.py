"""The one translator between DynamoDB items and SCC's dataclasses (trips, waivers, members),
typed with boto3's TypeSerializer and TypeDeserializer; their keys are scc.store.keys'."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from scc.models import (
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

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")

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


# A stored value as a dataclass field of this type holds it (DynamoDB numbers are Decimals).
_AS_TYPED: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "int | None": int,
    "bool": bool,
    "Decimal": to_cents,
    "Decimal | None": to_cents,
    "tuple[str, ...]": tuple,
    "list[str]": list,
    "dict[str, str]": dict,
}


def from_map(cls: type[T], data: Mapping[str, Any], **made: Any) -> T:
    """A dataclass from a stored map: each of its fields the map holds, as the field is typed,
    and the dataclass's defaults for the others; `made`: the fields the caller made itself."""
    stored = {}
    for f in fields(cls):
        if f.name in data and f.name not in made:
            value, typed = data[f.name], _AS_TYPED.get(str(f.type))
            stored[f.name] = typed(value) if typed and value is not None else value
    return cls(**stored, **made)


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


def refund_to_map(refund: Refund) -> dict[str, Any]:
    """The stored form of a refund (its id is the map key above it)."""
    data = {k: v for k, v in asdict(refund).items() if k != "refund_id"}
    return {**data, "amount": to_cents(refund.amount)}


def refund_from_map(refund_id: str, data: Mapping[str, Any]) -> Refund:
    # lower_due: refunds stored before it existed left the due as it was
    told = {"method": "other", "reason": "", "timestamp": "", "logged_by": "", "lower_due": False}
    return from_map(Refund, {**told, **data}, refund_id=refund_id)


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
    return from_map(Patron, entry, email=contact.get("email"), phone=contact.get("phone"))


def contacts_map(patrons: list[Patron]) -> dict[str, dict[str, str]]:
    """How to reach each patron who left an email or a phone, by patron id."""
    contacts = {p.patron_id: _drop_none({"email": p.email, "phone": p.phone}) for p in patrons}
    return {pid: found for pid, found in contacts.items() if found}


def payment_to_map(payment: Payment) -> dict[str, Any]:
    """The stored form of a payment (its ids are the map keys above it)."""
    data = {k: v for k, v in asdict(payment).items() if k not in ("payment_id", "patron_id")}
    return compact({**data, "amount": to_cents(payment.amount)})


def event_from_item(item: Mapping[str, Any]) -> Event:
    """A trip from its stored record (whole, or the board's projection of it)."""
    payments = sorted(
        (
            from_map(Payment, data, payment_id=payment_id, patron_id=patron_id)
            for patron_id, entries in item.get("payments", {}).items()
            for payment_id, data in entries.items()
        ),
        key=lambda p: (p.timestamp, p.payment_id),
    )
    refunds = [refund_from_map(k, data) for k, data in item.get("refunds", {}).items()]
    cancelled, contacts = item.get("cancelled"), item.get("contacts", {})
    return from_map(
        Event,
        {"title": "", "total": ZERO, **item},
        event_id=item["eid"],
        patrons=[patron_from_map(p, contacts) for p in item.get("patrons", [])],
        crew=[CrewMember(crew_id=c["crew_id"], role=c["role"]) for c in item.get("crew", [])],
        payments=payments,
        paid_total=to_cents(item.get("payment_amount", ZERO)),
        patron_paid={k: to_cents(v) for k, v in item.get("patron_paid", {}).items()},
        refunds=sorted(refunds, key=lambda r: (r.timestamp, r.refund_id)),
        check_ins={
            pid: from_map(CheckIn, {"by": "", "at": "", **c})
            for pid, c in item.get("check_in", {}).items()
        },
        cancellation=Cancellation(**cancelled) if cancelled else None,
        activity=[from_map(Entry, e) for e in item.get("activity", [])],
        reminders={
            pid: from_map(Reminder, {"at": "", **r}) for pid, r in item.get("reminders", {}).items()
        },
    )


def reminder_to_map(r: Reminder) -> dict[str, Any]:
    return {**asdict(r), "missing": list(r.missing)}


# --- signed waivers ----------------------------------------------------------------------------


def waiver_fields(w: Waiver) -> dict[str, Any]:
    """A waiver's fields as plain values (minors as a list of maps), for items and JSON."""
    return asdict(w) | {"minors": [asdict(m) for m in w.minors]}


def waiver_to_item(w: Waiver) -> dict[str, Any]:
    data = {k: v for k, v in waiver_fields(w).items() if k != "event_id" and v is not None}
    return {**keys.waiver(w.event_id, w.waiver_id), **data}


# What a waiver stored before a field was kept reads as.
_WAIVER_UNSAID = dict.fromkeys(
    ("email", "date_of_birth", "emergency_contact_name", "emergency_contact_phone", "signature",
     "waiver_version", "text_sha256", "ip", "user_agent"), "",
) | {"phone": None, "agreed": False}  # fmt: skip


def waiver_from_item(item: Mapping[str, Any]) -> Waiver:
    minors = tuple(Minor(m["name"], m["date_of_birth"]) for m in item.get("minors", []))
    return from_map(Waiver, {**_WAIVER_UNSAID, **item}, event_id=item["eid"], minors=minors)
