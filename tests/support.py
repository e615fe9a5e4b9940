"""Helpers the tests share (the app, a signed-in client, the stream, a payment, a signature);
fixtures that use them are in conftest.py, test data in builders.py."""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import bcrypt
from flask import Flask
from flask.testing import FlaskClient

from scc import create_app
from scc.dev.stream import StreamReader
from scc.models import Event, Member
from scc.notify.message import Message
from scc.patrons.forms import signer
from scc.store import Store, admin, keys, roster
from scc.waivers import signing
from tests.builders import (
    BASE_URL,
    PASSWORD,
    PASSWORD_HASH,
    TRIP_ID,
    make_v2_event,
    waiver_form,
)

TODAY = date(2026, 11, 21)  # "today" for the waiver form's rules in the signing tests
# What a write (or an owner's page) reads first on a new installation: the roster's word on the
# session (the member's item, then whether the roster is empty).
ROSTER_CHECK = ["GetItem", "Query"]


def make_app(**overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "ADMIN_PASS_HASH": PASSWORD_HASH,
        "TABLE": "scc-test",
        "PAY_INSTRUCTIONS": "Venmo @scc-charters",
        "BCRYPT_ROUNDS": 4,
        **overrides,
    }
    return create_app(config)


def drop_table(client: Any, name: str) -> None:
    """Delete a test table, even one `scc init-db` protected (which DynamoDB refuses to delete)."""
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        try:
            client.delete_table(TableName=name)
        except client.exceptions.ClientError as exc:
            if "DeletionProtectionEnabled" not in str(exc):
                raise
            client.update_table(TableName=name, DeletionProtectionEnabled=False)
            client.delete_table(TableName=name)


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


@dataclass
class Auth:
    """Sign a test client in, and the headers its writes need."""

    client: FlaskClient
    csrf: str = ""
    token: str = ""

    def login(self, crew_id: str = "cory", password: str = PASSWORD) -> Any:
        response = self.client.post(
            "/api/admin/login",
            json={"crew_id": crew_id, "password": password},
            base_url=BASE_URL,
        )
        if response.status_code == 200:
            self.csrf = response.json["csrf_token"]
            self.token = response.json["token"]
        return response

    def headers(self, *, htmx: bool = False) -> dict[str, str]:
        """Headers for a cookie-session write: the CSRF token, and HX-Request when asked."""
        headers = {"X-CSRF-Token": self.csrf}
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def pay(crew: FlaskClient, auth: Auth, amount: str, patron_id: str = "dana", **extra: Any) -> Any:
    """Log a cash payment on TRIP_ID as signed-in crew; returns the payment's JSON."""
    body = {"patron_id": patron_id, "amount": amount, "method": "cash", **extra}
    response = crew.post(
        f"/api/events/{TRIP_ID}/payment-log", json=body, headers=auth.headers(), base_url=BASE_URL
    )
    assert response.status_code == 201, response.json
    return response.json["payment"]


class Stream:
    """The test table's stream, read as Lambda's event source mapping would deliver it: through
    the mapping's filter (scc.notify.routes), as Lambda applies it."""

    def __init__(self, store: Store) -> None:
        self.reader = StreamReader(store, start="TRIM_HORIZON")

    def take(self, *, unfiltered: bool = False) -> dict[str, Any]:
        """The records written since the last take that pass the filter (all of them when
        `unfiltered`), as one Lambda event."""
        return {"Records": self.reader.take(unfiltered=unfiltered)}


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


def seq_of(event: dict[str, Any], payment_id: str) -> str:
    """The sequence number of the stream record that added this payment."""

    def index(record: dict[str, Any], image: str) -> str:
        return str(record["dynamodb"].get(image, {}).get("payment_index", ""))

    [seq] = [
        r["dynamodb"]["SequenceNumber"]
        for r in event["Records"]
        if payment_id in index(r, "NewImage") and payment_id not in index(r, "OldImage")
    ]
    return str(seq)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body


@dataclass
class Http:
    """Requests through lambda_entry.handler, as a Function URL delivers them."""

    handler: Any
    source_ip: str = "198.51.100.7"

    def __call__(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        token: str = "",
        headers: dict[str, str] | None = None,
        query: str = "",
        source_ip: str | None = None,
        htmx: bool = False,
        form: dict[str, Any] | None = None,
    ) -> Answer:
        """One request: a JSON body, or a form (as a patron's browser posts one)."""
        kind = "application/x-www-form-urlencoded" if form is not None else "application/json"
        sent = {"content-type": kind, **(headers or {})}
        if token:
            sent["authorization"] = f"Bearer {token}"
        if htmx:
            sent["hx-request"] = "true"
        event = make_v2_event(
            method=method,
            path=path,
            query=query,
            headers=sent,
            body=urlencode(form) if form is not None else json.dumps(body) if body else "",
            source_ip=source_ip or self.source_ip,
        )
        raw = self.handler(event, None)
        body_text = raw.get("body", "")
        if raw.get("isBase64Encoded"):
            body_text = base64.b64decode(body_text).decode()
        headers_out = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
        return Answer(raw["statusCode"], headers_out, raw.get("cookies") or [], body_text)

    def login(self, crew_id: str = "cory", password: str = PASSWORD, **kwargs: Any) -> Answer:
        body = {"crew_id": crew_id, "password": password}
        return self("POST", "/api/admin/login", body, **kwargs)

    def token(self, crew_id: str = "cory", password: str = PASSWORD) -> str:
        answer = self.login(crew_id, password)
        assert answer.status == 200, answer.body
        return str(answer.json["token"])


@dataclass
class Api:
    """Requests through lambda_entry.handler from a crew member signed in with a bearer token
    (`as_crew` signs in someone else; with an empty roster anyone may, as an owner)."""

    handler: Any
    crew_id: str = "cory"

    def __post_init__(self) -> None:
        self.http = Http(self.handler)
        self.token = self.http.token(self.crew_id)

    def as_crew(self, crew_id: str) -> Api:
        return Api(self.handler, crew_id)

    def __call__(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        htmx: bool = False,
        form: Any = None,
        query: str = "",
    ) -> Answer:
        """One request as this crew member: a JSON body, or a form (a dict, or pairs for
        repeated fields such as a dialog's rows)."""
        return self.http(method, path, body, token=self.token, htmx=htmx, form=form, query=query)


class Recorder:
    """A mailer that keeps what it is given; `fail` maps a subject fragment to an error."""

    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.fail: dict[str, Exception] = {}

    def send(self, message: Message) -> str:
        for fragment, error in self.fail.items():
            if fragment in message.subject:
                raise error
        self.sent.append(message)
        return f"r-{len(self.sent)}"
