"""A signature's record: made from a checked form and the text as it is now (no store calls
here; scc.waivers.signing reads and writes, scc.store.items translates)."""

from __future__ import annotations

import secrets
from typing import Any

from scc import clock
from scc.models import Event, Signer, Waiver
from scc.store.items import waiver_fields
from scc.waivers import text as waiver_text


def current_text(event: Event) -> tuple[dict[str, str], str]:
    """The current waiver text's values for this trip, and the SHA-256 of the text."""
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
    compact = signed_at.replace("-", "").replace(":", "").replace(".", "")
    context, text_sha256 = text or current_text(event)
    return Waiver(
        **vars(signer),  # shallow: the minors stay Minor records
        event_id=event.event_id,
        waiver_id=f"{compact}-{secrets.token_hex(6)}",
        signed_at=signed_at,
        agreed=True,
        waiver_version=waiver_text.CURRENT,
        text_sha256=text_sha256,
        text_context=context,
        ip=ip,
        user_agent=user_agent[:400],
    )


def to_json(w: Waiver) -> dict[str, Any]:
    data = waiver_fields(w)
    del data["text_context"]  # internal: the values the text was rendered from
    return data
