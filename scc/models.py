"""What SCC keeps, as dataclasses: a trip (Event) with its manifest, crew and ledger, and a signed
waiver. The store translates them to and from DynamoDB items (scc.store.items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scc.money import ZERO, to_cents

METHODS = ("cash", "venmo", "zelle", "card", "check", "other")
METHOD_LABELS = {method: method.title() for method in METHODS}  # as pages show them: Venmo
TRIP_ROLES = ("captain", "mate", "deckhand")  # on a trip; a member's account role: ROLES
CHECK_INS = ("aboard", "no_show")
SCHEDULED, CANCELLED = "scheduled", "cancelled"


@dataclass(frozen=True, kw_only=True)
class Patron:
    patron_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    amount_due: Decimal | None = None
    party: int = 1  # the people this booking covers


@dataclass(frozen=True, kw_only=True)
class CrewMember:
    crew_id: str
    role: str


@dataclass(frozen=True, kw_only=True)
class Payment:
    payment_id: str
    patron_id: str
    amount: Decimal
    method: str
    timestamp: str
    logged_by: str
    notes: str = ""
    payment_intent: str | None = None  # a card payment's Stripe PaymentIntent: refunds go there
    voided: bool = False
    voided_by: str | None = None
    voided_at: str | None = None
    void_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Refund:
    """Money given back to a patron: it lowers what they (and the trip) have paid. lower_due:
    their share (and the trip's total) goes down with it, so what they owe stays as it was (a
    discount); else what was given back is owed again."""

    refund_id: str
    patron_id: str
    amount: Decimal
    method: str
    reason: str
    timestamp: str
    logged_by: str
    lower_due: bool = True


@dataclass(frozen=True, kw_only=True)
class CheckIn:
    """Who boarded (aboard) or did not come (no_show), recorded by whom and when."""

    status: str
    by: str
    at: str


@dataclass(frozen=True, kw_only=True)
class Cancellation:
    by: str
    at: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One line of a trip's activity: when, who, what kind of change, and what it was; for a
    change about one patron, their id and where the summary names them (patron_at: its offset),
    so the activity shows the name the manifest has when read."""

    at: str
    by: str
    action: str
    summary: str
    patron_id: str | None = None
    patron_at: int | None = None


@dataclass(frozen=True)
class Reminder:
    """A patron's latest reminder of a trip (scc.notify.reminders): for which mark (days ahead),
    how it went (`sending` while a run holds it, then `sent`, `skipped`: no email, or `failed`,
    with why), when, what it asked for (`waiver`, `balance`), and the run that wrote it."""

    mark: int
    status: str
    at: str
    missing: tuple[str, ...] = ()
    run: str = ""
    tries: int = 0  # sends attempted for this mark
    why: str = ""


