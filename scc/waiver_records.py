"""A signed waiver's record: the dataclass, its id and sort key, and the one translator between
it and its DynamoDB item (and JSON). No store calls here; scc.waivers reads and writes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scc import clock, waiver_text
from scc.errors import NotFound
from scc.models import WAIVER_SK_PREFIX, Event
from scc.waiver_form import Minor, Signer

_WAIVER_ID = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-([0-9a-f]{12})")


@dataclass(frozen=True, kw_only=True)
class Waiver:
    event_id: str
    waiver_id: str
    signed_at: str  # ISO 8601 UTC with milliseconds
    full_name: str
    email: str
    phone: str | None
    date_of_birth: str
    emergency_contact_name: str
    emergency_contact_phone: str
    minors: tuple[Minor, ...]
    agreed: bool
    signature: str
    waiver_version: str
    text_sha256: str
    text_context: dict[str, str] = field(default_factory=dict)
    ip: str
    user_agent: str

    @property
    def sort_key(self) -> str:
        return sort_key(self.waiver_id)

    def text(self) -> str:
        """Re-render the exact text that was signed, from the stored version and values."""
        return waiver_text.render(self.waiver_version, self.text_context)

    def checked_text(self) -> tuple[str, bool]:
        """The re-rendered text and whether it hashes to what was stored ("" and False when the
        version or its values are unknown)."""
        try:
            text = self.text()
        except Exception:  # unknown version or missing values: it does not match
            return "", False
        return text, waiver_text.sha256(text) == self.text_sha256

    def text_matches(self) -> bool:
        return self.checked_text()[1]


def sort_key(waiver_id: str) -> str:
    """`20261121T223714123Z-a1b2c3d4e5f6` -> `#waiver#2026-11-21T22:37:14.123Z#a1b2c3d4e5f6`."""
    m = _WAIVER_ID.fullmatch(waiver_id)
    if m is None:
        raise NotFound("There is no such waiver.")
    return f"{WAIVER_SK_PREFIX}{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}.{m[7]}Z#{m[8]}"


def new_waiver_id(signed_at: str) -> str:
    compact = signed_at.replace("-", "").replace(":", "").replace(".", "")
    return f"{compact}-{secrets.token_hex(6)}"


def current_text(event: Event) -> tuple[dict[str, str], str]:
    """The current waiver text's values for this event, and the SHA-256 of the text."""
    context, text = waiver_text.current(event)
    return context, waiver_text.sha256(text)


def build(
    event: Event,
    signer: Signer,
    *,
    ip: str,
    user_agent: str,
    text: tuple[dict[str, str], str] | None = None,
) -> Waiver:
    """The record of a signature now: the signer's fields and the text's version and hash
    (`text`: current_text(event), when the caller has it already)."""
    signed_at = clock.iso(clock.now(), millis=True)
    context, text_sha256 = text or current_text(event)
    return Waiver(
        **vars(signer),  # shallow: the minors stay Minor records
        event_id=event.event_id,
        waiver_id=new_waiver_id(signed_at),
        signed_at=signed_at,
        agreed=True,
        waiver_version=waiver_text.CURRENT,
        text_sha256=text_sha256,
        text_context=context,
        ip=ip,
        user_agent=user_agent[:400],
    )


# --- item <-> record ----------------------------------------------------------------------------


def _fields(w: Waiver) -> dict[str, Any]:
    """The waiver's fields as plain values (a shallow copy: all but these two are immutable)."""
    minors = [dict(vars(minor)) for minor in w.minors]  # items and JSON want a list of maps
    return {**vars(w), "minors": minors, "text_context": dict(w.text_context)}


def to_item(w: Waiver) -> dict[str, Any]:
    data = _fields(w)
    del data["event_id"]
    if not w.phone:
        del data["phone"]
    return {"eid": w.event_id, "crew_id": w.sort_key, **data}


def from_item(item: Mapping[str, Any]) -> Waiver:
    return Waiver(
        event_id=item["eid"],
        waiver_id=item["waiver_id"],
        signed_at=item["signed_at"],
        full_name=item["full_name"],
        email=item.get("email", ""),
        phone=item.get("phone"),
        date_of_birth=item.get("date_of_birth", ""),
        emergency_contact_name=item.get("emergency_contact_name", ""),
        emergency_contact_phone=item.get("emergency_contact_phone", ""),
        minors=tuple(Minor(m["name"], m["date_of_birth"]) for m in item.get("minors", [])),
        agreed=bool(item.get("agreed", False)),
        signature=item.get("signature", ""),
        waiver_version=item.get("waiver_version", ""),
        text_sha256=item.get("text_sha256", ""),
        text_context={str(k): str(v) for k, v in item.get("text_context", {}).items()},
        ip=item.get("ip", ""),
        user_agent=item.get("user_agent", ""),
    )


def to_json(w: Waiver) -> dict[str, Any]:
    data = _fields(w)
    del data["text_context"]  # internal: the values the text was rendered from
    return data
