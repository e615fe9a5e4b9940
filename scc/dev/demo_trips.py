"""The rest of `make dev`'s demo: the trips' history (their activity), a season behind them (enough
past trips to need Show more), a dock week's events (a trip rescheduled for weather, one
cancelled with money to refund, a signer who is not on the manifest, patrons checked in), and
trips whose reminders show each state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from scc import activity, clock, eventids
from scc.models import CheckIn, CrewMember, Entry, Event, Patron, Payment, Reminder, Signer
from scc.payments import ledger
from scc.store import Store, trips
from scc.trips import forms, lifecycle, manifest
from scc.trips.manifest_forms import Assignment
from scc.waivers import records, signing

PAST_TRIPS = 64
CAPTAINS = ("cory", "maya")
NAMES = (
    "Ava Brooks", "Noah Reyes", "Mila Chen", "Liam Foster", "Zoe Patel", "Owen Hart",
    "Lucy Kim", "Eli Ward", "Nora Diaz", "Jack Moss", "Ruby Lane", "Max Stone",
)  # fmt: skip


def patron(name: str, email: str | None, phone: str | None, due: str | None) -> Patron:
    """A demo patron, their id made from their name; `due`: their share (None: not set)."""
    share = None if due is None else Decimal(due)
    return Patron(
        patron_id=eventids.slug(name), name=name, email=email, phone=phone, amount_due=share
    )


def chronicle(event: Event) -> Event:
    """The trip with the activity its seeded history would have left: created, then each
    payment, by who logged it."""
    captain = event.crew[0].crew_id if event.crew else "cory"
    created = activity.created(event, captain)
    entries = [replace(created, at=event.created_at or created.at)]
    for pay in event.payments:
        summary = ledger.payment_summary(pay, event.name_of(pay.patron_id))
        entries.append(Entry(at=pay.timestamp, by=pay.logged_by, action="payment", summary=summary))
    return replace(event, activity=entries, created_by=captain)


def with_payments(event: Event, payments: list[Payment]) -> Event:
    """The trip with these payments on its ledger and the totals the ledger's writes keep."""
    paid: dict[str, Decimal] = {}
    for pay in payments:
        paid[pay.patron_id] = paid.get(pay.patron_id, Decimal("0.00")) + pay.amount
    last = payments[-1] if payments else None
    return replace(
        event,
        payments=payments,
        paid_total=sum(paid.values(), Decimal("0.00")),
        patron_paid=paid,
        payment_timestamp=last.timestamp if last else None,
        payment_logged_by=last.logged_by if last else None,
    )


