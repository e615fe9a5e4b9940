"""What every subcommand shares: its options and clients, its steps, prompts, and lookups."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.aws import Clients
from deploy.config import Options
from deploy.envmerge import known_variables
from deploy.output import DeployError, Step, Steps


@dataclass
class Run:
    options: Options
    clients: Clients
    steps: Steps | None = None
    # Sentences for the failure summary about what is known to be untouched.
    unchanged: list[str] = field(default_factory=list)
    confirmed: bool = False

    def start(self, titles: list[str]) -> Steps:
        self.steps = Steps(titles)
        return self.steps

    @property
    def log(self) -> Steps:
        """The started run's steps and the record of what they changed."""
        if self.steps is None:
            raise RuntimeError("the run has not started")  # pragma: no cover - a programming error
        return self.steps

    def confirm(self, question: str) -> None:
        """Ask before changing anything, unless --yes; without a terminal, --yes is required."""
        if self.options.yes:
            self.confirmed = True
            return
        if not sys.stdin.isatty():
            raise DeployError("There is no terminal to confirm on; pass --yes to go ahead.")
        answer = input(f"{question} [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise DeployError("Stopped: not confirmed.")
        self.confirmed = True

    def may_change(self) -> bool:
        """Whether steps may change things: --yes, or confirmed (else they say what they would
        do, as `routes` without --yes does)."""
        return self.options.yes or self.confirmed

    def distribution_id(self) -> str:
        if not self.options.distribution_id:
            raise DeployError(
                "--distribution-id is needed: the CloudFront distribution that "
                "serves the shell (aws cloudfront list-distributions)."
            )
        return self.options.distribution_id

    def distribution(self) -> dict[str, Any]:
        """The distribution (GetDistribution), read before anything changes, so a mistyped
        --distribution-id stops the run while nothing has moved."""
        distribution_id = self.distribution_id()
        try:
            answer = self.clients.cloudfront.get_distribution(Id=distribution_id)
        except ClientError as exc:
            if aws.error_code(exc) != "NoSuchDistribution":
                raise
            raise DeployError(
                f"There is no CloudFront distribution {distribution_id} in this account "
                "(--distribution-id)."
            ) from None
        found: dict[str, Any] = answer["Distribution"]
        return found

    def bucket(self, environment: dict[str, str]) -> str:
        """--bucket, else the function's own SCC_DISPATCH_BUCKET."""
        bucket = self.options.bucket or environment.get("SCC_DISPATCH_BUCKET", "")
        if not bucket:
            raise DeployError(
                "--bucket is needed (the function's environment has no "
                "SCC_DISPATCH_BUCKET to take it from)."
            )
        return bucket

    def version_configuration(self, version: str) -> tuple[dict[str, Any], dict[str, str]]:
        """A published version's configuration and its environment (describe-only), the
        environment registered for redaction."""
        try:
            config: dict[str, Any] = self.clients.lambda_.get_function_configuration(
                FunctionName=self.options.function, Qualifier=version
            )
        except ClientError as exc:
            if aws.error_code(exc) == "ResourceNotFoundException":
                raise DeployError(
                    f"Version {version} of {self.options.function} does not exist."
                ) from None
            raise
        return config, known_variables(config)


def invalidate_step(
    steps: Steps, step: Step, cloudfront: Any, distribution_id: str, paths: list[str]
) -> None:
    """The invalidation step of staging, promote and rollback: start it, record it, note it."""
    invalidation = invalidate(cloudfront, distribution_id, paths)
    steps.record(f"invalidation {invalidation} started")
    step.note(f"invalidation {invalidation}")


def invalidate(cloudfront: Any, distribution_id: str, paths: list[str]) -> str:
    """Start a CloudFront invalidation; returns its id (it completes in the background)."""
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"scc-deploy-{time.time_ns()}",
        },
    )
    return str(answer["Invalidation"]["Id"])


def site_url(run: Run, distribution: dict[str, Any]) -> str:
    """Where the smoke tests go: --smoke-url, else https:// and the distribution's first alias
    (its own domain when it has none). Staging is tested under /_staging, live at the root."""
    if run.options.smoke_url:
        return run.options.smoke_url.rstrip("/")
    aliases = distribution.get("DistributionConfig", {}).get("Aliases", {}).get("Items") or []
    return f"https://{aliases[0] if aliases else distribution['DomainName']}"
