"""Cold first requests: a new process's init plus its first request through
`lambda_entry.handler`, against the bare stack (a bare Flask route behind apig-wsgi making the
same DynamoDB calls through one boto3 client and returning the same bytes). botocore's whole
path counts: its HTTP answers, recorded from moto (bench.recording), are fed back at its
`before-send` hook, so serializing, signing and parsing are timed on both sides.

`python -m bench.cold_request ours|bare ACTION FILE` is one timed cold process; it prints
the CPU seconds from its first line to the handler's answer. Ours runs from the app's part of
the Lambda package as deploy.build assembles it: the sources copied, the templates compiled to
modules, and everything compiled to .pyc files (`compileall`)."""

from __future__ import annotations

import time

# The timed process counts from here, before any import. CPU time, not wall time: the cold path
# is all CPU (the answers are replayed from memory), and on a shared machine CPU time is what
# another tenant cannot inflate.
T0 = time.process_time()

import base64  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMED = ("board", "modal", "log payment")
COLD_LIMIT = 1.35  # docs/PERFORMANCE.md "Budgets": the cold first board vs the bare stack's
RESTORED_LIMIT = 1.3  # and the first board after a SnapStart restore vs a warm board


class _Raw:
    """What botocore reads an HTTP body from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def install_replay(answers: Iterator[dict[str, Any] | None]) -> None:
    """Answer each DynamoDB call, in order, with what moto answered when it was recorded (None:
    leave this call to another handler, e.g. the SnapStart warm-up's)."""
    from botocore import handlers
    from botocore.awsrequest import AWSResponse

    def replay(request: Any, **_: Any) -> Any:
        call = next(answers)
        if call is None:
            return None
        raw = _Raw(base64.b64decode(call["body"]))
        return AWSResponse(request.url, call["status"], call["headers"], raw)

    handlers.BUILTIN_HANDLERS.append(("before-send.dynamodb", replay))


def bare_handler(recorded: dict[str, Any]) -> Any:
    """One Flask route behind apig-wsgi: the same calls through one boto3 client, the same bytes."""
    import boto3
    from apig_wsgi import make_lambda_handler
    from botocore import xform_name
    from flask import Flask, Response

    app = Flask("bare")
    answer = recorded["response"]
    headers = {k: v for k, v in answer["headers"].items() if k.lower() != "content-length"}
    body = base64.b64decode(answer["body"]) if answer["isBase64Encoded"] else answer["body"]
    client: list[Any] = []

    @app.route("/<path:anything>", methods=["GET", "POST"])
    def same(anything: str) -> Response:
        if not client:
            client.append(boto3.client("dynamodb"))
        for call in recorded["calls"]:
            getattr(client[0], xform_name(call["operation"]))(**call["params"])
        return Response(body, status=answer["statusCode"], headers=headers)

    return make_lambda_handler(app, binary_support=True)


def event_for(this: dict[str, Any]) -> dict[str, Any]:
    """The recorded request, carrying a token signed just before this process started."""
    fresh = os.environ.get("BENCH_TOKEN")  # the recording's own token would be past its check
    headers = this["event"]["headers"]
    if fresh and "authorization" in headers:
        headers["authorization"] = f"Bearer {fresh}"
    return dict(this["event"])


def check(response: dict[str, Any], this: dict[str, Any]) -> None:
    """The answer the recording got: same status, the same page (only per-request values
    differ: a fresh form key, a timestamp)."""
    assert response["statusCode"] == this["response"]["statusCode"], response  # noqa: S101
    assert abs(len(response["body"]) - len(this["response"]["body"])) < 16  # noqa: S101


def timed(side: str, action: str, path: Path) -> float:
    recorded = json.loads(path.read_text())
    os.environ.update(recorded["env"])
    this = recorded[action]
    install_replay(iter(this["calls"]))
    if side == "ours":
        import lambda_entry

        handler = lambda_entry.handler
    else:
        handler = bare_handler(this)
    response = handler(event_for(this), None)
    elapsed = time.process_time() - T0
    if side == "ours":  # the app under test, not the checkout's sources
        assert Path(lambda_entry.__file__).parent == Path.cwd()  # noqa: S101
    check(response, this)
    return elapsed


def fresh_token() -> str:
    """A session for the recording's member, signed now: a token the roster vouched for more
    than 5 minutes ago would make its first read ask the roster again (scc.auth.guard)."""
    from bench.common import ENV
    from scc.auth import sessions

    token, _ = sessions.start([ENV["SCC_SECRET_KEY"]], "cory", "owner", 0)
    return token


def package(target: Path) -> Path:
    """The app as the Lambda package holds it (deploy.build): sources, compiled templates, .pyc."""
    import compileall

    from deploy import build

    build.copy_sources(target)
    build.compile_templates(target)
    compileall.compile_dir(target, quiet=1)
    return target


def one_process(side: str, action: str, path: Path, app: Path = ROOT) -> float:
    """One timed cold process, run in app's folder (its lambda_entry and scc come first on the
    path; bench comes from this checkout); its own figure (init + first request) comes back."""
    from bench.common import ENV

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.cold_request", side, action, str(path)],
        env={**os.environ, **ENV, "BENCH_TOKEN": fresh_token(), "PYTHONPATH": str(ROOT)},
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def run(path: Path, recording: dict[str, Any], rounds: int = 15) -> tuple[str, list[Any]]:
    """Each timed action cold (ours and the bare stack's, in turn), restored and warm; the
    board's ratios are budgets (docs/PERFORMANCE.md "Budgets")."""
    import compileall

    from bench import restored
    from bench.common import Budget, alternate, table

    compileall.compile_dir(ROOT / "bench", quiet=1)
    app = package(path.parent / "package")
    after_restore = restored.measure(path, app, rounds)
    rows, budgets, kernel = [], [], []
    for action in TIMED:
        ours, bare = alternate(
            lambda a=action: one_process("ours", a, path, app),
            lambda a=action: one_process("bare", a, path),
            rounds,
        )
        first, warm, first_kernel, warm_kernel, first_faults, warm_faults = after_restore[action]
        kernel.append(
            [
                action,
                f"{first_kernel * 1000:.1f} ms / {warm_kernel * 1000:.1f} ms",
                f"{first_faults:.0f} / {warm_faults:.0f}",
            ]
        )
        calls = " + ".join(c["operation"] for c in recording[action]["calls"])
        rows.append(
            [
                action,
                *(f"{seconds * 1000:.1f} ms" for seconds in (ours, bare)),
                f"{ours / bare:.2f}x",
                *(f"{seconds * 1000:.1f} ms" for seconds in (first, warm)),
                f"{first / warm:.2f}x",
                calls,
            ]
        )
        if action == "board":
            cold, after = round(ours / bare, 2), round(first / warm, 2)
            budgets += [
                Budget("cold first request: board of 50 vs bare stack", cold, COLD_LIMIT, "x"),
                Budget("restored first request: board of 50 vs warm", after, RESTORED_LIMIT, "x"),
            ]
    out = table(
        f"First requests, CPU time (medians of {rounds}): cold = a new process's init and first "
        "request (ours and the bare stack's, alternating); restored = after a SnapStart restore "
        "(a fork after the before-snapshot hooks: the after-restore hooks and the first "
        "request); warm = the same request again in that process",
        [
            "action",
            "cold",
            "bare stack, cold",
            "cold / bare",
            "restored",
            "warm",
            "restored / warm",
            "DynamoDB calls",
        ],
        rows,
    )
    out += table(
        "Restored and warm: CPU time in the kernel, page faults (a fork copies each page its "
        "child first writes; a restore pages in the snapshot on first touch)",
        ["action", "kernel time, restored / warm", "page faults, restored / warm"],
        kernel,
    )
    return out, budgets


if __name__ == "__main__":
    print(f"{timed(sys.argv[1], sys.argv[2], Path(sys.argv[3])):.6f}")
