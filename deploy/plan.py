"""The plan of `staging`: build, then read (describe calls only), then say what will change.

These are the first two steps of staging (deploy/staging.py); `plan` runs them and prints the
plan and the steps, `staging` prints the same and carries the steps out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploy import build, lambdafn, logs, s3shell, safety
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
from deploy.output import Step as Log
from deploy.run import Run, site_url

BUILD = "build the package and render the shell"
READ = "read the function, aliases, bucket, distribution, table and alarms"


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
    safety: safety.Safety

    @property
    def current_sha(self) -> str:
        return str(self.function_answer["Configuration"].get("CodeSha256", ""))

    def lines(self, shell_path: str, ceiling: int) -> list[str]:
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
            f"  smoke test   {self.smoke_url}: /api/health from the new version (its build "
            f"{(self.package.code or '?')[:12]}), the waiver route, {shell_path}",
            *self.safety.lines(ceiling),
        ]
        return lines


def _package(run: Run) -> Package:
    if run.options.package:
        package = build.package_info(run.options.package)
    else:
        package = build.build(DEFAULT_PACKAGE, with_boto3=run.options.with_boto3)
    if package.code is None:
        raise DeployError(
            f"{package.path} has no build stamp ({build.STAMP}), so the smoke test could not tell "
            "its code from another's; build it with `python -m deploy build`."
        )
    return package


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


@dataclass
class Built:
    """What the build step hands the read step."""

    package: Package
    static: dict[str, bytes]
    shells: tuple[bytes, bytes]


def build_step(run: Run, done: Log) -> Built:
    """Build (or read --package) and render the shell: no AWS calls."""
    package = _package(run)
    static = s3shell.check_package_matches_checkout(package.path)
    shells = s3shell.render_shells()
    done.note(package.describe())
    return Built(package, static, shells)


def read_step(run: Run, done: Log, built: Built) -> Plan:
    """Describe calls only; then print the plan."""
    options, lam = run.options, run.clients.lambda_
    changes = parse_changes(options.sets, options.unsets, options.env_file)
    redact.add_env(changes.set)
    answer = lambdafn.read_function(lam, options.function)
    configuration = answer["Configuration"]
    _check_function(configuration)
    merged, diff = merge(known_variables(configuration), changes)
    staging = lambdafn.read_alias(lam, options.function, STAGING)
    live = lambdafn.read_alias(lam, options.function, LIVE)
    bucket = run.bucket(merged)
    s3shell.check_bucket(run.clients.s3, bucket)
    distribution = run.distribution()
    versions = lambdafn.published(lam, options.function)
    plan = Plan(
        function=options.function,
        region=str(run.clients.session.region_name),
        package=built.package,
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
        distribution_id=run.distribution_id(),
        smoke_url=site_url(run, distribution) + "/" + STAGING_PREFIX,
        static=built.static,
        shells=built.shells,
        safety=safety.read(run, configuration, merged, str(live["AliasArn"]) if live else None),
    )
    done.note(f"live is {live['FunctionVersion'] if live else 'not set'}")
    for line in plan.lines(options.smoke_shell_path, options.concurrency):
        echo(line)
    return plan
