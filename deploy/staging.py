"""`plan` and `staging`: one list of steps. `plan` runs the steps that only read (build, then
describe calls) and prints the plan and the steps; `staging` prints the same, asks, and carries
them out: snapshot, log retention, the Lambda release, S3, invalidation, the smoke test, and only
then the smoke test's pass on alias staging.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any

from deploy import gate, lambdafn, logs, s3shell, smoke, snapshot
from deploy.config import DEFAULT_FUNCTION, PROJECT_ROOT, STAGING, STAGING_PREFIX
from deploy.output import Step as Log
from deploy.output import echo, log
from deploy.plan import BUILD, READ, Built, Plan, build_step, read_step
from deploy.run import Run, invalidate_step
from deploy.steps import Step, carry_out


@dataclass
class Planned(Run):
    """A staging run and what its steps learn on the way."""

    built: Built | None = None
    planned: Plan | None = None
    kept: str = ""  # the version holding the code before this run
    version: str = ""  # the version this run publishes
    source: str = ""  # commit and package, for the versions' and alias's descriptions

    @property
    def plan(self) -> Plan:
        if self.planned is None:
            raise RuntimeError("the plan is made by the read step")  # pragma: no cover
        return self.planned


def _build(run: Planned, done: Log) -> None:
    run.built = build_step(run, done)


def _read(run: Planned, done: Log) -> None:
    assert run.built is not None  # noqa: S101 - the build step ran first
    run.planned = read_step(run, done, run.built)
    live = run.plan.live["FunctionVersion"] if run.plan.live else "not set"
    run.unchanged.append(f"Alias live was not touched (it is at {live}).")
    run.source = _describe_source(run.plan)


def _snapshot(run: Planned, done: Log) -> None:
    plan, lam = run.plan, run.clients.lambda_
    snapshot.check_outside_repo(snapshot.state_dir())  # before anything is published
    configuration = plan.function_answer["Configuration"]
    run.kept = snapshot.keep_code(
        lam, plan.function, configuration, plan.kept, run.options.tunables
    )
    if plan.kept is None:
        run.log.record(f"version {run.kept} published to keep the code $LATEST had")
    aliases = {"staging": plan.staging, "live": plan.live}
    path = snapshot.write(plan.function, plan.function_answer, aliases, run.kept)
    run.unchanged.append(
        f"The code before this run is version {run.kept}; its description is in {path}."
    )
    done.note(f"code is version {run.kept}; saved to {path} (mode 0600, no secret values)")


def _logs(run: Planned, done: Log) -> None:
    group = run.plan.logs
    if logs.apply(run.clients.logs, group):
        run.log.record(f"log group {group.name}: {group.to_do}")
        done.note(group.line())
    else:
        done.skip(group.line())


def _update_code(run: Planned, done: Log) -> None:
    plan = run.plan
    current = plan.function_answer["Configuration"]
    lambdafn.update_code(
        run.clients.lambda_, run.log, done, plan.function, plan.package, current,
        run.options.tunables,
    )  # fmt: skip


def _wait(run: Planned, done: Log) -> None:
    lambdafn.wait_updated(run.clients.lambda_, done, run.plan.function, run.options.tunables)


def _merge(run: Planned, done: Log) -> None:
    lambdafn.merge_environment(
        run.clients.lambda_, run.log, done, run.plan.function, run.plan.changes,
        run.options.snapstart, run.options.tunables,
    )  # fmt: skip


def _publish(run: Planned, done: Log) -> None:
    run.version = lambdafn.publish(
        run.clients.lambda_, run.log, done, run.plan.function, run.plan.package, run.source,
        run.options.tunables,
    )  # fmt: skip
    run.unchanged.append(f"Version {run.version} is not marked as passed: promote will refuse it.")


def _wait_version(run: Planned, done: Log) -> None:
    lambdafn.wait_version(
        run.clients.lambda_, done, run.plan.function, run.version, run.options.tunables
    )


def _point_staging(run: Planned, done: Log) -> None:
    description = gate.pending(run.version, run.source)
    lambdafn.point_alias(
        run.clients.lambda_, run.plan.function, STAGING, run.version, description,
        run.options.tunables,
    )  # fmt: skip
    run.log.record(f"alias staging → version {run.version}")
    done.note(f"staging → {run.version}")


def _upload(run: Planned, done: Log) -> None:
    plan = run.plan
    uploads = s3shell.staging_uploads(run.version, plan.static, *plan.shells)
    metadata = {"scc-version": run.version, "scc-package-sha256": plan.package.sha256}
    s3shell.upload(run.clients.s3, plan.bucket, uploads, metadata)
    run.log.record(
        f"{len(uploads)} files uploaded to s3://{plan.bucket}/{STAGING_PREFIX}/ and "
        f"{s3shell.release_prefix(run.version)}"
    )
    done.note(f"{len(uploads)} files")


def _invalidate(run: Planned, done: Log) -> None:
    paths = [f"/{STAGING_PREFIX}/*"]
    invalidate_step(run.log, done, run.clients.cloudfront, run.plan.distribution_id, paths)


def _smoke(run: Planned, done: Log) -> None:
    expected = smoke.Expected(run.version, run.plan.package.code)
    shell = run.options.smoke_shell_path
    for result in smoke.run(run.plan.smoke_url, shell, run.options.tunables, expected):
        done.note(result)


def _mark(run: Planned, done: Log) -> None:
    gate.mark_passed(
        run.clients.lambda_, run.plan.function, run.version, run.plan.package.code_sha256,
        run.source, run.options.tunables,
    )  # fmt: skip
    run.log.record(f"alias staging marks version {run.version} as passed")
    done.note(f"smoke-passed {run.version}")


NOTHING = "nothing: it only reads"
STEPS: list[Step[Planned]] = [
    Step(BUILD, "the code, the shell and the static files are this checkout's", NOTHING, _build,
         changes=False),
    Step(READ, "the plan is made from describe calls alone", NOTHING, _read, changes=False),
    Step("snapshot the code (as a version) and the configuration",
         "the code before this run can always be served again or put back",
         "nothing needed; the file says how to restore, and may be deleted", _snapshot),
    Step("set the log group's retention",
         "the notify: lines a lost notice is resent from must outlive weeks, not forever",
         "aws logs delete-retention-policy --log-group-name <group>", _logs),
    Step("update code", "$LATEST gets this package",
         "stage the previous package again (the snapshot's version holds it)", _update_code),
    Step("wait for LastUpdateStatus Successful (code)",
         "Lambda refuses the next update while one runs", NOTHING, _wait,
         changes=False, wait=True),
    Step("merge environment", "add or change what --set, --env-file, --unset say; keep the rest",
         "staging again with --set or --unset", _merge),
    Step("wait for LastUpdateStatus Successful (configuration)",
         "a version is published from a finished update only", NOTHING, _wait,
         changes=False, wait=True),
    Step("publish version", "a version freezes code and configuration; aliases name versions",
         "nothing needed: an unused version serves nobody", _publish),
    Step("wait for the version to be active", "an alias may point only at an Active version",
         NOTHING, _wait_version, changes=False, wait=True),
    Step("point alias staging", "the staging shell and the smoke test reach the new version",
         "aws lambda update-alias --name staging --function-version <the one before>",
         _point_staging),
    Step("upload the shell and static files to S3",
         "/_staging/ serves the new shell; _releases/<version>/ keeps the live one for promote",
         "nothing needed: live keys are untouched", _upload),
    Step(f"invalidate /{STAGING_PREFIX}/*", "CloudFront serves the new staging shell at once",
         "nothing needed: it only refreshes CloudFront's copies", _invalidate),
    Step("smoke test", "the new version (its Lambda version and build) answers through "
         "CloudFront: health, the waiver route, the sign-in page", NOTHING, _smoke,
         changes=False),
    Step("record the smoke test's pass on alias staging",
         "promote ships only a version whose smoke test passed",
         "staging again; promote refuses a version whose pass was withdrawn", _mark),
]  # fmt: skip


class Staging(Planned):
    def execute(self) -> int:
        """Snapshot → code → config → version → alias staging → S3 → invalidate → smoke test."""
        carry_out(self, STEPS, question=lambda r: f"Deploy this to staging of {r.plan.function}?")
        live = self.plan.live["FunctionVersion"] if self.plan.live else "not set"
        log.info(
            "Staging is version %s and passed its smoke test; live is still %s.", self.version, live
        )
        log.info(
            "Promote it with: python -m deploy promote --yes%s%s",
            _flag("--function", self.options),
            _flag("--distribution-id", self.options),
        )
        return 0


class PlanOnly(Planned):
    def execute(self) -> int:
        carry_out(self, STEPS, plan_only=True)
        echo("Nothing was changed (plan only). Run `python -m deploy staging` to apply it.")
        return 0


def _describe_source(plan: Plan) -> str:
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
    return f"scc {head or 'unknown commit'}, package sha256 {plan.package.sha256[:12]}"


def _flag(name: str, options: Any) -> str:
    value = getattr(options, name.lstrip("-").replace("-", "_"))
    if name == "--function" and value == DEFAULT_FUNCTION:
        return ""
    return f" {name} {value}" if value else ""
