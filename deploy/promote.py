"""`promote`: alias live → the staging version, if its smoke test passed; then live is
smoke-tested, and if it fails, live goes back to where it was by itself.

The shell and static files of each staged version wait under _releases/<version>/ and are copied
to the live keys: the static files before alias live moves, the shell after it. Promote ships
only a version whose staging smoke test passed (deploy/gate.py) and makes sure it is Active. It
also connects the table's stream to alias live, or brings an existing mapping to its settings
(deploy/streams.py), after making the queue the mapping sends failures to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploy import gate, lambdafn, s3shell, schedule, smoke, streams
from deploy.config import DEFAULT_TIMEZONE, LIVE, STAGING
from deploy.output import DeployError, log
from deploy.output import Step as Log
from deploy.rollback import WAKE, Rollback, back_steps, check_secrets, copy, point_live
from deploy.run import invalidate_step, site_url
from deploy.steps import Step, carry_out


@dataclass
class Promote(Rollback):
    """The version going live, where live was, and (from the Rollback fields) how to go back."""

    version: str = ""
    was: str | None = None
    earlier: list[str] = field(default_factory=list)  # live's history before this promote
    configuration: dict[str, Any] = field(default_factory=dict)
    live_arn: str = ""
    live_url: str = ""
    table: str = ""
    timezone: str = DEFAULT_TIMEZONE  # where the reminders' hours are (SCC_TIMEZONE)
    version_keys: list[str] = field(default_factory=list)
    failure: str = ""  # why live's smoke test failed
    can_go_back: str = ""  # why live could not go back by itself, if it cannot

    def waking(self) -> tuple[str, dict[str, Any]]:
        return self.version, self.configuration

    def execute(self) -> int:
        self.going_back = False  # the steps that undo act only when live's smoke test fails
        carry_out(
            self,
            STEPS,
            question=lambda r: f"Point live at version {r.version} (now {r.was or 'not set'})?",
        )
        if self.failure:
            raise DeployError(
                f"{self.failure} Live is back at version {self.was}, and version {self.version} "
                "is marked rolled back, so promote will not ship it again."
            )
        log.info("Live is version %s. To undo: python -m deploy rollback --yes", self.version)
        return 0


def _read(run: Promote, done: Log) -> None:
    lam, s3, function = run.clients.lambda_, run.clients.s3, run.options.function
    distribution = run.distribution()
    run.live_url = site_url(run, distribution)
    staging = lambdafn.read_alias(lam, function, STAGING)
    if staging is None:
        raise DeployError("There is no staging alias yet; run `python -m deploy staging`.")
    run.version = str(staging["FunctionVersion"])
    live = lambdafn.read_alias(lam, function, LIVE)
    run.was = str(live["FunctionVersion"]) if live else None
    run.earlier = lambdafn.live_history(live)
    run.unchanged.append(f"Alias live was not moved (it is at {run.was or 'not set'}).")
    run.configuration, environment = run.version_configuration(run.version)
    gate.check_passed(staging, run.configuration)
    gate.check_state(run.version, run.configuration)
    run.bucket_name = run.bucket(environment)
    run.version_keys = s3shell.release_keys(s3, run.bucket_name, run.version)
    s3shell.check_release(run.bucket_name, run.version, run.version_keys)
    run.table = streams.table_name(environment)
    run.timezone = environment.get("SCC_TIMEZONE") or DEFAULT_TIMEZONE
    if run.was is not None and run.was != run.version:
        # Going back, should live's smoke test fail, is read now too: nothing is read later.
        run.now, run.target, run.history, run.staging = run.version, run.was, run.earlier, staging
        run.target_configuration, was_environment = run.version_configuration(run.was)
        run.keys = s3shell.release_keys(s3, run.bucket_name, run.was)
        try:
            check_secrets(run, run.was, was_environment)
        except DeployError as refused:
            run.can_go_back = str(refused)
    else:
        run.can_go_back = "live has no earlier version to go back to."
    done.note(f"staging is {run.version} (smoke test passed), live is {run.was or 'not set'}")


def _static(run: Promote, done: Log) -> None:
    copy(run, done, run.bucket_name, run.version, run.version_keys, s3shell.STATIC)


def _point(run: Promote, done: Log) -> None:
    live = lambdafn.read_alias(run.clients.lambda_, run.options.function, LIVE)
    if live is not None and run.was == run.version:
        run.live_arn = str(live["AliasArn"])
        done.skip(f"live already is version {run.version}")
        return
    history = [v for v in ([run.was] if run.was else []) + run.earlier if v != run.version]
    description = lambdafn.live_description(history)
    run.live_arn = point_live(run, done, run.version, run.was, description)


def _shell(run: Promote, done: Log) -> None:
    copy(run, done, run.bucket_name, run.version, run.version_keys, s3shell.SHELL)


def _invalidate(run: Promote, done: Log) -> None:
    invalidate_step(run.log, done, run.clients.cloudfront, run.distribution_id(), ["/*"])


def _connect(run: Promote, done: Log) -> None:
    """Create the mapping from the table's stream to alias live, or bring it to the settings."""
    lam, tunables = run.clients.lambda_, run.options.tunables
    state = streams.read(lam, run.clients.dynamodb, run.table, run.live_arn)
    queue = streams.queue_arn(run.clients.sqs, streams.queue_name(run.options.function))
    if state.problem or queue is None:
        reason = state.line() if state.problem else "there is no failure queue"
        log.warning("    WARNING: %s", reason)
        done.skip(reason)
    elif state.mapping:
        changed = streams.converge(lam, state.mapping, queue, tunables)
        if not changed:
            done.skip(state.line(queue))
            return
        uuid = state.mapping["UUID"]
        run.log.record(f"event source mapping {uuid} updated: {'; '.join(changed)}")
        done.note(f"mapping {uuid}: {'; '.join(changed)}")
    else:
        uuid = streams.create(lam, state, run.live_arn, queue, tunables)
        run.log.record(f"event source mapping {uuid} created (table {run.table} → alias live)")
        done.note(f"mapping {uuid}: table {run.table} → alias live")


