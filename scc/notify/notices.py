"""What the table's stream means in email: a new payment on an event record is a note to the
admin; a new waiver is a note to the admin and, to the signer, a copy of the exact text signed.

Records come as DynamoDB Streams delivers them (typed JSON, old and new images). Nothing here
sends or reads the table: it turns one record into its messages, rendered from mail/ templates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scc.models import METHOD_LABELS, Waiver
from scc.money import fmt
from scc.notify import routes, trip_notices
from scc.notify.crew_notices import Emails, crew_notices
from scc.notify.message import Message, usable
from scc.notify.message import Notice as Notice
from scc.notify.trip_notices import Render
from scc.store.items import deserialize, event_from_item, waiver_from_item
from scc.waivers import text as waiver_text

log = logging.getLogger("scc.notify")


def record_keys(record: Mapping[str, Any]) -> tuple[str, str]:
    """The record's (eid, crew_id), for the log."""
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    return (keys.get("eid") or {}).get("S", ""), (keys.get("crew_id") or {}).get("S", "")


@dataclass(frozen=True)
class Context:
    """What a reader needs beside the record: where admin notes go, the mail templates, each
    patron's own waiver and pay links (for the notices that carry them), and crew members'
    addresses on the roster (crew alerts)."""

    admin: str | None
    render: Render
    links: trip_notices.Links
    crew: Emails


def from_record(record: Mapping[str, Any], say: Context) -> list[Notice]:
    """The messages one stream record calls for (none for most records)."""
    route = routes.route_of(record)
    if route is None:
        return []  # counters, sent-markers, crew items, removals: nothing to say
    return READERS[route.name](record.get("dynamodb") or {}, say)


def trip_changed(data: Mapping[str, Any], say: Context) -> list[Notice]:
    """A MODIFY of a trip's record: new payments, voids and refunds; a cancellation; crew put on
    or taken off; or the trip moving back to an id that held its pointer (A → B → A), which is
    news of a new date (as an arrival is), not of every payment the trip carries."""
    if trip_notices.is_back_at_earlier_id(data):
        return trip_arrived(data, say)
    notices = ledger_notices(data, admin=say.admin, render=say.render)
    if trip_notices.is_cancelled(data):
        notices += trip_notices.cancelled(data, render=say.render)
    return notices + crew_notices("MODIFY", data, emails=say.crew, render=say.render)


def trip_arrived(data: Mapping[str, Any], say: Context) -> list[Notice]:
    """A trip's record where there was none: its crew put on a new trip, or a rescheduled trip at
    its new id (its crew and its patrons told of the new date)."""
    notices = crew_notices("INSERT", data, emails=say.crew, render=say.render)
    if trip_notices.is_rescheduled(data):
        notices += trip_notices.rescheduled(data, render=say.render, links=say.links)
    return notices


def _keys(image: Mapping[str, Any] | None, attribute: str) -> set[str]:
    """The keys of one of a typed image's maps (payment_index, refunds), read without
    translating the image."""
    return set(((image or {}).get(attribute) or {}).get("M", {}))


def _voided_ids(image: Mapping[str, Any] | None) -> set[str]:
    """The ids of voided payments in a typed image, read without translating it."""
    found = set()
    for patron in ((image or {}).get("payments") or {}).get("M", {}).values():
        for key, pay in patron.get("M", {}).items():
            if pay.get("M", {}).get("voided", {}).get("BOOL"):
                found.add(key)
    return found


