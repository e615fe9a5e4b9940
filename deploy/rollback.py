"""`rollback`: alias live back to the version before it, its files included, safely repeatable.

Alias live's description keeps the earlier live versions, most recent first, so rollback knows
where to go even from another machine. Every id it needs (alias, versions, distribution, bucket,
the release files) is read before the first change. When it moves live it writes down, in the
same description, the version it is rolling back from ("rolling back from 7"), and clears that
only at its last step: run again after a failure midway (the invalidation, say), it finishes that
rollback instead of going one more version back.

A published version's configuration is frozen with it, so going back brings back that version's
environment. Rollback refuses when that would put an older value of a secret back in force than
the function has now (a rotated Gmail token, SCC_SECRET_KEY, SCC_ORIGIN_SECRET, the Stripe keys):
secrets kept as Parameter Store references (scc.runtime_secrets) are read at run time, so they
never stand in the way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deploy import gate, lambdafn, s3shell
from deploy.config import LIVE, STAGING
from deploy.envmerge import known_variables
from deploy.output import DeployError, log
from deploy.output import Step as Log
from deploy.run import Run, invalidate_step
from deploy.steps import Step, carry_out
from scc.runtime_secrets import NAMES


@dataclass
class Rollback(Run):
    """Where live goes back to, all of it read before anything changes."""

    now: str = ""  # the version taken off live
    target: str = ""  # the version live goes back to
    history: list[str] = field(default_factory=list)  # earlier live versions, after the target
    pending: bool = False  # an earlier rollback moved live and did not finish
    target_configuration: dict[str, Any] = field(default_factory=dict)
    staging: dict[str, Any] | None = None
    bucket_name: str = ""
    keys: list[str] = field(default_factory=list)
    going_back: bool = True  # promote: only when live's smoke test failed

    def waking(self) -> tuple[str, dict[str, Any]]:
        """The version live is about to point at, and its configuration (for WAKE)."""
        return self.target, self.target_configuration

    def execute(self) -> int:
        carry_out(
            self,
            STEPS,
            question=lambda r: f"Point live back at version {r.target} (now {r.now})?",
        )
        log.info(
            "Live is back at version %s (code and configuration of that version).", self.target
        )
        return 0


def older_secrets(target: dict[str, str], current: dict[str, str]) -> list[str]:
    """The secret variables to which the target version gives another value than the function
    has now (a variable the target lacks brings back nothing)."""
    return [name for name in NAMES if name in target and target[name] != current.get(name)]


def check_secrets(run: Run, version: str, environment: dict[str, str]) -> None:
    """Refuse a version that would bring back an older secret than $LATEST holds now."""
    current = known_variables(
        run.clients.lambda_.get_function_configuration(FunctionName=run.options.function)
    )
    older = older_secrets(environment, current)
    if older:
        raise DeployError(
            f"Version {version} was published with other values of {', '.join(older)} than the "
            "function has now (rotated since); pointing live at it would put those back in "
            "force. Keep secrets as Parameter Store references (docs/DEPLOY.md, Secrets) and "
            "stage again, or stage the code you want with the current values."
        )


def _read(run: Rollback, done: Log) -> None:
    lam, function = run.clients.lambda_, run.options.function
    run.distribution()  # a wrong --distribution-id stops here, before any change
    live = lambdafn.read_alias(lam, function, LIVE)
    if live is None:
        raise DeployError("There is no live alias, so there is nothing to roll back.")
    history, unfinished = lambdafn.live_history(live), lambdafn.rolling_back_from(live)
    if unfinished is not None:  # finish that rollback, not one more
        run.now, run.target, run.history, run.pending = (
            unfinished,
            str(live["FunctionVersion"]),
            history,
            True,
        )
    elif history:
        run.now, run.target, run.history = str(live["FunctionVersion"]), history[0], history[1:]
    else:
        raise DeployError(
            f"Alias live (version {live['FunctionVersion']}) records no earlier live version, so "
            "there is nothing to roll back to. To point it by hand: aws lambda update-alias "
            f"--function-name {function} --name live --function-version <N>"
        )
    run.unchanged.append(f"Alias live was not moved (it is at {live['FunctionVersion']}).")
    prepare_going_back(run)
    again = " (finishing the rollback that did not end)" if run.pending else ""
    done.note(f"live is {live['FunctionVersion']}, goes back to {run.target}{again}")


def prepare_going_back(run: Rollback) -> None:
    """Read what going back to run.target needs and refuse what cannot be done: the version's
    state, its secrets, alias staging, the bucket and the release files."""
    lam, s3 = run.clients.lambda_, run.clients.s3
    run.target_configuration, environment = run.version_configuration(run.target)
    gate.check_state(run.target, run.target_configuration)
    check_secrets(run, run.target, environment)
    run.staging = lambdafn.read_alias(lam, run.options.function, STAGING)
    run.bucket_name = run.bucket(environment)
    s3shell.check_bucket(s3, run.bucket_name)
    run.keys = s3shell.release_keys(s3, run.bucket_name, run.target)


def copy(run: Run, done: Log, bucket: str, version: str, keys: list[str], part: str) -> None:
    """Copy one part of a staged release to the live keys (promote and rollback)."""
    if not s3shell.has_shell(version, keys):
        done.skip(f"no stored files for version {version}; the live files were left as they are")
        return
    copied = s3shell.copy_release(run.clients.s3, bucket, version, keys, part)
    what = "shell" if part == s3shell.SHELL else f"{copied} static files"
    run.log.record(f"the {what} of version {version} copied to the live paths")
    done.note(what)


def point_live(run: Run, done: Log, version: str, was: str | None, description: str) -> str:
    """Point alias live at `version` with this description; returns the alias's ARN."""
    arn = lambdafn.point_alias(
        run.clients.lambda_, run.options.function, LIVE, version, description, run.options.tunables
    )
    run.unchanged.clear()
    run.log.record(f"alias live → version {version} (was {was or 'not set'})")
    done.note(f"live {was or 'not set'} → {version}")
    return arn


