"""Personal payment links: `/g/<eid>/payment?p=<token>`, the token signed with SECRET_KEY.

The token names one patron of one event; it does not expire (a patron may open the text message
weeks later) and carries nothing secret, only ids. A token for another event is not valid; one
issued before the trip was rescheduled still is (the trip lists its earlier ids).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from flask import url_for
from itsdangerous import BadSignature, URLSafeSerializer

from scc.keys import Keys, signing_keys

SALT = "scc-patron-pay-link"
MAX_TOKEN = 512


def issue(secret: Keys, event_id: str, patron_id: str) -> str:
    """Sign a link token for one patron of one event."""
    token: str = URLSafeSerializer(secret, salt=SALT).dumps([event_id, patron_id])
    return token


class Links(NamedTuple):
    waiver: str  # the waiver page with their name and email filled in (their signature matches)
    pay: str  # what they owe and how to pay


def urls(event_id: str, patron_id: str) -> Links:
    """A patron's own waiver and pay links, one token for both (in a request or app context).

    They are paths: behind CloudFront the Lambda sees its own host, not the public one, so the
    browser (app.js, [data-copy]) makes a copied one absolute, and notices prefix SCC_SITE_URL."""
    token = issue(signing_keys(), event_id, patron_id)
    return Links(
        waiver=url_for("patrons.waiver", eid=event_id, p=token),
        pay=url_for("patrons.payment", eid=event_id, p=token),
    )


def read(secret: Keys, token: str | None, event_id: str, earlier: Iterable[str] = ()) -> str | None:
    """The patron id in a token issued for this event (or for one of its `earlier` ids, before
    it was rescheduled); None when missing, forged or foreign."""
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        body = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    match body:
        case [str(eid), str(patron_id)] if eid in (event_id, *earlier):
            return patron_id
    return None
