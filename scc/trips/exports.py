"""What the bookkeeper and the dock get as rows: a trip's manifest as the captain files it (each
person with the emergency contact from their waiver, minors marked), and every payment, void and
refund of the trips in a date range (read through the by-date index, never a Scan)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from scc import matching, validation
from scc.errors import Invalid
from scc.models import Event, Patron, Waiver
from scc.money import fmt

MAX_DAYS = 366
MANIFEST_HEADER = (
    "patron_id", "name", "email", "phone", "amount_due", "paid", "balance_due",
    "waiver_signed", "check_in", "checked_in_by", "checked_in_at",
    "minor", "date_of_birth", "signed_for_by", "emergency_contact_name", "emergency_contact_phone",
)  # fmt: skip
LEDGER_HEADER = (
    "trip_date", "event_id", "title", "patron_id", "patron_name", "kind", "amount", "method",
    "by", "at", "notes", "voided", "voided_by", "voided_at", "void_reason",
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    """One person the manifest carries: a patron, or a minor named on a waiver who is not on the
    manifest themselves (patron None: they come with the signer's party). `waiver`: the signed
    waiver that covers them (their emergency contact), None when nobody signed for them;
    `signer`: for a minor, the name of who signed for them."""

    name: str
    patron: Patron | None
    waiver: Waiver | None
    born: str | None = None  # a minor's date of birth (None: not a minor)
    signer: str = ""

    @property
    def minor(self) -> bool:
        return self.born is not None


def people(event: Event, waivers: Iterable[Waiver]) -> Iterator[Person]:
    """Everyone on the manifest in its order, each with the waiver matched to them; under a
    signer, the minors their waiver names who are not on the manifest themselves."""
    by_id = {w.waiver_id: w for w in waivers}
    listed = {matching.name_key(p.name) for p in event.patrons}
    for p in event.patrons:
        waiver = by_id.get(event.waiver_by_patron.get(p.patron_id, ""))
        if waiver is None:
            yield Person(p.name, p, None)
            continue
        minor = matching.minor_named(waiver, p.name)
        if minor is not None:
            yield Person(p.name, p, waiver, minor.date_of_birth, waiver.full_name)
            continue
        yield Person(p.name, p, waiver)
        for m in waiver.minors:
            if matching.name_key(m.name) not in listed:
                yield Person(m.name, None, waiver, m.date_of_birth, waiver.full_name)


def manifest_rows(event: Event, waivers: Iterable[Waiver]) -> Iterator[tuple[object, ...]]:
    """A row per person: the patron's contact, money and check-in (blank for a minor who comes
    with a signer's party), then minor or not and the emergency contact from their waiver."""
    for person in people(event, waivers):
        w = person.waiver
        contact = (w.emergency_contact_name, w.emergency_contact_phone) if w else ("", "")
        minor = ("yes", person.born) if person.minor else ("no", "")
        yield (*_patron_cells(event, person), *minor, person.signer, *contact)


def _patron_cells(event: Event, person: Person) -> tuple[object, ...]:
    p = person.patron
    if p is None:  # a minor on a signer's waiver: signed for, checked in with the party
        return ("", person.name, "", "", "", "", "", "yes", "", "", "")
    check = event.check_ins.get(p.patron_id)
    checked = (check.status, check.by, check.at) if check else ("", "", "")
    due = event.due_from(p.patron_id)
    return (
        p.patron_id,
        p.name,
        p.email or "",
        p.phone or "",
        "" if p.amount_due is None else fmt(p.amount_due),
        fmt(event.paid_by(p.patron_id)),
        "" if due is None else fmt(due),
        "yes" if event.waiver_signed(p.patron_id) else "no",
        *checked,
    )


def ledger_rows(events: Iterable[Event]) -> Iterator[tuple[object, ...]]:
    """One row per payment (voided ones marked) and per refund, trip by trip, oldest first."""
    for e in events:
        trip = (e.date, e.event_id, e.title)
        for pay in e.payments:
            yield (
                *trip, pay.patron_id, e.name_of(pay.patron_id), "payment", fmt(pay.amount),
                pay.method, pay.logged_by, pay.timestamp, pay.notes,
                "yes" if pay.voided else "no", pay.voided_by or "", pay.voided_at or "",
                pay.void_reason or "",
            )  # fmt: skip
        for back in e.refunds:
            yield (
                *trip, back.patron_id, e.name_of(back.patron_id), "refund", fmt(back.amount),
                back.method, back.logged_by, back.timestamp, back.reason, "no", "", "", "",
            )  # fmt: skip


def date_range(first: object, last: object) -> tuple[date, date]:
    """from..to, both YYYY-MM-DD, in order, at most MAX_DAYS days."""
    errors = validation.FieldErrors()
    with errors.on("from"):
        start = validation.day(first, "from", "The first date")
    with errors.on("to"):
        end = validation.day(last, "to", "The last date")
    errors.raise_if_any()
    if end < start:
        raise Invalid("The last date is before the first.", "to")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"Export at most {MAX_DAYS} days at a time.", "to")
    return start, end
