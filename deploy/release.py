"""`promote` (live → the staging version) and `rollback` (live → the version before it).

Alias live's description keeps the earlier live versions, most recent first, so rollback knows
where to go even from another machine. The shell and static files of each staged version wait
under _releases/<version>/ and are copied to the live keys: the static files before alias live
moves, the shell after it. Promote ships only a version whose staging smoke test passed (see
deploy/gate.py); both make sure the version is Active before live points at it.
"""

from __future__ import annotations

from deploy import gate, lambdafn, s3shell, streams
from deploy.config import LIVE, STAGING
from deploy.output import DeployError, Step, Steps, log
from deploy.run import Run, invalidate_step

READ_PROMOTE = "read aliases staging and live, the smoke test's mark and the version"
WAKE = "make sure the version is Active (SnapStart: wake it)"
COPY_STATIC = "copy the static files to the live paths"
POINT_LIVE = "point alias live at the staging version"
COPY_SHELL = "copy the shell to the live path"
INVALIDATE = "invalidate /*"
CONNECT = "connect the table's stream to alias live (notifications)"
PROMOTE_STEPS = [READ_PROMOTE, WAKE, COPY_STATIC, POINT_LIVE, COPY_SHELL, INVALIDATE, CONNECT]

READ_ROLLBACK = "read alias live, its history and the version before"
WITHDRAW = "withdraw the smoke test's pass of the version taken off live (alias staging)"
RESTORE_STATIC = "restore that version's static files"
POINT_BACK = "point alias live back at the previous version"
RESTORE_SHELL = "restore that version's shell"
ROLLBACK_STEPS = [
    READ_ROLLBACK,
    WAKE,
    WITHDRAW,
    RESTORE_STATIC,
    POINT_BACK,
    RESTORE_SHELL,
    INVALIDATE,
]


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
        run.unchanged.append(f"Alias live was not moved (it is at {was or 'not set'}).")
        configuration, environment = run.version_configuration(version)
        gate.check_passed(staging, configuration)
        gate.check_state(version, configuration)
        bucket = run.bucket(environment)
        keys = s3shell.release_keys(s3, bucket, version)
        s3shell.check_release(bucket, version, keys)
        step.note(f"staging is {version} (smoke test passed), live is {was or 'not set'}")
    run.confirm(f"Point live at version {version} (now {was or 'not set'})?")
    with steps.step(WAKE, wait=True) as step:
        gate.wake(lam, options.function, version, configuration, step, options.tunables)
    with steps.step(COPY_STATIC) as step:
        _copy(run, step, bucket, version, keys, part=s3shell.STATIC)
    with steps.step(POINT_LIVE) as step:
        if live is not None and was == version:
            live_arn = str(live["AliasArn"])
            step.skip(f"live already is version {version}")
        else:
            history = [
                v for v in ([was] if was else []) + lambdafn.live_history(live) if v != version
            ]
            live_arn = _move_live(run, step, version, was, history)
    with steps.step(COPY_SHELL) as step:
        _copy(run, step, bucket, version, keys, part=s3shell.SHELL)
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
    _steps(run).record(f"alias live → version {version} (was {was or 'not set'})")
    step.note(f"live {was or 'not set'} → {version}")
    return arn


def _copy(run: Run, step: Step, bucket: str, version: str, keys: list[str], *, part: str) -> None:
    if not s3shell.has_shell(version, keys):
        step.skip(f"no stored files for version {version}; the live files were left as they are")
        return
    copied = s3shell.copy_release(run.clients.s3, bucket, version, keys, part)
    what = "shell" if part == s3shell.SHELL else f"{copied} static files"
    _steps(run).record(f"the {what} of version {version} copied to the live paths")
    step.note(what)


def _steps(run: Run) -> Steps:
    assert run.steps is not None  # noqa: S101 - run.start made them
    return run.steps


def connect_stream(run: Run, table: str, live_arn: str, step: Step) -> None:
    """Create the mapping from the table's stream to alias live if it is missing (idempotent)."""
    lam, steps = run.clients.lambda_, _steps(run)
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
        run.unchanged.append(f"Alias live was not moved (it is at {now}).")
        configuration, environment = run.version_configuration(target)
        gate.check_state(target, configuration)
        staging = lambdafn.read_alias(lam, options.function, STAGING)
        bucket = run.bucket(environment)
        keys = s3shell.release_keys(s3, bucket, target)
        step.note(f"live is {now}, goes back to {target}")
    run.confirm(f"Point live back at version {target} (now {now})?")
    with steps.step(WAKE, wait=True) as step:
        gate.wake(lam, options.function, target, configuration, step, options.tunables)
    with steps.step(WITHDRAW) as step:
        if gate.withdraw(lam, options.function, staging, now, options.tunables):
            steps.record(f"alias staging (version {now}) no longer marked as passed")
            step.note(f"staging is {now}: promote will refuse it")
        else:
            step.skip(f"staging is not version {now}")
    with steps.step(RESTORE_STATIC) as step:
        _copy(run, step, bucket, target, keys, part=s3shell.STATIC)
    with steps.step(POINT_BACK) as step:
        _move_live(run, step, target, now, history[1:])
    with steps.step(RESTORE_SHELL) as step:
        _copy(run, step, bucket, target, keys, part=s3shell.SHELL)
    with steps.step(INVALIDATE) as step:
        invalidate_step(steps, step, run.clients.cloudfront, distribution_id, ["/*"])
    log.info("Live is back at version %s (code and configuration of that version).", target)
    return 0
