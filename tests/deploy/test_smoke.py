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


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"version": "1.2", "origin_verified": True}, "version 1.2, origin header verified"),
        ({"version": "1.2"}, "version 1.2, origin header not reported"),
    ],
)
def test_health_says_what_it_found(data: dict[str, Any], said: str) -> None:
    assert smoke._health(_health(**data), URL) == f"health ok ({said})"


def test_health_fails_when_the_origin_header_did_not_reach_the_app() -> None:
    with pytest.raises(DeployError) as failed:
        smoke._health(_health(version="1.2", origin_verified=False), URL)

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
