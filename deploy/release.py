"""`promote` (live → the staging version) and `rollback` (live → the version before it).

Alias live's description keeps the earlier live versions, most recent first, so rollback knows
where to go even from another machine. The shell and static files of each staged version wait
under _releases/<version>/ and are copied to the live keys with the alias.
"""

from __future__ import annotations

from deploy import lambdafn, s3shell, streams
from deploy.config import LIVE, STAGING
from deploy.output import DeployError, Step, log
from deploy.run import Run, invalidate_step

READ_PROMOTE = "read aliases staging and live"
POINT_LIVE = "point alias live at the staging version"
COPY = "copy the shell and static files to the live paths"
INVALIDATE = "invalidate /*"
CONNECT = "connect the table's stream to alias live (notifications)"
PROMOTE_STEPS = [READ_PROMOTE, POINT_LIVE, COPY, INVALIDATE, CONNECT]

READ_ROLLBACK = "read alias live and its history"
POINT_BACK = "point alias live back at the previous version"
RESTORE = "restore that version's shell and static files"
ROLLBACK_STEPS = [READ_ROLLBACK, POINT_BACK, RESTORE, INVALIDATE]


def promote(run: Run) -> int:
    options, lam, s3 = run.options, run.clients.lambda_, run.clients.s3
    distribution_id = run.distribution_id()  # a missing option is said before any call
    steps = run.start(PROMOTE_STEPS)
    with steps.step(READ_PROMOTE) as step:
        staging = lambdafn.read_alias(lam, options.function, STAGING)
        if staging is None:
            raise DeployError("There is no staging alias yet; run `python -m deploy staging`.")
        version = str(staging["FunctionVersion"])
        live = lambdafn.read_alias(lam, options.function, LIVE)
        was = str(live["FunctionVersion"]) if live else None
        environment = run.version_environment(version)
        bucket = run.bucket(environment)
        keys = s3shell.release_keys(s3, bucket, version)
        if not keys:
            raise DeployError(
                f"Version {version} has no staged shell in s3://{bucket}/; run staging again."
            )
        step.note(f"staging is {version}, live is {was or 'not set'}")
    run.unchanged.append(f"Alias live was not moved (it is at {was or 'not set'}).")
    run.confirm(f"Point live at version {version} (now {was or 'not set'})?")
    with steps.step(POINT_LIVE) as step:
        if live is not None and was == version:
            live_arn = str(live["AliasArn"])
            step.skip(f"live already is version {version}")
        else:
            history = [
                v for v in ([was] if was else []) + lambdafn.live_history(live) if v != version
            ]
            live_arn = _move_live(run, step, version, was, history)
    with steps.step(COPY) as step:
        _copy(run, step, bucket, version, keys)
    with steps.step(INVALIDATE) as step:
        invalidate_step(steps, step, run.clients.cloudfront, distribution_id, ["/*"])
    with steps.step(CONNECT) as step:
        connect_stream(run, streams.table_name(environment), live_arn, step)
    log.info("Live is version %s. To undo: python -m deploy rollback --yes", version)
    return 0


def _move_live(run: Run, step: Step, version: str, was: str | None, history: list[str]) -> str:
    """Point alias live at `version`, keeping `history` (earlier live versions) in its
    description; returns the alias's ARN."""
    arn = lambdafn.point_alias(
        run.clients.lambda_,
        run.options.function,
        LIVE,
        version,
        lambdafn.live_description(history),
        run.options.tunables,
    )
    run.unchanged.clear()
    assert run.steps is not None  # noqa: S101 - run.start made them
    run.steps.record(f"alias live → version {version} (was {was or 'not set'})")
    step.note(f"live {was or 'not set'} → {version}")
    return arn


def _copy(run: Run, step: Step, bucket: str, version: str, keys: list[str]) -> None:
    copied = s3shell.copy_release(run.clients.s3, bucket, version, keys)
    assert run.steps is not None  # noqa: S101 - run.start made them
    run.steps.record(f"{copied} files of version {version} copied to the live paths")
    step.note(f"{copied} files")


def connect_stream(run: Run, table: str, live_arn: str, step: Step) -> None:
    """Create the mapping from the table's stream to alias live if it is missing (idempotent)."""
    lam, steps = run.clients.lambda_, run.steps
    assert steps is not None  # noqa: S101 - run.start made them
    state = streams.read(lam, run.clients.dynamodb, table, live_arn)
    if state.problem:
        log.warning("    WARNING: %s", state.line())
        step.skip(state.line())
    elif state.mapping:
        step.skip(state.line())
    else:
        uuid = streams.create(lam, state, live_arn, run.options.tunables)
        steps.record(f"event source mapping {uuid} created (table {table} → alias live)")
        step.note(f"mapping {uuid}: table {table} → alias live")


def rollback(run: Run) -> int:
    options, lam, s3 = run.options, run.clients.lambda_, run.clients.s3
    distribution_id = run.distribution_id()  # a missing option is said before any call
    steps = run.start(ROLLBACK_STEPS)
    with steps.step(READ_ROLLBACK) as step:
        live = lambdafn.read_alias(lam, options.function, LIVE)
        if live is None:
            raise DeployError("There is no live alias, so there is nothing to roll back.")
        now = str(live["FunctionVersion"])
        history = lambdafn.live_history(live)
        if not history:
            raise DeployError(
                f"Alias live (version {now}) records no earlier live version, so there is nothing "
                "to roll back to. To point it by hand: aws lambda update-alias --function-name "
                f"{options.function} --name live --function-version <N>"
            )
        target = history[0]
        bucket = run.bucket(run.version_environment(target))
        keys = s3shell.release_keys(s3, bucket, target)
        step.note(f"live is {now}, goes back to {target}")
    run.unchanged.append(f"Alias live was not moved (it is at {now}).")
    run.confirm(f"Point live back at version {target} (now {now})?")
    with steps.step(POINT_BACK) as step:
        _move_live(run, step, target, now, history[1:])
    with steps.step(RESTORE) as step:
        if keys:
            _copy(run, step, bucket, target, keys)
        else:
            step.skip(f"no stored shell for version {target}; the live files were left as they are")
    with steps.step(INVALIDATE) as step:
        invalidate_step(steps, step, run.clients.cloudfront, distribution_id, ["/*"])
    log.info("Live is back at version %s (code and configuration of that version).", target)
    return 0