def ledger_notices(data: Mapping[str, Any], *, admin: str | None, render: Render) -> list[Notice]:
    """A note to the admin for each payment logged, refund recorded and payment voided by this
    write (none for most writes of the record: edits, waiver counts)."""
    old, new = data.get("OldImage"), data.get("NewImage")
    paid = _keys(new, "payment_index") - _keys(old, "payment_index")
    refunds = _keys(new, "refunds") - _keys(old, "refunds")
    voids = _voided_ids(new) - _voided_ids(old)
    if not (paid or refunds or voids):
        return []
    event = event_from_item(deserialize(new or {}))
    if not admin:
        log.warning(
            "notify: SCC_ADMIN_EMAIL is not set; ledger notes of %s not sent", event.event_id
        )
        return []
    title = f"{event.title or event.event_id}, {event.date}"

    def note(key: str, kind: str, subject: str, template: str, context: dict[str, Any]) -> Notice:
        text, html = render(template, {"event": event, **context})
        message = Message(to=str(admin), subject=f"{subject} – {title}", text=text, html=html)
        return Notice(key, kind, message)

    notices = []
    for pay in (p for p in event.payments if p.payment_id in paid):
        name, method = event.name_of(pay.patron_id), METHOD_LABELS.get(pay.method, pay.method)
        due = event.due_from(pay.patron_id)
        context = {"payment": pay, "patron_name": name, "method": method, "patron_due": due}
        subject = f"Payment logged: ${fmt(pay.amount)} from {name} ({method})"
        key = f"payment#{pay.payment_id}"
        notices.append(note(key, "payment_logged", subject, "payment_logged", context))
    for back in (r for r in event.refunds if r.refund_id in refunds):
        name = event.name_of(back.patron_id)
        key = f"refund#{back.refund_id}"
        subject = f"Refund recorded: ${fmt(back.amount)} to {name}"
        context = {"kind": "refund", "refund": back, "patron_name": name}
        notices.append(note(key, "refund_recorded", subject, "ledger_change", context))
    for pay in (p for p in event.payments if p.payment_id in voids):
        name = event.name_of(pay.patron_id)
        key = f"void#{pay.payment_id}"
        subject = f"Payment voided: ${fmt(pay.amount)} from {name}"
        context = {"kind": "void", "payment": pay, "patron_name": name}
        notices.append(note(key, "payment_voided", subject, "ledger_change", context))
    return notices


def waiver_signed(data: Mapping[str, Any], say: Context) -> list[Notice]:
    """A note to the admin, and to the signer a copy of the exact text signed."""
    if "moved_from" in (data.get("NewImage") or {}):
        return []  # a signed waiver moving with its rescheduled trip: sent when it was signed
    admin, render = say.admin, say.render
    waiver = waiver_from_item(deserialize(data.get("NewImage") or {}))
    where = f"{waiver.event_id}/{waiver.waiver_id}"
    trip = waiver.text_context
    title = f"{trip.get('event_title') or waiver.event_id}, {trip.get('event_date', '')}"
    signed_text, text_ok = waiver_text.checked(waiver)
    if not text_ok:
        log.error(
            "notify: waiver %s: the re-rendered text does not match its stored SHA-256; "
            "no copy is sent to the signer",
            where,
        )
    notices = []
    if admin:
        context = {"waiver": waiver, "trip": trip, "text_ok": text_ok}
        text, html = render("waiver_signed_admin", context)
        subject = f"Waiver signed: {waiver.full_name} – {title}"
        message = Message(to=admin, subject=subject, text=text, html=html)
        notices.append(Notice(f"waiver#{waiver.waiver_id}#admin", "waiver_signed_admin", message))
    else:
        log.warning("notify: SCC_ADMIN_EMAIL is not set; waiver note of %s not sent", where)
    if text_ok:
        copy = _copy(waiver, signed_text, trip, where, render)
        if copy is not None:
            notices.append(copy)
    return notices


def _copy(
    waiver: Waiver, signed_text: str, trip: Mapping[str, str], where: str, render: Render
) -> Notice | None:
    """The signer's copy: the exact text they signed, and what they filled in."""
    to = usable(waiver.email, "The signer's email", unsent=f"No copy of waiver {where} sent.")
    if to is None:
        return None
    context = {"waiver": waiver, "trip": trip, "waiver_text": signed_text}
    text, html = render("waiver_copy", context)
    day = trip.get("event_day") or trip.get("event_date", "")
    subject = f"Your signed waiver – {trip.get('event_title') or waiver.event_id}, {day}"
    message = Message(to=to, subject=subject, text=text, html=html)
    return Notice(f"waiver#{waiver.waiver_id}#copy", "waiver_copy", message)


Reader = Callable[[Mapping[str, Any], Context], list[Notice]]
# What each route of scc.notify.routes means in mail (a test holds the two in step).
READERS: dict[str, Reader] = {
    "trip_changed": trip_changed,
    "trip_arrived": trip_arrived,
    "waiver_signed": waiver_signed,
}
