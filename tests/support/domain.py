"""Writes and reads through the domain, without HTTP: a member on the roster, a signed waiver,
the waivers stored."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import bcrypt

from scc.models import Event, Member
from scc.patrons.forms import signer
from scc.store import Store, admin, keys, roster
from scc.waivers import signing
from tests.support.builders import TRIP_ID, waiver_form

TODAY = date(2026, 11, 21)  # "today" for the waiver form's rules in the signing tests


def on_roster(
    store: Store, crew_id: str = "cory", role: str = "owner", password: str | None = None
) -> None:
    """Put a member on the roster (with their own password when given; else not yet enrolled,
    so the shared password still works for them)."""
    roster.add(
        store,
        Member(crew_id=crew_id, name=crew_id.title(), role=role),
        link_hash="",
        link_expires=0,
    )
    if password is not None:
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
        roster.set_password(store, crew_id, hashed, link_hash=None)


def check(**fields: Any) -> Any:
    """The waiver form's check for a form built from these fields (minors: (name, dob) rows)."""
    rows = fields.pop("minors", [])

    def run(event: Event) -> Any:
        return signer(waiver_form(**fields), rows, trip=date.fromisoformat(event.date), today=TODAY)

    return run


def sign(
    store: Store, eid: str = TRIP_ID, *, ip: str = "203.0.113.9", nonce: str = "", **fields: Any
) -> signing.Outcome:
    """Sign a waiver through the domain (no HTTP)."""
    return signing.submit(
        store,
        eid,
        ip=ip,
        nonce=nonce or secrets.token_urlsafe(16),
        check=check(**fields),
        user_agent="pytest-phone",
    )


def stored_waivers(store: Store) -> list[dict[str, Any]]:
    """Every signed waiver item in the table."""
    return [
        item
        for eid in set(admin.partition_keys(store))
        for item in store.collection(eid, keys.WAIVER_PREFIX)
    ]
