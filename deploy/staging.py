"""`plan` and `staging`, one code path: build → read (describe calls only) → plan → apply.

`plan` stops after printing the plan; `staging` prints the same plan, then applies it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any

from deploy import build, gate, lambdafn, s3shell, smoke, snapshot, streams
from deploy.build import Package
from deploy.config import (
    ARCHITECTURE,
    DEFAULT_FUNCTION,
    DEFAULT_PACKAGE,
    HANDLER,
    LIVE,
    PROJECT_ROOT,
    RELEASES_PREFIX,
    RUNTIME,
    SHELL_KEY,
    STAGING,
    STAGING_PREFIX,
    STATIC_PREFIX,
)
from deploy.envmerge import EnvChanges, EnvDiff, known_variables, merge, parse_changes
from deploy.output import DeployError, echo, log, redact
from deploy.run import Run, invalidate_step

BUILD = "build the package and render the shell"
READ = "read the function, aliases, bucket and distribution"
SNAPSHOT = "snapshot code location and configuration"
UPLOAD = "upload the shell and static files to S3"
INVALIDATE = f"invalidate /{STAGING_PREFIX}/*"
SMOKE = "smoke test"
MARK = "record the smoke test's pass on alias staging"
PLAN_STEPS = [BUILD, READ]
STAGING_STEPS = [BUILD, READ, SNAPSHOT, *lambdafn.RELEASE_STEPS, UPLOAD, INVALIDATE, SMOKE, MARK]


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
        lines = [
            f"Plan for staging {self.function} in {self.region}:",
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
            latest=lambdafn.latest_published(lam, options.function),
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


def plan(run: Run) -> int:
    run.start(PLAN_STEPS)
    prepare(run)
    echo("Nothing was changed (plan only). Run `python -m deploy staging` to apply it.")
    return 0


def _describe_source(package: Package) -> str:
    try:
        head = subprocess.run(  # noqa: S603
            ["git", "-C", str(PROJECT_ROOT), "describe", "--always", "--dirty"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        head = ""
    return f"scc {head or 'unknown commit'}, package sha256 {package.sha256[:12]}"


def staging(run: Run) -> int:
    """Snapshot → code → config → version → alias staging → S3 → invalidate → smoke test."""
    options, clients = run.options, run.clients
    steps = run.start(STAGING_STEPS)
    plan = prepare(run)
    live = plan.live["FunctionVersion"] if plan.live else "not set"
    run.unchanged.append(f"Alias live was not touched (it is at {live}).")
    run.confirm(f"Deploy this to staging of {plan.function}?")
    with steps.step(SNAPSHOT) as step:
        aliases = {"staging": plan.staging, "live": plan.live}
        path = snapshot.write(plan.function, plan.function_answer, aliases)
        run.unchanged.append(
            f"The code location and configuration before this run are saved in {path}."
        )
        step.note(f"saved to {path} (mode 0600)")
    source = _describe_source(plan.package)
    version = lambdafn.release(
        clients.lambda_,
        steps,
        function=plan.function,
        package=plan.package,
        current=plan.function_answer["Configuration"],
        changes=plan.changes,
        snapstart=options.snapstart,
        description=source,
        tunables=options.tunables,
    )
    run.unchanged.append(f"Version {version} is not marked as passed: promote will refuse it.")
    with steps.step(UPLOAD) as step:
        uploads = s3shell.staging_uploads(version, plan.static, *plan.shells)
        metadata = {"scc-version": version, "scc-package-sha256": plan.package.sha256}
        s3shell.upload(clients.s3, plan.bucket, uploads, metadata)
        steps.record(
            f"{len(uploads)} files uploaded to s3://{plan.bucket}/{STAGING_PREFIX}/ and "
            f"{s3shell.release_prefix(version)}"
        )
        step.note(f"{len(uploads)} files")
    with steps.step(INVALIDATE) as step:
        paths = [f"/{STAGING_PREFIX}/*"]
        invalidate_step(steps, step, clients.cloudfront, plan.distribution_id, paths)
    with steps.step(SMOKE) as step:
        for result in smoke.run(plan.smoke_url, options.smoke_shell_path, options.tunables):
            step.note(result)
    with steps.step(MARK) as step:
        gate.mark_passed(
            clients.lambda_, plan.function, version, plan.package.code_sha256, source,
            options.tunables,
        )  # fmt: skip
        steps.record(f"alias staging marks version {version} as passed")
        step.note(f"smoke-passed {version}")
    log.info("Staging is version %s and passed its smoke test; live is still %s.", version, live)
    log.info(
        "Promote it with: python -m deploy promote --yes%s%s",
        _flag("--function", options),
        _flag("--distribution-id", options),
    )
    return 0


def _flag(name: str, options: Any) -> str:
    value = getattr(options, name.lstrip("-").replace("-", "_"))
    if name == "--function" and value == DEFAULT_FUNCTION:
        return ""
    return f" {name} {value}" if value else ""
