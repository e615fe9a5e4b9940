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

    def start(self, titles: list[str]) -> Steps:
        self.steps = Steps(titles)
        return self.steps

    def confirm(self, question: str) -> None:
        """Ask before changing anything, unless --yes; without a terminal, --yes is required."""
        if self.options.yes:
            return
        if not sys.stdin.isatty():
            raise DeployError("There is no terminal to confirm on; pass --yes to go ahead.")
        answer = input(f"{question} [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise DeployError("Stopped: not confirmed.")

    def distribution_id(self) -> str:
        if not self.options.distribution_id:
            raise DeployError(
                "--distribution-id is needed: the CloudFront distribution that "
                "serves the shell (aws cloudfront list-distributions)."
            )
        return self.options.distribution_id

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
