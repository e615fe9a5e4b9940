"""boto3 plumbing: clients made once, conflicts retried with backoff, waiters, errors in words."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError, WaiterError

from deploy.config import Tunables
from deploy.output import DeployError, log

CONFLICT = "ResourceConflictException"


def new_session(region: str | None) -> Any:
    """A boto3 session; AWS_ENDPOINT_URL and the other standard variables apply as usual."""
    import boto3

    return boto3.session.Session(region_name=region)


class Clients:
    """The clients of one run (Lambda, S3, CloudFront, CloudWatch and its Logs, DynamoDB, SQS,
    SNS, EventBridge Scheduler, IAM), each made on first use."""

    def __init__(self, region: str | None) -> None:
        self.session = new_session(region)
        self.config = Config(retries={"max_attempts": 5, "mode": "standard"})

    @functools.cached_property
    def lambda_(self) -> Any:
        return self.session.client("lambda", config=self.config)

    @functools.cached_property
    def s3(self) -> Any:
        return self.session.client("s3", config=self.config)

    @functools.cached_property
    def cloudfront(self) -> Any:
        return self.session.client("cloudfront", config=self.config)

    @functools.cached_property
    def logs(self) -> Any:
        return self.session.client("logs", config=self.config)

    @functools.cached_property
    def dynamodb(self) -> Any:
        return self.session.client("dynamodb", config=self.config)

    @functools.cached_property
    def sqs(self) -> Any:
        return self.session.client("sqs", config=self.config)

    @functools.cached_property
    def sns(self) -> Any:
        return self.session.client("sns", config=self.config)

    @functools.cached_property
    def cloudwatch(self) -> Any:
        return self.session.client("cloudwatch", config=self.config)

    @functools.cached_property
    def scheduler(self) -> Any:
        return self.session.client("scheduler", config=self.config)

    @functools.cached_property
    def iam(self) -> Any:
        return self.session.client("iam", config=self.config)


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def call(
    method: Callable[..., Any],
    tunables: Tunables,
    *,
    retry_on: str = CONFLICT,
    waiting: str = "another update is still running",
    **kwargs: Any,
) -> Any:
    """Call a writing API, retrying the error `retry_on` (by default ResourceConflictException:
    an update still running) with exponential backoff, a bounded number of times."""
    delay = tunables.retry_delay
    for attempt in range(1, tunables.retry_attempts + 1):
        try:
            return method(**kwargs)
        except ClientError as exc:
            if error_code(exc) != retry_on or attempt == tunables.retry_attempts:
                raise
            log.info("    %s; trying again in %.0f s", waiting, delay)
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover


def wait(client: Any, name: str, tunables: Tunables, **kwargs: Any) -> None:
    """Run a boto3 waiter with the configured delay; a failed wait becomes a DeployError."""
    waiter = client.get_waiter(name)
    try:
        waiter.wait(
            **kwargs,
            WaiterConfig={"Delay": tunables.wait_delay, "MaxAttempts": tunables.wait_attempts},
        )
    except WaiterError as exc:
        last: dict[str, Any] = dict(exc.last_response or {})
        config: dict[str, Any] = last.get("Configuration", last)
        reason = config.get("LastUpdateStatusReason") or config.get("StateReason") or str(exc)
        raise DeployError(f"Waiting for {name.replace('_', ' ')} failed: {reason}") from None


def describe(exc: ClientError) -> str:
    """One sentence for an AWS error: which call, which code, what AWS said."""
    error = exc.response.get("Error", {})
    operation = getattr(exc, "operation_name", "a call")
    return f"AWS refused {operation}: {error.get('Code', '?')}: {error.get('Message', '')}".strip()
