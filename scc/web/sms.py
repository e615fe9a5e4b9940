"""The `sms:` link the card offers for a patron the reminders could not email: it opens the
crew member's own messages app with the text filled in (what they miss, with their own links).
RFC 5724 writes the body as `?body=`; iOS reads it after `&`, so `?&body=` works on both."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import current_app

from scc import paylinks
from scc.models import Event, Patron
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


def href(event: Event, patron: Patron) -> str:
    """`sms:<their phone>?&body=<the text>` (no number when none is on record or read)."""
    number = re.sub(r"[^\d+]", "", patron.phone or "")
    return f"sms:{number}?&body={quote(text(event, patron), safe='')}"
