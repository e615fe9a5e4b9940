"""Restored first requests (Lambda SnapStart). Lambda snapshots the initialised process once per
version and restores it for each cold start; here a fork stands in for a restore. One process
initialises the app as Lambda does for SnapStart (`AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`,
`import lambda_entry`) and runs the before-snapshot hooks as Lambda's runtime runs them; then each
`os.fork()` is one restore: the child runs the after-restore hooks and its first request (timed),
then the same request again (the warm figure). CPU time of the child, as in bench.cold_request,
whose recorded DynamoDB answers are fed back the same way.

`python -m bench.restored FILE ROUNDS [--without-hooks]` runs in the package's folder and prints,
as JSON, each timed action's [first, warm] CPU seconds per restore; `--without-hooks` snapshots a
plain init instead (no hooks registered: what a restore cost before scc.snapstart)."""

from __future__ import annotations

import itertools
import json
import os
import random
import resource
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.cold_request import TIMED, check, event_for, install_replay

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def run_before_snapshot() -> None:
    """As Lambda's runtime does once the init is done: the hooks in reverse order of
    registration (awslambdaric's lambda_runtime_hooks_runner; AWS's page on Python's runtime
    hooks: https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html)."""
    from snapshot_restore_py import get_before_snapshot

    hooks = get_before_snapshot()
    while hooks:
        func, args, kwargs = hooks.pop()
        func(*args, **kwargs)


def run_after_restore() -> None:
    """As Lambda's runtime does in each restored process: the hooks in order of registration."""
    from snapshot_restore_py import get_after_restore

    for func, args, kwargs in get_after_restore():
        func(*args, **kwargs)


def in_restored(work: Callable[[float], str]) -> str:
    """Fork (a restore of this process), run the after-restore hooks and `work` in the child
    (given the child's CPU time when it began), and return what work returned; the child's
    failure fails here."""
    read, write = os.pipe()
    # A restore resumes the snapshot's memory as it was; a fork does not quite: Python's random
    # module reseeds itself in a forked child (os.register_at_fork), which no restore does. The
    # child takes the parent's state back, as a restored process has it.
    state = random.getstate()
    pid = os.fork()
    if pid == 0:  # the child never returns into the caller
        status = 1
        try:
            os.close(read)
            random.setstate(state)
            start = time.process_time()
            run_after_restore()
            os.write(write, work(start).encode())
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"the restored process failed (wait status {status})")
    return out


class Answers:
    """The recorded answers of the action being timed, again for each request; none before
    one is loaded (the warm-up before the snapshot answers its own calls)."""

    def __init__(self) -> None:
        self.calls: Iterator[dict[str, Any] | None] = itertools.repeat(None)

    def load(self, calls: list[dict[str, Any]]) -> None:
        self.calls = itertools.cycle(calls)

    def __iter__(self) -> Iterator[dict[str, Any] | None]:
        return self

    def __next__(self) -> dict[str, Any] | None:
        return next(self.calls)


def restore_once(handler: Handler, this: dict[str, Any], answers: Answers) -> list[float]:
    """One restore: the after-restore hooks and the first request, then the request again.
    Each as [CPU seconds, of which in the kernel, page faults]: the kernel's share of a first
    request is mostly the pages a fork copies on first write (a restore pages in the snapshot's
    memory on first touch too)."""

    def work(start: float) -> str:  # the hooks count, as on Lambda
        answers.load(this["calls"])
        begin = resource.getrusage(resource.RUSAGE_SELF)
        check(handler(event_for(this), None), this)
        first, middle = time.process_time() - start, resource.getrusage(resource.RUSAGE_SELF)
        start = time.process_time()
        check(handler(event_for(this), None), this)
        warm, end = time.process_time() - start, resource.getrusage(resource.RUSAGE_SELF)
        return json.dumps(
            [
                first,
                warm,
                middle.ru_stime - begin.ru_stime,
                end.ru_stime - middle.ru_stime,
                middle.ru_minflt - begin.ru_minflt,
                end.ru_minflt - middle.ru_minflt,
            ]
        )

    return list(json.loads(in_restored(work)))


def main(path: Path, rounds: int, hooks: bool = True) -> dict[str, list[list[float]]]:
    """hooks=False: a snapshot of a plain init (the app before it had SnapStart's hooks)."""
    recorded = json.loads(path.read_text())
    init = "snap-start" if hooks else "on-demand"
    os.environ.update(recorded["env"], AWS_LAMBDA_INITIALIZATION_TYPE=init)
    answers = Answers()
    install_replay(answers)
    import lambda_entry

    assert Path(lambda_entry.__file__).parent == Path.cwd()  # noqa: S101 - the package's app
    run_before_snapshot()
    handler = lambda_entry.handler
    return {
        action: [restore_once(handler, recorded[action], answers) for _ in range(rounds)]
        for action in TIMED
    }


def measure(path: Path, app: Path, rounds: int, *options: str) -> dict[str, list[float]]:
    """Each timed action's medians (restored, warm, their kernel time and page faults), from
    one process run in the package's folder (app)."""
    import statistics
    import subprocess

    from bench.cold_request import ROOT, fresh_token
    from bench.common import ENV

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.restored", str(path), str(rounds), *options],
        env={**os.environ, **ENV, "BENCH_TOKEN": fresh_token(), "PYTHONPATH": str(ROOT)},
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        action: [statistics.median(column) for column in zip(*runs, strict=True)]
        for action, runs in found.items()
    }


if __name__ == "__main__":
    hooks = "--without-hooks" not in sys.argv
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), hooks)))
