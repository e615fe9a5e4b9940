"""The reminders job: patrons of the coming days' trips are emailed what they still miss.

`lambda_entry.handler` runs it for the event `{"scc_job": "reminders"}` (the deploy's hourly
schedule), `scc remind` from the command line. The rule of marks: SCC_REMIND_DAYS (default
`3,1`) are the marks, in days before a trip; a trip 1 to max(marks) days away has its smallest
mark at or beyond that many days due. A patron missing a signed waiver or owing part of their
share gets one message for the due mark (which covers any mark further out they never got: a
late booking), unless their reminder already covers it. A patron with nothing missing gets
nothing; one without a usable email is recorded as skipped (the card offers an `sms:` link).
Cancelled trips and trips with reminders off get nothing.

Every reminder is claimed on the trip before it is sent (scc.store.reminders: two runs at once
send nothing twice), then settled with its outcome. A failed send is tried again by later runs,
at most MAX_TRIES times for one mark; a claim left `sending` by a run that died counts as a
try once it is STUCK old. The trips come from one Query of the by-date index (no Scan).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import Flask

from scc import activity, clock
from scc.errors import Contended, Moved, NotFound
from scc.models import Entry, Event, Patron, Reminder
from scc.notify.message import Message, attempt, masked, usable
from scc.notify.stream import links_for, mailer, renderer
from scc.store import board, get_store
from scc.store import reminders as stored

log = logging.getLogger("scc.notify")

MAX_TRIES = 3
STUCK = timedelta(minutes=15)
BY = "reminders"  # who the trip's activity says wrote the reminders
WHAT = {"waiver": "sign the waiver", "balance": "pay the balance"}


def marks(raw: str) -> tuple[int, ...]:
    """SCC_REMIND_DAYS read (default in scc.config): whole days before a trip, smallest first."""
    try:
        found = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        found = []
    if not found or found[0] < 1 or found[-1] > 30:
        raise ValueError(f"SCC_REMIND_DAYS is {raw!r}; use whole days from 1 to 30, like 3,1.")
    return tuple(found)


def due_mark(days: int, all_marks: tuple[int, ...]) -> int | None:
    """The mark due for a trip `days` away: the smallest at or beyond it (None: none yet)."""
    return next((m for m in all_marks if 1 <= days <= m), None)


@dataclass(frozen=True)
class Due:
    """One patron to remind of one trip in this run."""

    patron: Patron
    mark: int
    missing: tuple[str, ...]
    read: str | None  # the run id of the reminder on record (None: none yet)
    tries: int  # sends tried for this mark already


def dues(event: Event, days: int, all_marks: tuple[int, ...], now: datetime) -> list[Due]:
    """Whom this trip's reminders call for now."""
    mark = due_mark(days, all_marks)
    if mark is None or event.cancelled or event.reminders_off:
        return []
    found = []
    for patron in event.patrons:
        need = event.missing(patron.patron_id)
        prior = event.reminders.get(patron.patron_id)
        if not need or (prior is not None and not _again(prior, mark, patron, now)):
            continue
        tries = prior.tries if prior is not None and prior.mark <= mark else 0
        found.append(Due(patron, mark, need, prior.run if prior else None, tries))
    return found


def _again(prior: Reminder, mark: int, patron: Patron, now: datetime) -> bool:
    """Whether a patron reminded before is reminded now for `mark`."""
    if prior.mark > mark:
        return True  # a nearer mark is due
    if prior.status == "skipped":
        return usable(patron.email, "email") is not None  # they have an email now
    stuck = prior.status == "sending" and prior.at < clock.iso(now - STUCK)
    return (prior.status == "failed" or stuck) and prior.tries < MAX_TRIES


@dataclass(frozen=True)
class Outcome:
    """What a run did for one patron of one trip (what `scc remind` prints)."""

    event_id: str
    patron_id: str
    status: str  # sent, skipped, failed; "would send"/"would skip" in a dry run
    message: Message | None


def message(app: Flask, event: Event, due: Due, days: int, to: str) -> Message:
    waiver_url, pay_url = links_for(app)(event.event_id, due.patron.patron_id)
    context = {
        "event": event,
        "patron": due.patron,
        "days": days,
        "missing": due.missing,
        "waiver_url": waiver_url,
        "pay_url": pay_url,
        "due": event.due_from(due.patron.patron_id),  # set whenever "balance" is missing
    }
    text, html = renderer(app)("reminder", context)
    what = " and ".join(WHAT[m] for m in due.missing)
    subject = f"Before your trip: please {what} – {event.title}, {event.date}"
    return Message(to=to, subject=subject, text=text, html=html)


