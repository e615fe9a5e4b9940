"""The smoke test's health check, and end to end: it fails while CloudFront does not send the
origin header the staged version accepts, and passes once `routes --yes` made it do so."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deploy import smoke
from deploy.output import DeployError
from tests.deploy.cloud import Cloud, Result, assert_no_secrets

URL = "https://d111.cloudfront.net/_staging/api/health"


def _health(**data: Any) -> smoke.Answer:
    return smoke.Answer(200, "application/json", json.dumps({"status": "ok", **data}).encode())


EXPECTED = smoke.Expected("7", "c0ffee" * 10)
RUNNING = {"lambda_version": "7", "code": "c0ffee" * 10}


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({**RUNNING, "origin_verified": True}, "version 7, origin header verified"),
        (RUNNING, "version 7, origin header not reported"),
    ],
)
def test_health_says_what_it_found(data: dict[str, Any], said: str) -> None:
    assert smoke._health(_health(**data), URL, EXPECTED) == f"health ok ({said})"


@pytest.mark.parametrize(
    "running",
    [
        {"lambda_version": "6", "code": "c0ffee" * 10},  # the version before (a stale route)
        {"lambda_version": "7", "code": "0ther"},  # other code behind that number
        {"lambda_version": None, "code": None},  # something that is not a Lambda version at all
        {},  # an old release, or anything else that answers ok
    ],
)
def test_health_ok_from_anything_but_the_published_version_fails(running: dict[str, Any]) -> None:
    with pytest.raises(DeployError, match="answered ok, but from Lambda version .*, not version 7"):
        smoke._health(_health(**running), URL, EXPECTED)


def test_health_fails_when_the_origin_header_did_not_reach_the_app() -> None:
    with pytest.raises(DeployError) as failed:
        smoke._health(_health(**RUNNING, origin_verified=False), URL, EXPECTED)

    message = str(failed.value)
    assert "CloudFront is not sending the origin header" in message
    assert "python -m deploy routes --yes" in message


def test_the_smoke_test_fails_until_cloudfront_sends_the_origin_header(
    aliases: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    secret = "origin-secret-5e1f-smoke-test"
    package = str(packages("one"))

    failed = deploy("staging", "--package", package, "--set", f"SCC_ORIGIN_SECRET={secret}")
    fixed = deploy("routes")
    passed = deploy("staging", "--package", package)

    assert failed.code == 1
    assert "CloudFront is not sending the origin header" in failed.err
    assert "Run `python -m deploy routes --yes`" in failed.err
    assert fixed.code == 0, fixed.err
    assert passed.code == 0, passed.err
    assert "smoke test: health ok (version " in passed.err
    assert "origin header verified" in passed.err
    assert_no_secrets(aliases, secret)
