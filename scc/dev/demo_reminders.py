"""`make dev`'s reminders: a trip whose patrons show each state a reminder can be in (sent,
skipped for want of an email, failed and to be retried), and a private charter with reminders
off. `scc remind --dry-run` then shows what the next run would send for the other trips."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from scc import activity, clock, eventids
from scc.models import CrewMember, Event, Patron, Reminder
from scc.store import Store, trips


def _patron(name: str, email: str | None, phone: str | None, due: str) -> Patron:
    return Patron(
        patron_id=eventids.slug(name), name=name, email=email, phone=phone, amount_due=Decimal(due)
    )


def seed(store: Store, today: date) -> list[Event]:
    """Two trips, two and three days out (the 3-day mark is due for both)."""
    sail_day, charter_day = today + timedelta(days=2), today + timedelta(days=3)
    at = clock.iso(clock.now() - timedelta(hours=2))
    sail = Event(
        event_id=eventids.make(sail_day, "captain-maya", "sunset"),
        date=sail_day.isoformat(),
        title="Sunset sail, Point Loma",
        total=Decimal("525.00"),
        patrons=[
            _patron("Ann Park", "ann@example.com", "619-555-0141", "175.00"),
            _patron("Cat Moss", None, "619-555-0142", "175.00"),
            _patron("Dee Fox", "dee@example.com", None, "175.00"),
        ],
        crew=[
            CrewMember(crew_id="maya", role="captain"),
            CrewMember(crew_id="jess", role="deckhand"),
        ],
        period="sunset",
        created_at=at,
        reminders={
            "ann-park": Reminder(3, "sent", at, ("waiver", "balance"), "demo", 1),
            "cat-moss": Reminder(3, "skipped", at, ("waiver", "balance"), "demo"),
            "dee-fox": Reminder(
                3, "failed", at, ("waiver", "balance"), "demo", 1, "SES could not be reached"
            ),
        },
    )
    charter = Event(
        event_id=eventids.make(charter_day, "private-charter", None),
        date=charter_day.isoformat(),
        title="Private charter (the Okafor party)",
        total=Decimal("1200.00"),
        patrons=[_patron("Ada Okafor", "ada@example.com", None, "1200.00")],
        crew=[CrewMember(crew_id="cory", role="captain")],
        created_at=at,
        reminders_off=True,
    )
    made = []
    for event in (sail, charter):
        entry = replace(activity.created(event, "cory"), at=at)
        made.append(trips.create(store, replace(event, activity=[entry], created_by="cory")))
    return made
