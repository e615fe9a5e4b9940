"""What the bookkeeper and the dock get as rows: a trip's manifest, and every payment, void and
refund of the trips in a date range (read through the by-date index, never a Scan)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from scc import validation
from scc.errors import Invalid
from scc.models import Event
from scc.money import fmt

MAX_DAYS = 366
MANIFEST_HEADER = (
    "patron_id", "name", "email", "phone", "amount_due", "paid", "balance_due",
    "waiver_signed", "check_in", "checked_in_by", "checked_in_at",
)  # fmt: skip
LEDGER_HEADER = (
    "trip_date", "event_id", "title", "patron_id", "patron_name", "kind", "amount", "method",
    "by", "at", "notes", "voided", "voided_by", "voided_at", "void_reason",
)  # fmt: skip


def manifest_rows(event: Event) -> Iterator[tuple[object, ...]]:
    for p in event.patrons:
        check = event.check_ins.get(p.patron_id)
        due = event.due_from(p.patron_id)
        yield (
            p.patron_id,
            p.name,
            p.email or "",
            p.phone or "",
            "" if p.amount_due is None else fmt(p.amount_due),
            fmt(event.paid_by(p.patron_id)),
            "" if due is None else fmt(due),
            "yes" if event.waiver_signed(p.patron_id) else "no",
            check.status if check else "",
            check.by if check else "",
            check.at if check else "",
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
