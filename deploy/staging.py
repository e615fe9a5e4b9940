"""`plan` and `staging`, one code path: build → read (describe calls only) → plan → apply.

`plan` stops after printing the plan (deploy/plan.py); `staging` prints the same plan, then
applies it: snapshot, log retention, the Lambda release, S3, invalidation, smoke test, and only
then the smoke test's pass on alias staging.
"""

from __future__ import annotations

import subprocess
from typing import Any

from deploy import gate, lambdafn, logs, s3shell, smoke, snapshot
from deploy.build import Package
from deploy.config import DEFAULT_FUNCTION, PROJECT_ROOT, STAGING_PREFIX
from deploy.output import echo, log
from deploy.plan import BUILD, READ, prepare
from deploy.run import Run, invalidate_step

SNAPSHOT = "snapshot the code (as a version) and the configuration"
LOGS = "set the log group's retention"
UPLOAD = "upload the shell and static files to S3"
INVALIDATE = f"invalidate /{STAGING_PREFIX}/*"
SMOKE = "smoke test"
MARK = "record the smoke test's pass on alias staging"
PLAN_STEPS = [BUILD, READ]
STAGING_STEPS = [
    BUILD,
    READ,
    SNAPSHOT,
    LOGS,
    *lambdafn.RELEASE_STEPS,
    UPLOAD,
    INVALIDATE,
    SMOKE,
    MARK,
]


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
        snapshot.check_outside_repo(snapshot.state_dir())  # before anything is published
        configuration = plan.function_answer["Configuration"]
        kept = snapshot.keep_code(
            clients.lambda_, plan.function, configuration, plan.kept, options.tunables
        )
        if plan.kept is None:
            steps.record(f"version {kept} published to keep the code $LATEST had")
        aliases = {"staging": plan.staging, "live": plan.live}
        path = snapshot.write(plan.function, plan.function_answer, aliases, kept)
        run.unchanged.append(
            f"The code before this run is version {kept}; it and the configuration are "
            f"saved in {path}."
        )
        step.note(f"code is version {kept}; saved to {path} (mode 0600)")
    with steps.step(LOGS) as step:
        done = logs.apply(clients.logs, plan.logs)
        if done:
            steps.record(f"log group {plan.logs.name}: {done}")
            step.note(plan.logs.line())
        else:
            step.skip(plan.logs.line())
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
