"""What SCC keeps, as dataclasses: a trip (Event) with its manifest, crew and ledger, and a signed
waiver. The store translates them to and from DynamoDB items (scc.store.items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scc.money import ZERO, to_cents

METHOD_LABELS = {
    "cash": "Cash",
    "venmo": "Venmo",
    "zelle": "Zelle",
    "card": "Card",
    "check": "Check",
    "other": "Other",
}
METHODS = tuple(METHOD_LABELS)


@dataclass(frozen=True, kw_only=True)
class Patron:
    patron_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    amount_due: Decimal | None = None


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
    voided: bool = False
    voided_by: str | None = None
    voided_at: str | None = None
    void_reason: str | None = None


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
    waivers_signed: int = 0
    rev: int = 0
    created_at: str | None = None

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

    def patron_cleared(self, patron_id: str) -> bool:
        due = self.due_from(patron_id)
        return self.payment_cleared if due is None else due <= 0

    def payments_of(self, patron_id: str | None) -> list[Payment]:
        return [p for p in self.payments if patron_id is None or p.patron_id == patron_id]


ROLES = ("owner", "crew")


@dataclass(frozen=True, kw_only=True)
class Member:
    """A member of the crew roster (its own partition, #crew): who may sign in, and as what.
    What proves who they are (password hash, enrollment link, passkeys' keys) is never here: it
    stays in the store (scc.store.roster.Secrets), so no page or JSON can show it by mistake."""

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
