"""The plan: build, then read (describe calls only), then say what `staging` will do.

`plan` stops after printing it; `staging` prints the same plan, then applies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploy import build, lambdafn, logs, s3shell, streams
from deploy.build import Package
from deploy.config import (
    ARCHITECTURE,
    DEFAULT_PACKAGE,
    HANDLER,
    LIVE,
    RELEASES_PREFIX,
    RUNTIME,
    SHELL_KEY,
    STAGING,
    STAGING_PREFIX,
    STATIC_PREFIX,
)
from deploy.envmerge import EnvChanges, EnvDiff, known_variables, merge, parse_changes
from deploy.output import DeployError, echo, log, redact
from deploy.run import Run

BUILD = "build the package and render the shell"
READ = "read the function, aliases, bucket and distribution"


@dataclass
class Plan:
    """Everything `staging` will do, worked out from describe calls and the package alone."""

    function: str
    region: str
    package: Package
    function_answer: dict[str, Any]
    changes: EnvChanges
    diff: EnvDiff
    snapstart_now: str
    snapstart_wanted: str | None
    staging: dict[str, Any] | None
    live: dict[str, Any] | None
    latest: str | None
    kept: str | None  # the published version holding $LATEST's code now, if any
    logs: logs.LogGroup
    bucket: str
    distribution_id: str
    smoke_url: str
    static: dict[str, bytes]
    shells: tuple[bytes, bytes]
    stream: streams.StreamState

    @property
    def current_sha(self) -> str:
        return str(self.function_answer["Configuration"].get("CodeSha256", ""))

    def lines(self, shell_path: str) -> list[str]:
        """The plan as printed: code, environment (keys only), aliases, S3 keys, invalidation."""
        code = (
            "unchanged"
            if self.current_sha == self.package.code_sha256
            else f"changed: {self.current_sha[:12] or 'none'} → {self.package.code_sha256[:12]}"
            " (CodeSha256)"
        )
        staging = self.staging["FunctionVersion"] if self.staging else "not set"
        live = self.live["FunctionVersion"] if self.live else "not set"
        snap = self.snapstart_wanted or self.snapstart_now
        n = len(self.static)
        kept = (
            f"$LATEST's code is version {self.kept}"
            if self.kept
            else "$LATEST's code is in no version: publish it first, so it can be restored"
        )
        lines = [
            f"Plan for staging {self.function} in {self.region}:",
            f"  snapshot     {kept}; the configuration to a file",
            f"  logs         {self.logs.line()}",
            f"  package      {self.package.describe()}",
            f"  code         {code}",
            f"  environment  {self.diff.summary()} (values never shown)",
            *(f"    {line}" for line in self.diff.lines()),
            f"  snapstart    {snap}"
            + ("" if snap == self.snapstart_now else f" (now {self.snapstart_now})"),
            f"  version      publish a new one (latest published: {self.latest or 'none'})",
            f"  aliases      staging {staging} → the new version, marked as passed once its "
            f"smoke test passes; live stays at {live}",
            f"  s3           s3://{self.bucket}/{STAGING_PREFIX}/{SHELL_KEY} (no-cache)",
            f"               s3://{self.bucket}/{STAGING_PREFIX}/{STATIC_PREFIX}/… ({n} files, "
            "cached long)",
            f"               s3://{self.bucket}/{RELEASES_PREFIX}/<new version>/… "
            f"({n + 1} files, for promote)",
            f"  invalidate   /{STAGING_PREFIX}/* on {self.distribution_id}",
            f"  smoke test   {self.smoke_url}: /api/health, the waiver route, {shell_path}",
            f"  stream       {self.stream.line()}",
        ]
        return lines


def _package(run: Run) -> Package:
    if run.options.package:
        return build.package_info(run.options.package)
    return build.build(DEFAULT_PACKAGE, with_boto3=run.options.with_boto3)


def _check_function(configuration: dict[str, Any]) -> None:
    """The package is built for python3.12 on x86_64 with lambda_entry.handler."""
    runtime, arch = configuration.get("Runtime"), configuration.get("Architectures", [ARCHITECTURE])
    if runtime != RUNTIME or arch != [ARCHITECTURE]:
        raise DeployError(
            f"The function runs {runtime} on {', '.join(arch)}, but the package is "
            f"built for {RUNTIME} on {ARCHITECTURE}; change the function first."
        )
    if configuration.get("Handler") != HANDLER:
        log.warning(
            "    WARNING: the function's handler is %s, not %s.",
            configuration.get("Handler"),
            HANDLER,
        )


def _smoke_url(run: Run, distribution: dict[str, Any]) -> str:
    if run.options.smoke_url:
        return run.options.smoke_url
    aliases = distribution.get("DistributionConfig", {}).get("Aliases", {}).get("Items") or []
    host = aliases[0] if aliases else distribution["DomainName"]
    return f"https://{host}/{STAGING_PREFIX}"


def prepare(run: Run) -> Plan:
    """Build, then read: no writes anywhere."""
    options, lam = run.options, run.clients.lambda_
    steps = run.steps
    if steps is None:  # pragma: no cover - plan() and staging() start their steps first
        raise RuntimeError("prepare() needs the run's steps")
    changes = parse_changes(options.sets, options.unsets, options.env_file)
    redact.add_env(changes.set)
    distribution_id = run.distribution_id()  # a missing option is said before any work
    with steps.step(BUILD) as step:
        package = _package(run)
        static = s3shell.check_package_matches_checkout(package.path)
        shells = s3shell.render_shells()
        step.note(package.describe())
    with steps.step(READ) as step:
        answer = lambdafn.read_function(lam, options.function)
        configuration = answer["Configuration"]
        _check_function(configuration)
        merged, diff = merge(known_variables(configuration), changes)
        staging = lambdafn.read_alias(lam, options.function, STAGING)
        live = lambdafn.read_alias(lam, options.function, LIVE)
        bucket = run.bucket(merged)
        s3shell.check_bucket(run.clients.s3, bucket)
        distribution = run.clients.cloudfront.get_distribution(Id=distribution_id)["Distribution"]
        versions = lambdafn.published(lam, options.function)
        plan = Plan(
            function=options.function,
            region=str(run.clients.session.region_name),
            package=package,
            function_answer=answer,
            changes=changes,
            diff=diff,
            snapstart_now=lambdafn.snapstart_now(configuration),
            snapstart_wanted=lambdafn.snapstart_wanted(options.snapstart),
            staging=staging,
            live=live,
            latest=versions[-1]["Version"] if versions else None,
            kept=lambdafn.holding(versions, str(configuration.get("CodeSha256", ""))),
            logs=logs.read(run.clients.logs, logs.group_name(configuration)),
            bucket=bucket,
            distribution_id=distribution_id,
            smoke_url=_smoke_url(run, distribution),
            static=static,
            shells=shells,
            stream=streams.read(
                lam,
                run.clients.dynamodb,
                streams.table_name(merged),
                str(live["AliasArn"]) if live else None,
            ),
        )
        step.note(f"live is {live['FunctionVersion'] if live else 'not set'}")
    for line in plan.lines(options.smoke_shell_path):
        echo(line)
    return plan