def _past_trip(today: date, n: int) -> Event:
    day = today - timedelta(days=8 + 2 * n)
    captain = CAPTAINS[n % 2]
    period = ("morning", "sunset")[n // 2 % 2]
    people = [NAMES[(n + k) % len(NAMES)] for k in range(2 + n % 3)]
    patrons = [patron(name, None, None, "150.00") for name in people]
    at = f"{day.isoformat()}T16:00:00Z"
    payments = [
        Payment(payment_id=f"demo-past-{n}-{k}", patron_id=p.patron_id, amount=Decimal("150.00"),
                method=("venmo", "cash", "zelle")[k % 3], timestamp=at, logged_by=captain)
        for k, p in enumerate(patrons)
    ]  # fmt: skip
    event = Event(
        event_id=eventids.make(day, f"captain-{captain}", period),
        date=day.isoformat(),
        title=("Kelp bed snorkel", "Sunset cruise, Mission Bay")[n // 2 % 2],
        total=Decimal("150.00") * len(patrons),
        patrons=patrons,
        crew=[CrewMember(crew_id=captain, role="captain")],
        check_ins={p.patron_id: CheckIn(status="aboard", by=captain, at=at) for p in patrons},
        period=period,
        created_at=f"{(day - timedelta(days=20)).isoformat()}T18:00:00Z",
    )
    return chronicle(with_payments(event, payments))


def season(store: Store, today: date, count: int = PAST_TRIPS) -> int:
    """Past trips, paid and boarded, straight into the table (batch writes: quick to seed)."""
    trips.put_whole(store, (_past_trip(today, n) for n in range(count)))
    return count


def dock_week(store: Store, today: date, events: list[Event]) -> list[Event]:
    """A trip rescheduled for weather, one cancelled with a payment to refund, a signer who is
    not on the manifest of today's trip, and the first patron of today's trip aboard."""
    kayak_day, fishing_day = today + timedelta(days=3), today + timedelta(days=2)
    kayak = trips.create(store, chronicle(_trip(kayak_day, "captain-leo", "Sea lion kayak tour")))
    later = forms.Moving(today + timedelta(days=9), None, period_given=False, rev=None)
    moved = lifecycle.reschedule(store, kayak.event_id, later, "maya")
    fishing = trips.create(store, chronicle(_trip(fishing_day, "captain-cory", "Sportfishing")))
    deposit = Payment(
        payment_id=ledger.new_key(), patron_id="pat-lin", amount=Decimal("150.00"),
        method="card", notes="deposit", timestamp=clock.iso(clock.now()), logged_by="cory",
    )  # fmt: skip
    ledger.record(store, fishing.event_id, deposit)
    cancelled = lifecycle.cancel(store, fishing.event_id, "Small craft advisory", None, "cory")
    today_trip = next(e for e in events if e.date == today.isoformat())
    walk_on = Signer(
        full_name="Jordan Blake", email="jordan@example.com", phone="619-555-0177",
        date_of_birth="1988-03-14", emergency_contact_name="Sam Blake",
        emergency_contact_phone="619-555-0178", minors=(), signature="Jordan Blake",
    )  # fmt: skip
    current = trips.get(store, today_trip.event_id)
    waiver = records.build(current, walk_on, ip="198.51.100.60", user_agent="demo seed")
    signing.save(store, waiver, current)
    first = current.patrons[0].patron_id
    lifecycle.check_in(store, current.event_id, first, "aboard", "jess", confirm=True)
    deckhand = Assignment(CrewMember(crew_id="ana", role="deckhand"), confirm=True)
    manifest.assign(store, current.event_id, deckhand, None, "cory")
    return [moved, cancelled]


def _trip(day: date, name: str, title: str) -> Event:
    people = [("Pat Lin", "pat@example.com"), ("Rae Ortiz", "rae@example.com")]
    return Event(
        event_id=eventids.make(day, name, "morning"),
        date=day.isoformat(),
        title=title,
        total=Decimal("300.00"),
        patrons=[patron(n, e, None, "150.00") for n, e in people],
        crew=[CrewMember(crew_id=name.removeprefix("captain-"), role="captain")],
        period="morning",
        created_at=f"{(day - timedelta(days=14)).isoformat()}T17:00:00Z",
    )


def reminded(store: Store, today: date) -> list[Event]:
    """Two trips, two and three days out (the 3-day mark is due for both): one whose patrons show
    each state a reminder can be in (sent, skipped for want of an email, failed and to be
    retried), and a private charter with reminders off. `scc remind --dry-run` then shows what
    the next run would send for the other trips."""
    sail_day, charter_day = today + timedelta(days=2), today + timedelta(days=3)
    at = clock.iso(clock.now() - timedelta(hours=2))
    sail = Event(
        event_id=eventids.make(sail_day, "captain-maya", "sunset"),
        date=sail_day.isoformat(),
        title="Sunset sail, Point Loma",
        total=Decimal("525.00"),
        patrons=[
            patron("Ann Park", "ann@example.com", "619-555-0141", "175.00"),
            patron("Cat Moss", None, "619-555-0142", "175.00"),
            patron("Dee Fox", "dee@example.com", None, "175.00"),
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
        patrons=[patron("Ada Okafor", "ada@example.com", None, "1200.00")],
        crew=[CrewMember(crew_id="cory", role="captain")],
        created_at=at,
        reminders_off=True,
    )
    made = []
    for event in (sail, charter):
        entry = replace(activity.created(event, "cory"), at=at)
        made.append(trips.create(store, replace(event, activity=[entry], created_by="cory")))
    return made
