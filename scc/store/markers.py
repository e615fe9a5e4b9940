"""Markers: small items that say something was done once, expiring through the table's TTL. A
waiver form's submission (so a double tap stores one waiver) and a notice sent (so a redelivered
stream batch mails nobody twice)."""

from __future__ import annotations

from typing import Any

from scc.store import keys
from scc.store.gateway import Store


def submission(store: Store, event_id: str, form_id: str, waiver_id: str, until: int) -> Any:
    """A Put (for the signature's transaction) of a form's marker: refused when the form was
    submitted already."""
    item = {**keys.submission(event_id, form_id), "waiver_id": waiver_id, keys.TTL_ATTRIBUTE: until}
    return store.put_request(item, new=True)


def sent(store: Store, event_id: str, notice_key: str) -> bool:
    return store.get(keys.notified(event_id, notice_key)) is not None


def mark_sent(store: Store, event_id: str, notice_key: str, until: int) -> None:
    store.put({**keys.notified(event_id, notice_key), keys.TTL_ATTRIBUTE: until})