def upcoming(today: date, all_marks: tuple[int, ...]) -> Iterator[tuple[Event, int]]:
    """The trips 1 to max(marks) days ahead, with how many days away each is."""
    first, last = today + timedelta(days=1), today + timedelta(days=all_marks[-1])
    found = board.dated(get_store(), first.isoformat(), last.isoformat(), board.REMINDER_ATTRIBUTES)
    for event in found:
        yield event, (date.fromisoformat(event.date) - today).days


def run(app: Flask, *, dry_run: bool = False) -> list[Outcome]:
    """Remind whoever is due (in an app context); a dry run sends and writes nothing."""
    all_marks = marks(app.config["REMIND_DAYS"])
    now, run_id = clock.now(), uuid.uuid4().hex[:16]
    outcomes: list[Outcome] = []
    for event, days in upcoming(clock.today(app.config["TIMEZONE"]), all_marks):
        found = dues(event, days, all_marks, now)
        if found:
            outcomes += _trip(app, event, days, found, run_id, dry_run)
    return outcomes


def _trip(
    app: Flask, event: Event, days: int, found: list[Due], run_id: str, dry_run: bool
) -> list[Outcome]:
    """Claim, send and settle one trip's reminders."""
    at = clock.iso(clock.now())
    messages = {}
    for due in found:
        to = usable(due.patron.email, "email")
        messages[due.patron.patron_id] = message(app, event, due, days, to) if to else None
    if dry_run:
        return [
            Outcome(event.event_id, pid, "would send" if m else "would skip", m)
            for pid, m in messages.items()
        ]
    claims, entries = {}, []
    for due in found:
        pid, sending = due.patron.patron_id, messages[due.patron.patron_id] is not None
        tries = due.tries + 1 if sending else 0
        status = "sending" if sending else "skipped"
        claims[pid] = Reminder(due.mark, status, at, due.missing, run_id, tries)
        if not sending:
            entries.append(_entry(due, f"Not reminded: {activity.PATRON} has no email"))
    if not entries:
        entries.append(activity.entry(BY, "reminder", f"Sending {len(claims)} reminder(s)"))
    read = {due.patron.patron_id: due.read for due in found}
    try:
        stored.claim(get_store(), event.event_id, claims, read, entries)
    except (Contended, NotFound, Moved):
        log.info("reminders: %s changed or is being reminded by another run", event.event_id)
        return []
    claimed = []  # (the patron due, their message, their claim): those with an address
    for due in found:
        msg = messages[due.patron.patron_id]
        if msg is not None:
            claimed.append((due, msg, claims[due.patron.patron_id]))
    return [
        Outcome(event.event_id, pid, c.status, None)
        for pid, c in claims.items()
        if c.status == "skipped"
    ] + _send(app, event, claimed)


def _entry(due: Due, what: str) -> Entry:
    summary = f"{what} ({due.mark} day(s) before; missing {', '.join(due.missing)})"
    return activity.entry(BY, "reminder", summary, patron_id=due.patron.patron_id)


def _send(app: Flask, event: Event, claimed: list[tuple[Due, Message, Reminder]]) -> list[Outcome]:
    """Send the claimed messages, then record how each went (one write)."""
    settled, entries, outcomes = {}, [], []
    for due, msg, claim in claimed:
        pid = due.patron.patron_id
        sent, answer, permanent = attempt(mailer(app), msg)
        why = "" if sent else answer[:120]
        done = replace(claim, status="sent" if sent else "failed", at=clock.iso(clock.now()))
        if not sent:
            done = replace(done, why=why, tries=MAX_TRIES if permanent else done.tries)
            entries.append(_entry(due, f"Reminder to {activity.PATRON} failed: {why}"))
        else:
            entries.append(_entry(due, f"Reminded {activity.PATRON} by email"))
        log.info("reminders: %s to %s of %s %s", done.status, masked(msg.to), event.event_id, why)
        settled[pid] = done
        outcomes.append(Outcome(event.event_id, pid, done.status, msg))
    try:
        stored.settle(get_store(), event.event_id, settled, entries)
    except (Contended, NotFound, Moved):
        log.warning("reminders: %s: outcomes not recorded (another run took over)", event.event_id)
    return outcomes
