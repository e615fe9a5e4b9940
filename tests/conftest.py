"""Fixtures: one moto mock and one boto3 client for the session; the table reset per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

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

import tests.moto_speed  # noqa: E402, F401 - moto's projections, converted once
from scc.store import Store, get_store  # noqa: E402
from tests.builders import BASE_URL, PASSWORD_HASH, SENDER, event_body  # noqa: E402
from tests.expressions import refuse_unused  # noqa: E402
from tests.support import Api, Auth, Stream, drop_table, make_app, on_roster  # noqa: E402

# Browser fixtures (live_server, browser, phone) live in tests/browser.py, the fake Google
# (OAuth + Gmail) server in tests/fake_google.py, the deploy tests' AWS (a moto server) in
# tests/deploy/cloud.py; all shared session-wide.
pytest_plugins = ["tests.browser", "tests.fake_google", "tests.deploy.cloud"]


@pytest.fixture(scope="session")
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture(scope="session")
def app(aws: None) -> Flask:
    """The app; its DynamoDB client (one per process, lambda_entry's too) refuses unused
    expression names and values as DynamoDB does (moto doesn't: tests/expressions.py)."""
    app = make_app()
    with app.app_context():
        events = get_store().client.meta.events
    events.register("before-call.dynamodb", refuse_unused, unique_id="scc-test-unused")
    return app


@pytest.fixture
def store(app: Flask) -> Iterator[Store]:
    """A fresh, empty table for each test."""
    with app.app_context():
        store = get_store()
    drop_table(store.client, store.table)
    store.create_table()
    yield store


@pytest.fixture
def client(app: Flask, store: Store) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def crew(client: FlaskClient, auth: Auth, store: Store) -> FlaskClient:
    """A client signed in as cory, an owner on the roster (cookie session; https base URL)."""
    on_roster(store, "cory", "owner")
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
    """POST a trip as signed-in crew; returns its JSON."""

    def create(**kwargs: Any) -> dict[str, Any]:
        response = crew.post(
            "/api/events", json=event_body(**kwargs), headers=auth.headers(), base_url=BASE_URL
        )
        assert response.status_code == 201, response.json
        data: dict[str, Any] = response.json
        return data

    return create


@pytest.fixture
def handler(store: Store, monkeypatch: pytest.MonkeyPatch) -> Any:
    """lambda_entry.handler, its app pointed at the test table (it read the environment at
    import) and at the test password."""
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "ADMIN_PASS_HASH", PASSWORD_HASH)
    monkeypatch.setitem(lambda_entry.app.config, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(lambda_entry.app.extensions["scc.store"], "table", store.table)
    return lambda_entry.handler


@pytest.fixture
def api(handler: Any) -> Api:
    """Requests through lambda_entry.handler, signed in as cory (bearer token)."""
    return Api(handler)


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
