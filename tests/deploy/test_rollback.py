"""Rollback and promote's way back, against the moto server: every id checked before a change, a
run interrupted after live moved finishes instead of going further back, a rotated secret is
never brought back, and a smoke test answered by anything but the published version fails (and
promote then takes live back by itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from scc import create_app, runtime_secrets
from tests.deploy.cloud import (
    FUNCTION,
    INITIAL_ENV,
    SMOKE_TABLE,
    Cloud,
    Result,
    assert_no_secrets,
    on_every_session,
)
from tests.support.servers import serve

SHELL = "tools/shipcaptaincrew/index.html"
PARAMETER = "/shipcaptaincrew/gmail-refresh-token"


def _live(cloud: Cloud) -> tuple[str | None, str]:
    lam = cloud.client("lambda")
    alias = lam.get_alias(FunctionName=FUNCTION, Name="live")
    return cloud.alias("live"), str(alias.get("Description", ""))


def _published(cloud: Cloud, *environments: dict[str, str]) -> None:
    """Versions 1, 2, … published with these environments (as staging publishes them), live at
    the last with the others as its history (as promote leaves it): a rollback's starting
    point, without the files a staging run would upload (rollback then leaves those be)."""
    lam = cloud.client("lambda")
    for environment in environments:
        lam.update_function_configuration(
            FunctionName=FUNCTION, Environment={"Variables": environment}
        )
        version = lam.publish_version(FunctionName=FUNCTION)["Version"]
    history = " ".join(str(v) for v in range(len(environments) - 1, 0, -1))
    description = "scc live; previous:" + (f" {history}" if history else "")
    lam.create_alias(
        FunctionName=FUNCTION, Name="live", FunctionVersion=version, Description=description
    )


def _release(deploy: Callable[..., Result], package: Path, *args: str) -> None:
    staged = deploy("staging", "--package", str(package), *args)
    assert staged.code == 0, staged.err
    promoted = deploy("promote")
    assert promoted.code == 0, promoted.err


def test_a_rollback_interrupted_after_moving_live_ends_one_version_back_when_run_again(
    cloud: Cloud, deploy: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    _published(cloud, *({**INITIAL_ENV, "RELEASE": str(n)} for n in range(1, 5)))
    assert _live(cloud) == ("4", "scc live; previous: 3 2 1")
    wrong = deploy("rollback", "--distribution-id", "E0NOSUCHONE")
    assert wrong.code == 1 and "There is no CloudFront distribution E0NOSUCHONE" in wrong.err
    assert "Nothing was changed in AWS." in wrong.err and _live(cloud)[0] == "4"
    failures = ["the first invalidation"]

    def fail_once(**_: Any) -> None:
        if failures:
            failures.pop()
            raise ClientError({"Error": {"Code": "ServiceUnavailable"}}, "CreateInvalidation")

    on_every_session(monkeypatch, "before-call.cloudfront.CreateInvalidation", fail_once)

    interrupted = deploy("rollback")
    assert interrupted.code == 1 and "Stopped at [7/8] invalidate /*." in interrupted.err
    assert _live(cloud) == ("3", "scc live; rolling back from 4; previous: 2 1")

    finished = deploy("rollback")

    assert finished.code == 0, finished.err
    assert "goes back to 3 (finishing the rollback that did not end)" in finished.err
    assert _live(cloud) == ("3", "scc live; previous: 2 1")  # one version back, not two
    assert cloud.env("live")["RELEASE"] == "3"
    assert cloud.invalidations()[-1] == ["/*"]
    assert deploy("rollback").code == 0 and _live(cloud)[0] == "2"  # a new rollback goes on
    assert_no_secrets(cloud)


@pytest.fixture
def parameter(cloud: Cloud) -> Iterator[Any]:
    """The Gmail token in Parameter Store (moto), the app's cache of it cleared around the test."""
    ssm = cloud.client("ssm")
    ssm.put_parameter(Name=PARAMETER, Value="1//token-before", Type="SecureString")
    runtime_secrets.clear()
    yield ssm
    runtime_secrets.clear()


def test_a_rollback_after_a_token_rotation_leaves_the_rotated_token_in_force(
    cloud: Cloud, deploy: Callable[..., Result], parameter: Any
) -> None:
    referenced = {**INITIAL_ENV, "GMAIL_REFRESH_TOKEN": f"ssm:{PARAMETER}"}
    _published(cloud, referenced, {**referenced, "RELEASE": "2"})
    parameter.put_parameter(Name=PARAMETER, Value="1//token-rotated", Overwrite=True)

    rolled_back = deploy("rollback")

    assert rolled_back.code == 0, rolled_back.err
    live = cloud.env("live")  # the environment version 1 was published with, frozen
    assert cloud.alias("live") == "1" and live["GMAIL_REFRESH_TOKEN"] == f"ssm:{PARAMETER}"
    resolved = runtime_secrets.resolve(live)  # what that version reads when it runs
    assert resolved["GMAIL_REFRESH_TOKEN"] == "1//token-rotated"
    assert_no_secrets(cloud, "1//token-before", "1//token-rotated")


def test_a_rollback_that_would_bring_back_a_rotated_plain_secret_is_refused(
    cloud: Cloud, deploy: Callable[..., Result]
) -> None:
    rotated = {**INITIAL_ENV, "GMAIL_REFRESH_TOKEN": "1//token-rotated"}
    _published(cloud, INITIAL_ENV, rotated)  # `staging --set` rotated it, as a value

    refused = deploy("rollback")

    assert refused.code == 1
    assert "Version 1 was published with other values of GMAIL_REFRESH_TOKEN" in refused.err
    assert "Nothing was changed in AWS." in refused.err and cloud.alias("live") == "2"
    assert_no_secrets(cloud, "1//token-rotated")


@pytest.fixture
def stale_url(moto_url: str) -> Iterator[str]:
    """Something that answers {"status": "ok"}: an older copy of the app, version 1."""
    config = {"SECRET_KEY": "x", "TABLE": SMOKE_TABLE, "DYNAMODB_ENDPOINT": moto_url}
    with serve(create_app({**config, "LAMBDA_VERSION": "1"})) as url:
        yield url


def test_live_answered_by_another_version_fails_promotes_smoke_test_and_live_goes_back(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path], stale_url: str
) -> None:
    _release(deploy, packages("one"))
    assert deploy("staging", "--package", str(packages("two"))).code == 0
    before = cloud.body(SHELL)

    promoted = deploy("promote", smoke=stale_url)  # live answers from somewhere else

    assert promoted.code == 1
    assert "answered ok, but from Lambda version 1 (code unknown), not version 3" in promoted.err
    assert "Live is back at version 2, and version 3 is marked rolled back" in promoted.err
    assert _live(cloud) == ("2", "scc live; previous:")
    assert cloud.body(SHELL) == before  # version 2's shell again
    staging = cloud.client("lambda").get_alias(FunctionName=FUNCTION, Name="staging")
    assert staging["Description"].startswith("rolled-back 3 from live at ")
    assert deploy("promote").code == 1  # and it is not shipped again
