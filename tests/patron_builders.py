"""Builders for the patron pages' tests (keyword-only, override what a test is about)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scc.models import CrewMember, Event, Patron

XSS = '<script>alert("x")</script>'
QUOTEY = 'O\'Brien & "Sons"'


# The waiver form's text inputs (the checkbox "agree" and the minors' rows aside).
TEXT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "emergency_contact_name",
    "emergency_contact_phone",
    "signature",
)


def waiver_form(**overrides: Any) -> dict[str, Any]:
    """A valid POST /g/<eid>/waiver body; a None override leaves that field out."""
    form: dict[str, Any] = {
        "full_name": "Dana Lee",
        "email": "dana@example.com",
        "phone": "619-555-0134",
        "date_of_birth": "1990-04-12",
        "emergency_contact_name": "Sam Lee",
        "emergency_contact_phone": "619-555-0199",
        "agree": "yes",
        "signature": "Dana Lee",
        **overrides,
    }
    return {k: v for k, v in form.items() if v is not None}


def trip(
    *,
    event_id: str = "2030-05-23-captain-cory-afternoon",
    title: str = "Whale watching",
    patrons: list[Patron] | None = None,
) -> Event:
    """An event as the store takes it."""
    return Event(
        event_id=event_id,
        date=event_id[:10],
        title=title,
        total=Decimal("400.00"),
        patrons=patrons
        if patrons is not None
        else [
            Patron(patron_id="dana", name="Dana Lee", amount_due=Decimal("200.00")),
            Patron(patron_id="sam", name="Sam Ortiz", amount_due=Decimal("200.00")),
        ],
        crew=[CrewMember(crew_id="cory", role="captain")],
    )
