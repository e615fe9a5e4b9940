"""Fixtures: one moto mock and one boto3 client for the session, the table reset per test; the
app is lambda_entry's, reached through lambda_entry.handler as a Function URL reaches it. What
the fixtures use is in tests/support/."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
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
from moto import mock_aws  # noqa: E402
from moto.ses.models import ses_backends  # noqa: E402

from scc.store import Store  # noqa: E402
from scc.store.tables import table_spec  # noqa: E402
from tests.support.apps import configure  # noqa: E402
from tests.support.builders import ADMIN, SENDER, event_body  # noqa: E402
from tests.support.clock import movable  # noqa: E402
from tests.support.domain import on_roster  # noqa: E402
from tests.support.dynamodb import (  # noqa: E402
    CallLog,
    answer_as_dynamodb_sends,
    drop_table,
    refuse_unused,
    remember_limit,
    stop_at_limit,
)
from tests.support.harness import Api, Handler, Http, Session  # noqa: E402
from tests.support.notify import Recorder, Stream  # noqa: E402

# The browser's fixtures (live_server, browser, phone) and the fake Google (OAuth and Gmail) are
# plugins in tests/support/; the deploy tests' AWS (a moto server) is in tests/deploy/cloud.py.
pytest_plugins = ["tests.support.browser", "tests.support.fake_google", "tests.deploy.cloud"]


@pytest.fixture(scope="session")
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture(scope="session")
def app(aws: None) -> Flask:
    """lambda_entry's app with the tests' settings (support.apps). Its DynamoDB client, the
    process's one, is held to what DynamoDB does and moto does not (support.dynamodb)."""
    import lambda_entry

    app = configure(lambda_entry.app)
    events = app.extensions["scc.store"].client.meta.events
    events.register("before-call.dynamodb", refuse_unused, unique_id="scc-test-unused")
    events.register("after-call.dynamodb", answer_as_dynamodb_sends, unique_id="scc-test-trim")
    events.register("before-call.dynamodb", remember_limit, unique_id="scc-test-limit")
    events.register("after-call.dynamodb", stop_at_limit, unique_id="scc-test-last-key")
    return app


@pytest.fixture
def store(app: Flask) -> Store:
    """A fresh, empty table for each test, as `scc init-db` makes it but for its stream, which
    the `stream` fixture turns on: moto copies a table's whole stream on every
    TransactWriteItems (to roll back), and no request reads the stream."""
    store: Store = app.extensions["scc.store"]
    drop_table(store.client, store.table)  # init-db's tests protect it
    spec = table_spec(store.table)
    del spec["StreamSpecification"]
    store.client.create_table(**spec)
    return store


@pytest.fixture
def stream(store: Store) -> Stream:
    """The table's stream, turned on as `scc init-db` turns it on for an older table."""
    store.ensure_stream()
    return Stream(store)


@pytest.fixture
def handler(store: Store) -> Handler:
    """lambda_entry.handler, on the test's fresh table."""
    import lambda_entry

    return lambda_entry.handler  # type: ignore[no-any-return]


@pytest.fixture
def mailer(handler: Handler, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """lambda_entry's app mails through a Recorder, the admin's notes to ADMIN."""
    import lambda_entry

    recorder = Recorder()
    monkeypatch.setitem(lambda_entry.app.config, "ADMIN_EMAIL", ADMIN)
    monkeypatch.setitem(lambda_entry.app.extensions, "scc.mailer", recorder)
    return recorder


@pytest.fixture
def http(handler: Handler) -> Http:
    """Requests through the handler, keeping nothing between them."""
    return Http(handler)


@pytest.fixture
def client(http: Http) -> Session:
    """A browser's cookie session, not signed in."""
    return Session(http)


@pytest.fixture
def crew(client: Session, store: Store) -> Session:
    """A cookie session signed in as cory, an owner on the roster."""
    on_roster(store, "cory", "owner")
    assert client.login().status == 200
    return client


@pytest.fixture
def api(handler: Handler) -> Api:
    """Requests from cory, signed in with a bearer token (the roster empty: an owner)."""
    return Api(handler)


@pytest.fixture
def create_event(crew: Session) -> Callable[..., dict[str, Any]]:
    """POST a trip as signed-in crew; returns its JSON."""

    def create(**kwargs: Any) -> dict[str, Any]:
        answer = crew("POST", "/api/events", event_body(**kwargs))
        assert answer.status == 201, answer.body
        data: dict[str, Any] = answer.json
        return data

    return create


@pytest.fixture
def ddb_calls(store: Store) -> Iterator[CallLog]:
    """Record every DynamoDB operation the app's client makes during the test."""
    log = CallLog()
    events = store.client.meta.events
    events.register("before-call.dynamodb", log.record, unique_id="scc-test-calls")
    yield log
    events.unregister("before-call.dynamodb", unique_id="scc-test-calls")


@pytest.fixture
def ses(aws: None) -> Iterator[list[Any]]:
    """moto's SES with the sender verified; yields the list of messages it accepted."""
    boto3.client("ses", region_name="us-west-2").verify_email_identity(EmailAddress=SENDER)
    backend = ses_backends["123456789012"]["us-west-2"]
    backend.sent_messages.clear()
    yield backend.sent_messages
    backend.sent_messages.clear()


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Move the clock by hand, frozen(minutes=5): time travel instead of sleeping."""
    from scc import clock

    moment = movable(monkeypatch, clock.now())

    def advance(**delta: Any) -> None:
        moment[0] += timedelta(**delta)

    return advance