def _schedule(run: Promote, done: Log) -> None:
    clients = run.clients
    line = schedule.ensure(
        clients.scheduler, clients.iam, run.live_arn, run.timezone, run.options.tunables
    )
    if line.endswith("(ok)"):
        done.skip(line)
    else:
        run.log.record(line)
        done.note(line)


def _smoke(run: Promote, done: Log) -> None:
    expected = smoke.Expected(run.version)
    shell = run.options.smoke_shell_path
    try:
        results = smoke.run(run.live_url, shell, run.options.tunables, expected)
    except DeployError as failed:
        if run.can_go_back:
            message = f"{failed} Live stays at version {run.version}: {run.can_go_back}"
            raise DeployError(message) from None
        run.failure, run.going_back = str(failed), True
        log.error("    %s Going back to version %s.", failed, run.was)
        done.note(f"failed; live goes back to {run.was}")
        return
    for result in results:
        done.note(result)


STEPS: list[Step[Promote]] = [
    Step("read aliases staging and live, the smoke test's mark, the versions, bucket and "
         "distribution", "every refusal happens here, before anything changes", "nothing", _read,
         changes=False),
    WAKE,
    streams.QUEUE_STEP,
    Step("copy the static files to the live paths",
         "they are there before the shell that names them", "rollback", _static),
    Step("point alias live at the staging version", "live serves the version that passed",
         "python -m deploy rollback", _point),
    Step("copy the shell to the live path", "exactly what was staged, whatever this checkout holds",
         "rollback", _shell),
    Step("invalidate /*", "CloudFront serves the new shell at once", "nothing", _invalidate),
    Step("connect the table's stream to alias live, or bring the mapping to its settings",
         "notifications run the live code; the filter, retries and failure queue are what keep "
         "a notice from being lost", "aws lambda update-event-source-mapping (see DEPLOY.md)",
         _connect),
    Step("make or fix the reminders schedule (EventBridge Scheduler → alias live)",
         "patrons are reminded hourly by the live code, through a role that may invoke alias "
         "live and nothing else", "aws scheduler delete-schedule --name scc-reminders", _schedule),
    Step("smoke-test live", "the promoted version answers through CloudFront at the site's "
         "own address; if not, the steps below take live back", "nothing", _smoke),
    *back_steps("if live's smoke test failed: "),
]  # fmt: skip