def _only_going_back(act: Callable[[Rollback, Log], None]) -> Callable[[Rollback, Log], None]:
    def guarded(run: Rollback, done: Log) -> None:
        if not run.going_back:
            done.skip("live's smoke test passed: nothing to undo")
        else:
            act(run, done)

    return guarded


def _wake(run: Rollback, done: Log) -> None:
    version, configuration = run.waking()
    lam, tunables = run.clients.lambda_, run.options.tunables
    gate.wake(lam, run.options.function, version, configuration, done, tunables)


def _withdraw(run: Rollback, done: Log) -> None:
    lam, function = run.clients.lambda_, run.options.function
    if gate.withdraw(lam, function, run.staging, run.now, run.options.tunables):
        run.log.record(f"alias staging (version {run.now}) no longer marked as passed")
        done.note(f"staging is {run.now}: promote will refuse it")
    else:
        done.skip(f"staging is not version {run.now}")


def _static(run: Rollback, done: Log) -> None:
    copy(run, done, run.bucket_name, run.target, run.keys, s3shell.STATIC)


def _point_back(run: Rollback, done: Log) -> None:
    if run.pending:
        done.skip(f"live already is version {run.target}")
        return
    marked = lambdafn.live_description(run.history, rolling_back_from=run.now)
    point_live(run, done, run.target, run.now, marked)


def _shell(run: Rollback, done: Log) -> None:
    copy(run, done, run.bucket_name, run.target, run.keys, s3shell.SHELL)


def _invalidate(run: Rollback, done: Log) -> None:
    invalidate_step(run.log, done, run.clients.cloudfront, run.distribution_id(), ["/*"])


def _finish(run: Rollback, done: Log) -> None:
    lambdafn.point_alias(
        run.clients.lambda_, run.options.function, LIVE, run.target,
        lambdafn.live_description(run.history), run.options.tunables,
    )  # fmt: skip
    run.log.record(f"alias live records the rollback from {run.now} as finished")
    done.note(f"history: {' '.join(run.history) or 'none'}")


def back_steps(when: str = "") -> list[Step[Rollback]]:
    """Going back, as rollback does it and promote does when live's smoke test fails (`when`
    says so in each title)."""
    steps = [
        ("withdraw the smoke test's pass of the version taken off live (alias staging)",
         "promote must not ship that version again", "stage a new version", _withdraw),
        ("restore that version's static files", "the shell it brings back names them",
         "promote again", _static),
        ("point alias live back at the previous version",
         "live serves the code and configuration it had; the description notes the rollback "
         "until it is finished, so a second run finishes it rather than going further back",
         "promote again", _point_back),
        ("restore that version's shell", "the sign-in page and the board match the code",
         "promote again", _shell),
        ("invalidate /*", "CloudFront serves the restored shell at once", "nothing", _invalidate),
        ("record the rollback as finished (alias live's description)",
         "the next rollback goes one further back, not this one again", "nothing", _finish),
    ]  # fmt: skip
    return [Step(when + what, why, undo, _only_going_back(act)) for what, why, undo, act in steps]


WAKE: Step[Rollback] = Step(
    "make sure the version is Active (SnapStart: wake it)",
    "an alias may point only at an Active version",
    "nothing",
    _wake,
    wait=True,
)
STEPS: list[Step[Rollback]] = [
    Step("read alias live, its history and the version before, the bucket and the distribution",
         "every id is checked, and an older secret refused, before anything changes",
         "nothing", _read, changes=False),
    WAKE,
    *back_steps(),
]  # fmt: skip
