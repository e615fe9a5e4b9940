"""Fixtures: one moto mock and one boto3 client for the session; the table reset per test."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import bcrypt
import pytest

# Before anything imports boto3: fake credentials, a region, and a key for lambda_entry.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",  # noqa: S105
    AWS_SESSION_TOKEN="testing",  # noqa: S105
    AWS_DEFAULT_REGION="us-west-2",
    AWS_REGION="us-west-2",
    SCC_SECRET_KEY="test-secret-key-for-lambda-entry",  # noqa: S105
)
for _name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
    os.environ.pop(_name, None)

import boto3  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.ses.models import ses_backends  # noqa: E402

from scc import create_app, devstream  # noqa: E402
from scc.store import Store, get_store  # noqa: E402

# Browser fixtures (live_server, browser, phone) live in tests/browser.py, the fake Google
# (OAuth + Gmail) server in tests/fake_google.py, the deploy tests' AWS (a moto server) in
# tests/deploy_cloud.py; all shared session-wide.
pytest_plugins = ["tests.browser", "tests.fake_google", "tests.deploy_cloud"]

PASSWORD = "correct horse battery"  # noqa: S105
PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
BASE_URL = "https://localhost"
TRIP_ID = "2030-05-23-captain-cory-afternoon"  # the event tests.builders.event_body describes
SENDER = "office@scc.example"  # the verified SES sender of the mail tests


@pytest.fixture(scope="session")
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def make_app(**overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "ADMIN_PASS_HASH": PASSWORD_HASH,
        "TABLE": "scc-test",
        "PAY_INSTRUCTIONS": "Venmo @scc-charters",
        **overrides,
    }
    return create_app(config)


@pytest.fixture(scope="session")
def app(aws: None) -> Flask:
    return make_app()


@pytest.fixture
def store(app: Flask) -> Iterator[Store]:
    """A fresh, empty table for each test."""
    with app.app_context():
        store = get_store()
    with contextlib.suppress(store.client.exceptions.ResourceNotFoundException):
        store.client.delete_table(TableName=store.table)
    store.create_table()
    yield store


@pytest.fixture
def client(app: Flask, store: Store) -> FlaskClient:
    return app.test_client()


@dataclass
class Auth:
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


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def crew(client: FlaskClient, auth: Auth) -> FlaskClient:
    """A client signed in as crew member cory (cookie session; https base URL)."""
    assert auth.login().status_code == 200
    return client


@dataclass
class CallLog:
    calls: list[str]

    def clear(self) -> None:
        self.calls.clear()


@pytest.fixture
def ddb_calls(store: Store) -> Iterator[CallLog]:
    """Record every DynamoDB operation the app's client makes during the test."""
    log = CallLog([])

    def record(model: Any, **_: Any) -> None:
        log.calls.append(model.name)

    events = store.client.meta.events
    events.register("before-call.dynamodb", record, unique_id="scc-test-calls")
    yield log
    events.unregister("before-call.dynamodb", unique_id="scc-test-calls")


@pytest.fixture
def create_event(crew: FlaskClient, auth: Auth) -> Callable[..., dict[str, Any]]:
    """POST an event as signed-in crew; returns its JSON."""
    from tests.builders import event_body

    def create(**kwargs: Any) -> dict[str, Any]:
        response = crew.post(
            "/api/events", json=event_body(**kwargs), headers=auth.headers(), base_url=BASE_URL
        )
        assert response.status_code == 201, response.json
        data: dict[str, Any] = response.json
        return data

    return create


def pay(crew: FlaskClient, auth: Auth, amount: str, patron_id: str = "dana", **extra: Any) -> Any:
    """Log a cash payment on TRIP_ID as signed-in crew; returns the payment's JSON."""
    body = {"patron_id": patron_id, "amount": amount, "method": "cash", **extra}
    response = crew.post(
        f"/api/events/{TRIP_ID}/payment-log", json=body, headers=auth.headers(), base_url=BASE_URL
    )
    assert response.status_code == 201, response.json
    return response.json["payment"]


class Stream:
    """The test table's stream, read as Lambda's event source mapping would deliver it."""

    def __init__(self, store: Store) -> None:
        self.reader = devstream.StreamReader(store, start="TRIM_HORIZON")

    def take(self) -> dict[str, Any]:
        """The records written since the last take, as one Lambda event."""
        return {"Records": self.reader.take()}


@pytest.fixture
def stream(store: Store) -> Stream:
    return Stream(store)


@pytest.fixture
def ses(aws: None) -> Iterator[list[Any]]:
    """moto's SES with the sender verified; yields the list of messages it accepted."""
    boto3.client("ses", region_name="us-west-2").verify_email_identity(EmailAddress=SENDER)
    backend = ses_backends["123456789012"]["us-west-2"]
    backend.sent_messages.clear()
    yield backend.sent_messages
    backend.sent_messages.clear()
