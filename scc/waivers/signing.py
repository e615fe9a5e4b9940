"""Signing a waiver: the caps a public form needs, a repeat of the same form answered with what
it stored, the signer matched to the manifest, and one write (scc.store.waivers.save) that
stores the waiver once, counts it on the trip with its activity entry, takes one attempt off
each cap and marks the form as sent, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from scc import activity, clock, matching
from scc.errors import Conflict, Contended, Invalid, Stale, StoreError, Throttled
from scc.models import Event, Signer, Waiver
from scc.store import changes, counters
from scc.store import waivers as signed_waivers
from scc.store.changes import TripChange
from scc.store.gateway import Store
from scc.waivers.records import build, current_text
from scc.web.address import network

# The form is public: a party signing on one phone or one Wi-Fi is never refused, a flood is.
TRIP_LIMIT = 40  # signatures per trip per address per hour (a party of 30 fits)
ADDRESS_LIMIT = 80  # signatures per address per hour, all trips together (floods across trips)
# Signers who match nobody on the manifest are listed on the trip's record (for "Add to
# manifest"); past this many the form asks the signer to be added first (the record's size).
UNMATCHED_MOST = 60
TOO_MANY_UNMATCHED = (
    f"This trip already has {UNMATCHED_MOST} signed waivers from people who are not on its "
    "passenger list. Please ask the crew to add you to the list, then sign again."
)
SIGN_WINDOW = 60 * 60
# A form's one-time id is remembered this long, so a double tap or a resubmit after "back"
# stores nothing new.
SUBMISSION_TTL = 2 * 24 * 60 * 60
SAVE_ATTEMPTS = 3  # a signature refused as the trip changed meanwhile: read and matched again
TEXT_CHANGED = (
    "The waiver has been updated since you opened this page. Please read it again before you sign."
)


def save(
    store: Store,
    w: Waiver,
    event: Event,
    *,
    caps: list[counters.Limit] | None = None,
    form_id: str | None = None,
) -> None:
    """Store a waiver and count it on its trip (read as `event`), with the patrons it covers
    (matched to the manifest as read) and its activity entry; with the caps it counts against
    and its form's one-time id. The count moves the trip's version, so an edit based on an
    older read fails instead of writing back a stale count. Contended when a cap filled or the
    form was sent meanwhile."""
    covered = matching.patrons_of(event.patrons, w)
    names = ", ".join(event.name_of(pid) for pid in covered) or "not on the manifest"
    entry = activity.entry(w.full_name, "waiver_signed", f"{w.full_name} signed ({names})")
    write = changes.waiver_signed(w.waiver_id, w.full_name, covered, most_unmatched=UNMATCHED_MOST)
    until = clock.epoch(clock.now() + timedelta(seconds=SUBMISSION_TTL))
    form = None if form_id is None else (form_id, until)
    # Guarded by the version the match was made from: a manifest changed meanwhile (Ann's seat
    # given to Zoe) refuses the write (Stale), and the signature is matched again.
    change = TripChange(write, (entry,), rev=event.rev)
    signed_waivers.save(store, w, event, change, caps=caps or [], form=form)


class TripCancelled(Conflict):
    """A signature sent for a cancelled trip: nothing is stored."""


@dataclass(frozen=True)
class Outcome:
    """What a submitted form came to: stored, already stored, or refused field by field."""

    event: Event
    waiver: Waiver | None = None
    duplicate_of: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def limits(event_id: str, ip: str) -> list[counters.Limit]:
    """The caps a signature from this address counts against: this trip's, and all trips'."""
    where = network(ip)
    return [
        counters.Limit("waiver-trip", f"{event_id}@{where}", TRIP_LIMIT, SIGN_WINDOW),
        counters.Limit("waiver-ip", where, ADDRESS_LIMIT, SIGN_WINDOW),
    ]


def submit(
    store: Store,
    event_id: str,
    *,
    ip: str,
    nonce: str,
    check: Callable[[Event], Signer],
    user_agent: str,
    shown_sha256: str | None = None,
) -> Outcome:
    """Sign: one read (trip, the address's counters, form marker), then one transaction that
    also counts the signature against each cap (refused at the cap, so racing signatures cannot
    pass it). A race that cancels the transaction (a cap reached meanwhile, the trip changed
    since it was read) is read and matched again.

    `shown_sha256` is the hash of the text the form showed; if the text has changed since (the
    trip was renamed, a new version went live) the patron is asked to read it again.
    """
    caps = limits(event_id, ip)
    for _ in range(SAVE_ATTEMPTS):
        event, count, earlier = signed_waivers.read_for_signing(store, event_id, caps, nonce)
        if count is not None:
            minutes = (count.retry_after() + 59) // 60
            wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
            raise Throttled(
                "Too many waivers have been signed from this connection in the last "
                f"hour. Please try again in {wait}.",
                count.retry_after(),
            )
        if earlier is not None:
            return Outcome(event, duplicate_of=earlier)
        if event.cancelled:  # (a cancellation after this read moves rev: the write is refused)
            raise TripCancelled("This trip has been cancelled; there is no waiver to sign.")
        errors: dict[str, str] = {}
        try:
            signer = check(event)
        except Invalid as exc:
            errors = dict(exc.errors)
        text = current_text(event)
        if shown_sha256 is not None and shown_sha256 != text[1]:
            errors = {"waiver_text": TEXT_CHANGED, **errors}
        if errors:
            return Outcome(event, errors=errors)
        waiver = build(event, signer, ip=ip, user_agent=user_agent, text=text)
        unmatched = not matching.patrons_of(event.patrons, waiver)
        if unmatched and len(event.waivers_unmatched) >= UNMATCHED_MOST:
            return Outcome(event, errors={"full_name": TOO_MANY_UNMATCHED})
        try:
            save(store, waiver, event, caps=caps, form_id=nonce)
        except (Contended, Stale):
            continue
        return Outcome(event, waiver=waiver)
    raise StoreError("The waiver could not be saved just now; please try again.")
