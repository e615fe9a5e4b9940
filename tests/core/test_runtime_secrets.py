"""Secrets as Parameter Store references: read on first need (not at init), in one call, kept
for the process, read again after clear() (a SnapStart restore); plain values cost nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from scc import create_app, runtime_secrets, snapstart
from scc.notify import jobs
from scc.notify import stream as notify
from scc.runtime_secrets import SecretsUnavailable

PARAMETERS = {
    "/scc-test/secret-key": "key-from-parameter-store",
    "/scc-test/gmail-refresh-token": "1//refresh-from-parameter-store",
}


@pytest.fixture
def ssm(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """moto's Parameter Store with the test parameters; yields the SSM calls the app makes."""
    client = boto3.client("ssm", region_name="us-west-2")
    for name, value in PARAMETERS.items():
        client.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    runtime_secrets.clear()
    calls: list[str] = []
    runtime_secrets._client().meta.events.register(
        "before-call.ssm", lambda model, **_: calls.append(model.name)
    )
    monkeypatch.setenv("SCC_SECRET_KEY", "ssm:/scc-test/secret-key")
    monkeypatch.setenv("GMAIL_REFRESH_TOKEN", "ssm:/scc-test/gmail-refresh-token")
    yield calls
    runtime_secrets.clear()


def _app() -> Any:
    return create_app({"TESTING": True, "TABLE": "scc-test"})


def test_references_are_read_on_the_first_request_in_one_call_and_kept(ssm: list[str]) -> None:
    app = _app()
    assert ssm == []  # nothing at init: a SnapStart snapshot holds no secret
    assert app.config["SECRET_KEY"] == "ssm:/scc-test/secret-key"

    client = app.test_client()
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/health").status_code == 200

    assert ssm == ["GetParameters"]
    assert app.config["SECRET_KEY"] == "key-from-parameter-store"
    assert app.config["SECRET_KEY_FALLBACKS"] == []
    assert app.config["GMAIL_REFRESH_TOKEN"] == "1//refresh-from-parameter-store"


def test_a_rotated_parameter_is_read_again_after_clear(ssm: list[str]) -> None:
    app, client = _app(), boto3.client("ssm", region_name="us-west-2")
    app.test_client().get("/api/health")
    client.put_parameter(
        Name="/scc-test/secret-key", Value="new-key,key-from-parameter-store", Overwrite=True
    )

    runtime_secrets.clear()  # what the after-restore hook does
    app.test_client().get("/api/health")

    assert app.config["SECRET_KEY"] == "new-key"
    assert app.config["SECRET_KEY_FALLBACKS"] == ["key-from-parameter-store"]


def test_a_warm_process_reads_a_rotated_parameter_within_five_minutes(
    ssm: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, now = _app(), [1000.0]
    monkeypatch.setattr(runtime_secrets.time, "monotonic", lambda: now[0])
    app.test_client().get("/api/health")
    boto3.client("ssm", region_name="us-west-2").put_parameter(
        Name="/scc-test/gmail-refresh-token", Value="1//rotated", Overwrite=True
    )

    now[0] += runtime_secrets.MAX_AGE - 1
    app.test_client().get("/api/health")
    kept = app.config["GMAIL_REFRESH_TOKEN"]
    now[0] += 2
    app.test_client().get("/api/health")

    assert kept == "1//refresh-from-parameter-store"
    assert app.config["GMAIL_REFRESH_TOKEN"] == "1//rotated"
    assert ssm == ["GetParameters", "GetParameters"]


def test_snapstart_reads_no_secret_into_its_snapshot_and_each_restore_reads_them(
    ssm: list[str],
) -> None:
    app = _app()
    snapstart.warm(app)  # before the snapshot: it asks the app for pages
    assert ssm == [] and app.config["SECRET_KEY"] == "ssm:/scc-test/secret-key"

    snapstart.refresh(app)  # after a restore: a new SSM client too
    runtime_secrets._client().meta.events.register(
        "before-call.ssm", lambda model, **_: ssm.append(model.name)
    )
    app.test_client().get("/api/health")

    assert ssm == ["GetParameters"] and app.config["SECRET_KEY"] == "key-from-parameter-store"


def test_the_stream_handler_and_the_reminders_job_read_them_before_mail(
    ssm: list[str], store: Any
) -> None:
    streamed, scheduled = _app(), _app()
    assert notify.make_stream_handler(streamed)({"Records": []}, None) == {"batchItemFailures": []}
    jobs.make_job_handler(scheduled)({"scc_job": "reminders"}, None)
    for app in (streamed, scheduled):
        assert app.config["GMAIL_REFRESH_TOKEN"] == "1//refresh-from-parameter-store"


def test_a_missing_parameter_is_named_and_no_value_is(
    ssm: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GMAIL_CLIENT_SECRET", "ssm:/scc-test/not-there")
    with pytest.raises(SecretsUnavailable, match="do not exist in Parameter Store: /scc-test/not"):
        runtime_secrets.resolve(dict(os.environ))


def test_plain_values_need_no_parameter_store(aws: None) -> None:
    assert runtime_secrets.references({"SCC_SECRET_KEY": "plain", "OTHER": "ssm:/x"}) == {}
    runtime_secrets.clear()
    app = create_app({"TESTING": True, "TABLE": "scc-test", "SECRET_KEY": "plain"})
    assert app.test_client().get("/api/health").status_code == 200
    assert app.extensions["scc.secrets"] == {}
    assert runtime_secrets._client.cache_info().currsize == 0  # no SSM client was even made
