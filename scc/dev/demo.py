"""Demo data for `make dev`'s embedded default. Events past, today and upcoming; unpaid,
part-paid and paid; dated relative to today so the board always has something in each view (the
season behind them and the week's reschedule, cancellation and walk-on signer are in
scc.dev.demo_trips). A roster of an owner and two crew, each with their own demo password
(printed in the banner), so a newcomer sees roles at work. Everyone on it has enrolled, so the
shared password opens nothing here; on a table with an empty roster it signs in as an owner."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import bcrypt

from scc import clock, eventids
from scc.dev import demo_trips
from scc.errors import Conflict
from scc.models import Boat, CrewMember, Event, Member, Minor, Patron, Payment, Signer
from scc.store import Store, boats, roster, trips
from scc.waivers import records, signing

DEMO_PASSWORD = "ahoy-crew"  # noqa: S105 - the embedded dev default only, printed at start
# (crew id, name, role, demo password): the embedded dev default only, printed at start.
DEMO_CREW = (
    ("cory", "Cory Reyes", "owner", "captain-cory-demo"),
    ("jess", "Jess Park", "crew", "deckhand-jess-demo"),
    ("leo", "Leo Martin", "crew", "mate-leo-demo"),
)


def _patrons(*people: tuple[str, str | None]) -> list[Patron]:
    return [
        demo_trips.patron(name, f"{eventids.slug(name)}@example.com", None, share)
        for name, share in people
    ]


def _paid(event: Event, *entries: tuple[str, str, str, str]) -> Event:
    payments = [
        Payment(
            payment_id=f"demo-{event.event_id[-12:]}-{n}",
            patron_id=pid,
            amount=Decimal(amount),
            method=method,
            timestamp=f"{event.date}T15:0{n}:00Z",
            logged_by=who,
        )
        for n, (pid, amount, method, who) in enumerate(entries, start=1)
    ]
    return demo_trips.with_payments(event, payments)


# (days from today, name, period, title, total, crew, patrons and shares, waivers signed,
# payments (patron, amount, method, logged by))
DEMO: tuple[tuple[Any, ...], ...] = (
    (-6, "captain-cory", "sunset", "Sunset cruise, Mission Bay", "480.00",
     [("cory", "captain"), ("jess", "deckhand")],
     [("Dana Lee", "240.00"), ("Sam Ortiz", "240.00")], 2,
     [("dana-lee", "240.00", "venmo", "jess"), ("sam-ortiz", "240.00", "cash", "cory")]),
    (-2, "captain-maya", "morning", "Kelp bed snorkel", "600.00",
     [("maya", "captain"), ("leo", "deckhand")],
     [("Priya Nair", "200.00"), ("Tom Becker", "200.00"), ("Ana Ruiz", "200.00")], 3,
     [("priya-nair", "200.00", "zelle", "maya"), ("tom-becker", "100.00", "cash", "leo")]),
    (0, "captain-cory", "afternoon", "Whale watching off Point Loma", "900.00",
     [("cory", "captain"), ("jess", "deckhand"), ("leo", "mate")],
     [("Chris Wong", "300.00"), ("Maria Silva", "300.00"), ("Ben Carter", "150.00"),
      ("Ivy Carter", "150.00")], 2,
     [("chris-wong", "300.00", "card", "cory"), ("maria-silva", "150.00", "venmo", "jess")]),
    (1, "captain-maya", "morning", "Rockfish half day", "750.00",
     [("maya", "captain"), ("jess", "deckhand")],
     [("Omar Haddad", None), ("Lena Park", None), ("Gus Miller", None)], 0, []),
    (5, "captain-cory", None, "Harbor tour and lunch", "360.00", [("cory", "captain")],
     [("Rosa Diaz", "180.00"), ("Eli Brooks", "180.00")], 1,
     [("rosa-diaz", "180.00", "cash", "cory")]),
    (12, "captain-maya", "overnight", "Coronado Islands overnight", "2400.00",
     [("maya", "captain"), ("cory", "mate"), ("leo", "deckhand")],
     [("Harbor Yacht Club", "2400.00")], 1,
     [("harbor-yacht-club", "2400.00", "check", "maya")]),
)  # fmt: skip


FLEET = (
    Boat(boat_id="queen", name="Queen", capacity=6, notes="Six-pack charter"),
    Boat(boat_id="duchess", name="Duchess", capacity=20),
)
# Trips on a boat (by title): the boat, and each patron's party. The whale watch is full.
ON_BOATS = {
    "Whale watching off Point Loma": ("queen", (2, 2, 1, 1)),
    "Rockfish half day": ("duchess", (4, 2, 3)),
    "Harbor tour and lunch": ("queen", (2, 2)),
}


def _on_boat(event: Event) -> Event:
    if event.title not in ON_BOATS:
        return event
    boat, parties = ON_BOATS[event.title]
    patrons = [replace(p, party=n) for p, n in zip(event.patrons, parties, strict=True)]
    return replace(event, boat=boat, patrons=patrons)


def demo_events(today: date) -> list[Event]:
    events = []
    for days, name, period, title, total, crew, people, waivers, paid in DEMO:
        day = today + timedelta(days=days)
        event = Event(
            event_id=eventids.make(day, name, period),
            date=day.isoformat(),
            title=title,
            total=Decimal(total),
            patrons=_patrons(*people),
            crew=[CrewMember(crew_id=c, role=r) for c, r in crew],
            waivers_signed=waivers,
            period=period,
            created_at=clock.iso(clock.now()),
        )
        events.append(_paid(_on_boat(event), *paid))
    return events


def _signer(patron: Patron, n: int, trip: date) -> Signer:
    """A made-up adult signer; the second one on each trip brings a child."""
    born = date(1970 + 7 * n, 1 + n, 10 + n)
    kids = (Minor("Mia " + patron.name.split()[-1], date(trip.year - 9, 6, 1).isoformat()),)
    return Signer(
        full_name=patron.name,
        email=patron.email or f"{patron.patron_id}@example.com",
        phone=f"619-555-01{10 + n}",
        date_of_birth=born.isoformat(),
        emergency_contact_name="Alex Shore",
        emergency_contact_phone="858-555-0199",
        minors=kids if n == 1 else (),
        signature=patron.name,
    )


def seed(store: Store, today: date) -> list[Event]:
    """Store the demo events and, for the first patrons of each, real signed waivers (the table
    must exist). Each waiver is stored the way a patron's is, so `waivers_signed` is its count."""
    stored = []
    for boat in FLEET:
        with contextlib.suppress(Conflict):  # seeded before
            boats.add(store, boat)
    for event in demo_events(today):
        signed = event.waivers_signed
        created = trips.create(store, demo_trips.chronicle(replace(event, waivers_signed=0)))
        trip = date.fromisoformat(event.date)
        for n, patron in enumerate(event.patrons[:signed]):
            waiver = records.build(
                created, _signer(patron, n, trip), ip=f"198.51.100.{20 + n}", user_agent="demo seed"
            )
            signing.save(store, waiver, trips.get(store, created.event_id))  # guarded by rev
        stored.append(replace(created, waivers_signed=signed))
    stored += demo_trips.dock_week(store, today, stored)
    stored += demo_trips.reminded(store, today)
    demo_trips.season(store, today)  # enough past trips to need Show more
    return stored


def seed_crew(store: Store) -> None:
    """Put the demo crew (DEMO_CREW) on the roster with their own passwords."""
    for crew_id, name, role, password in DEMO_CREW:
        member = Member(crew_id=crew_id, name=name, role=role)
        roster.add(store, member, link_hash="", link_expires=0)
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
        roster.set_password(store, crew_id, hashed, link_hash=None)
