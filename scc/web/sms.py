"""How to reach a patron from the crew member's own phone: `tel:` and `sms:` links (RFC 3966,
RFC 5724), the number from the manifest or else from the waiver matched to them, and the text a
patron who still misses something is sent (what they miss, with their own links). RFC 5724
writes the body as `?body=`; iOS reads it after `&`, so `?&body=` works on both. The board's
Query reads no contacts: these links live in the patron's Contact dialog, which reads the trip
(and their waiver)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app

from scc import paylinks
from scc.models import Event, Patron, Waiver
from scc.money import fmt


def text(event: Event, patron: Patron) -> str:
    """The message: the trip, and each thing they miss with their own link."""
    site = current_app.config.get("SITE_URL", "")
    links = paylinks.urls(event.event_id, patron.patron_id)
    need = event.missing(patron.patron_id)
    parts = [f"Hi {patron.name}, about your trip {event.title} on {event.date}:"]
    if "waiver" in need:
        parts.append(f"please sign the waiver at {site}{links.waiver}")
    if "balance" in need:
        due = fmt(event.due_from(patron.patron_id) or 0)
        parts.append(f"{'and ' if len(parts) > 1 else ''}${due} is still due: {site}{links.pay}")
    return " ".join(parts)


def _number(phone: str) -> str:
    """A phone as a URI carries it: digits and a leading +."""
    return re.sub(r"[^\d+]", "", phone)


def tel_href(phone: str) -> str:
    return f"tel:{_number(phone)}"


def sms_href(phone: str, body: str = "") -> str:
    """`sms:<number>`, with `?&body=<the text>` when there is one."""
    return f"sms:{_number(phone)}" + (f"?&body={quote(body, safe='')}" if body else "")


@dataclass(frozen=True)
class Reach:
    """How to reach a patron: their phone (and where it came from: `manifest` or `waiver`),
    the text a reminder would say (empty when they miss nothing, or the trip is cancelled),
    their email, and the emergency contact from their waiver."""

    phone: str | None
    phone_from: str
    reminder: str
    email: str | None
    emergency: tuple[str, str] | None  # (name, phone)

    @property
    def call(self) -> str | None:
        return tel_href(self.phone) if self.phone else None

    @property
    def text(self) -> str | None:
        return sms_href(self.phone, self.reminder) if self.phone else None

    @property
    def emergency_call(self) -> str | None:
        return tel_href(self.emergency[1]) if self.emergency else None


def reach(event: Event, patron: Patron, waiver: Waiver | None) -> Reach:
    """How to reach a patron of this trip, from the manifest and the waiver matched to them."""
    phone, source = patron.phone, "manifest"
    if not phone and waiver is not None and waiver.phone:
        phone, source = waiver.phone, "waiver"
    email = patron.email or (waiver.email if waiver is not None else None)
    missing = not event.cancelled and event.missing(patron.patron_id)
    emergency = (
        (waiver.emergency_contact_name, waiver.emergency_contact_phone)
        if waiver is not None
        else None
    )
    return Reach(
        phone=phone or None,
        phone_from=source if phone else "",
        reminder=text(event, patron) if missing else "",
        email=email or None,
        emergency=emergency,
    )
