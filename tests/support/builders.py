"""Test data: constants and builders with keyword-only arguments (override what a test is
about), and the Lambda Function URL events the harness sends. The one place tests get their
data from."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import bcrypt

from scc.models import CrewMember, Event, Patron, Payment

PASSWORD = "correct horse battery"  # noqa: S105
PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
BASE_URL = "https://localhost"
TRIP_ID = "2030-05-23-captain-cory-afternoon"  # the trip event_body describes
SENDER = "office@scc.example"  # the verified SES sender of the mail tests
ADMIN = "admin@scc.example"  # where the admin's notices go in the notify tests
XSS = '<script>alert("x")</script>'
QUOTEY = 'O\'Brien & "Sons"'

# Amounts refused everywhere (the validation matrix), as typed in a form or sent in JSON.
BAD_AMOUNTS = ["0", "-1", "0.001", "12.345", "abc", "", "NaN", "Infinity", "1e3", "1,000", 12.345]

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


def event_body(
    *,
    date: str = "2030-05-23",
    name: str = "captain-cory",
    period: str | None = "afternoon",
    total: str | None = "400.00",
    patrons: list[dict[str, Any]] | None = None,
    crew: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid POST /api/events body."""
    body: dict[str, Any] = {
        "date": date,
        "name": name,
        "total": total,
        "patrons": patrons
        if patrons is not None
        else [
            {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00"},
            {"patron_id": "sam", "name": "Sam Ortiz", "amount_due": "200.00"},
        ],
        "crew": crew if crew is not None else [{"crew_id": "cory", "role": "captain"}],
        **extra,
    }
    if period is not None:
        body["period"] = period
    return {k: v for k, v in body.items() if v is not None}


def trip(
    *,
    event_id: str = TRIP_ID,
    title: str = "Whale watching",
    total: str = "400.00",
    patrons: list[Patron] | None = None,
    crew: list[CrewMember] | None = None,
    **fields: Any,
) -> Event:
    """A trip as the store takes it (Store.create_event)."""
    return Event(
        event_id=event_id,
        date=event_id[:10],
        title=title,
        total=Decimal(total),
        patrons=patrons
        if patrons is not None
        else [
            Patron(patron_id="dana", name="Dana Lee", amount_due=Decimal("200.00")),
            Patron(patron_id="sam", name="Sam Ortiz", amount_due=Decimal("200.00")),
        ],
        crew=crew if crew is not None else [CrewMember(crew_id="cory", role="captain")],
        **fields,
    )


def payment(
    *,
    payment_id: str = "p1",
    patron_id: str = "dana",
    amount: str = "40.00",
    method: str = "cash",
    timestamp: str = "2030-05-23T10:00:00Z",
    logged_by: str = "cory",
    **fields: Any,
) -> Payment:
    """A payment as stored on a trip."""
    return Payment(
        payment_id=payment_id,
        patron_id=patron_id,
        amount=Decimal(amount),
        method=method,
        timestamp=timestamp,
        logged_by=logged_by,
        **fields,
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


def make_v2_event(
    *,
    method: str = "GET",
    path: str = "/",
    query: str = "",
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: str | bytes = "",
    base64_body: bool = False,
    source_ip: str = "198.51.100.7",
) -> dict[str, Any]:
    """A Lambda Function URL (payload format 2.0) event, as AWS sends it."""
    raw = body.encode() if isinstance(body, str) else body
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc123.lambda-url.us-west-2.on.aws", **(headers or {})},
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abc123",
            "domainName": "abc123.lambda-url.us-west-2.on.aws",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": (headers or {}).get("user-agent", "pytest"),
            },
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/May/2026:14:23:45 +0000",
            "timeEpoch": 1779546225000,
        },
        "isBase64Encoded": base64_body,
    }
    if query:
        event["queryStringParameters"] = dict(
            part.split("=", 1) for part in query.split("&") if "=" in part
        )
    if cookies:
        event["cookies"] = cookies
    if raw:
        event["body"] = base64.b64encode(raw).decode() if base64_body else raw.decode("latin-1")
    return event