@dataclass(kw_only=True)
class Event:
    """A trip: its record holds the manifest, the crew and the ledger."""

    event_id: str
    date: str
    title: str
    total: Decimal
    patrons: list[Patron] = field(default_factory=list)
    crew: list[CrewMember] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    paid_total: Decimal = ZERO
    patron_paid: dict[str, Decimal] = field(default_factory=dict)
    payment_timestamp: str | None = None
    payment_logged_by: str | None = None
    refunds: list[Refund] = field(default_factory=list)
    waivers_signed: int = 0
    # patron id -> the id of the signed waiver matched to them (scc.matching)
    waiver_by_patron: dict[str, str] = field(default_factory=dict)
    # waiver id -> signer's name, for signed waivers that match nobody on the manifest
    waivers_unmatched: dict[str, str] = field(default_factory=dict)
    check_ins: dict[str, CheckIn] = field(default_factory=dict)
    status: str = SCHEDULED
    cancellation: Cancellation | None = None
    period: str | None = None
    boat: str | None = None  # a boat id (scc.store.boats); None: no boat, no capacity check
    # earlier ids of a rescheduled trip (their pay links stay valid)
    moved_from: list[str] = field(default_factory=list)
    activity: list[Entry] = field(default_factory=list)
    activity_folded: int = 0  # older entries dropped to keep the record small
    rev: int = 0
    created_at: str | None = None
    created_by: str | None = None
    # patron id -> their latest reminder; reminders_off spares the trip (a private charter)
    reminders: dict[str, Reminder] = field(default_factory=dict)
    reminders_off: bool = False

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def headcount(self) -> int:
        """The people the manifest's bookings cover."""
        return sum(p.party for p in self.patrons)

    @property
    def aboard(self) -> int:
        return sum(1 for p in self.patrons if self.check_in_of(p.patron_id) == "aboard")

    def check_in_of(self, patron_id: str) -> str | None:
        found = self.check_ins.get(patron_id)
        return found.status if found else None

    def waiver_signed(self, patron_id: str) -> bool:
        return patron_id in self.waiver_by_patron

    @property
    def waivers_matched(self) -> int:
        """How many patrons on the manifest have signed (or been signed for)."""
        return sum(1 for p in self.patrons if p.patron_id in self.waiver_by_patron)

    @property
    def last_change(self) -> Entry | None:
        return self.activity[-1] if self.activity else None

    def refunds_of(self, patron_id: str | None) -> list[Refund]:
        return [r for r in self.refunds if patron_id is None or r.patron_id == patron_id]

    def refund(self, refund_id: str) -> Refund | None:
        return next((r for r in self.refunds if r.refund_id == refund_id), None)

    @property
    def balance_due(self) -> Decimal:
        return to_cents(self.total - self.paid_total)

    @property
    def payment_cleared(self) -> bool:
        return self.paid_total >= self.total

    def patron(self, patron_id: str) -> Patron | None:
        return next((p for p in self.patrons if p.patron_id == patron_id), None)

    def payment(self, payment_id: str) -> Payment | None:
        return next((p for p in self.payments if p.payment_id == payment_id), None)

    def name_of(self, patron_id: str) -> str:
        patron = self.patron(patron_id)
        return patron.name if patron else patron_id

    def paid_by(self, patron_id: str) -> Decimal:
        return to_cents(self.patron_paid.get(patron_id, ZERO))

    def due_from(self, patron_id: str) -> Decimal | None:
        """What a patron still owes, or None when no share is set for them."""
        patron = self.patron(patron_id)
        if patron is None or patron.amount_due is None:
            return None
        return to_cents(patron.amount_due - self.paid_by(patron_id))

    def missing(self, patron_id: str) -> tuple[str, ...]:
        """What a patron still misses before the trip: `waiver` (none signed matched to them)
        and `balance` (part of their share unpaid)."""
        due = self.due_from(patron_id)
        owing = due is not None and due > 0
        signed = self.waiver_signed(patron_id)
        return tuple(w for w, yes in (("waiver", not signed), ("balance", owing)) if yes)

    def patron_cleared(self, patron_id: str) -> bool:
        due = self.due_from(patron_id)
        return self.payment_cleared if due is None else due <= 0

    def payments_of(self, patron_id: str | None) -> list[Payment]:
        return [p for p in self.payments if patron_id is None or p.patron_id == patron_id]

    @property
    def ledger_only_ids(self) -> frozenset[str]:
        """The ids of patrons taken off the manifest whose payments or refunds stay on record:
        no one else may be given them (their ledger would become the newcomer's)."""
        on_record = {p.patron_id for p in self.payments} | {r.patron_id for r in self.refunds}
        return frozenset(on_record - {p.patron_id for p in self.patrons})


ROLES = ("owner", "crew")


@dataclass(frozen=True, kw_only=True)
class Boat:
    """A boat of the fleet (its own partition, #boats): how many passengers it may carry."""

    boat_id: str
    name: str
    capacity: int
    notes: str = ""
    active: bool = True
    gen: int = 0  # one more each time a trip joins the boat or grows on it (scc.store.boats)


@dataclass(frozen=True, kw_only=True)
class Member:
    """A member of the crew roster (its own partition, #crew): who may sign in, and as what.
    What proves who they are (password hash, enrollment link, passkeys' keys) is never here: it
    is in Secrets, which only the sign-in code reads, so no page or JSON can show it by mistake."""

    crew_id: str
    name: str
    role: str = "crew"  # "owner" or "crew"
    active: bool = True
    email: str | None = None
    phone: str | None = None
    has_password: bool = False
    passkeys: int = 0
    link_expires: str | None = None  # an enrollment link is out until then (ISO 8601 UTC)
    gen: int = 0  # sessions carry it; deactivation and "sign out everywhere" move it on

    @property
    def enrolled(self) -> bool:
        """Has their own password or a passkey (the shared password no longer works for them)."""
        return self.has_password or self.passkeys > 0


@dataclass(frozen=True)
class Passkey:
    credential_id: str  # base64url, as the browser names it
    public_key: bytes  # COSE
    sign_count: int
    added: str


@dataclass(frozen=True)
class Secrets:
    """What proves a member is who they say: never shown, only checked (scc.auth)."""

    password_hash: str | None
    link_hash: str | None
    link_expires: int  # epoch seconds; 0 without a link
    passkeys: dict[str, Passkey]


@dataclass(frozen=True)
class Minor:
    name: str
    date_of_birth: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Signer:
    """What a patron typed into the waiver form, checked (scc.waivers.form)."""

    full_name: str
    email: str
    phone: str | None
    date_of_birth: str
    emergency_contact_name: str
    emergency_contact_phone: str
    minors: tuple[Minor, ...]
    signature: str


@dataclass(frozen=True, kw_only=True)
class Waiver(Signer):
    """A signed waiver: what the signer typed, and the version, values and hash of the text."""

    event_id: str
    waiver_id: str
    signed_at: str  # ISO 8601 UTC with milliseconds
    agreed: bool
    waiver_version: str
    text_sha256: str
    text_context: dict[str, str] = field(default_factory=dict)
    ip: str
    user_agent: str
