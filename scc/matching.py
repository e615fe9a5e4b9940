"""Signed waivers matched to the manifest: a signer is the patron with their email, else the one
with their name (case and spacing ignored); each minor they sign for is matched by name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scc.models import Minor, Patron, Waiver


def name_key(name: str) -> str:
    """What two names are compared by: case and spacing ignored ("Dana  LEE" -> "danalee")."""
    return "".join(name.casefold().split())


def _signer(patrons: Sequence[Patron], waiver: Waiver) -> Patron | None:
    email = waiver.email.strip().casefold()
    name = name_key(waiver.full_name)
    by_email = [p for p in patrons if email and (p.email or "").strip().casefold() == email]
    if len(by_email) == 1:
        return by_email[0]
    # A family may share one address: then the name decides among them, or on the manifest.
    pool = [p for p in by_email if name_key(p.name) == name] or [
        p for p in patrons if name_key(p.name) == name
    ]
    return pool[0] if pool else None


def minor_named(waiver: Waiver, name: str) -> Minor | None:
    """The minor of a waiver who has this name (case and spacing ignored), unless it is the
    signer's own name."""
    key = name_key(name)
    if key == name_key(waiver.full_name):
        return None
    return next((m for m in waiver.minors if name_key(m.name) == key), None)


def patrons_of(patrons: Sequence[Patron], waiver: Waiver) -> list[str]:
    """The ids of the patrons a waiver covers: its signer and the minors named in it."""
    signer = _signer(patrons, waiver)
    found = [] if signer is None else [signer.patron_id]
    for minor in waiver.minors:
        found += [p.patron_id for p in patrons if name_key(p.name) == name_key(minor.name)]
    return list(dict.fromkeys(found))


def match(
    patrons: Sequence[Patron], waivers: Iterable[Waiver]
) -> tuple[dict[str, str], dict[str, str]]:
    """Every waiver against the manifest: (patron id -> waiver id, the newest wins) and the
    waivers that cover nobody (waiver id -> signer's name)."""
    by_patron: dict[str, str] = {}
    unmatched: dict[str, str] = {}
    for waiver in sorted(waivers, key=lambda w: w.signed_at):
        covered = patrons_of(patrons, waiver)
        for patron_id in covered:
            by_patron[patron_id] = waiver.waiver_id
        if not covered:
            unmatched[waiver.waiver_id] = waiver.full_name
    return by_patron, unmatched
