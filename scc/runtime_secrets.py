"""The secrets the app reads at run time: each is in the function's environment either itself
(the seeds' way, kept there by the deploy's merge) or as a reference to an AWS Systems Manager
Parameter Store SecureString, `ssm:<parameter name>`.

Why references: a Lambda version's environment is frozen when the version is published, so a
rollback brings back the values that version was published with, a revoked Gmail token
included. A reference reads the parameter's current value whatever version runs, so a rotated
secret stays rotated (docs/DEPLOY.md, "Secrets").

References are read on first need (the first request or stream batch: never at import or init),
all in one GetParameters call, and kept for the process for at most MAX_AGE, so a rotated value
reaches warm processes too (as the AWS Parameters and Secrets Lambda Extension's default cache
does). `clear()` forgets them and the client, so a process restored from a SnapStart snapshot
reads them afresh.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask import Flask

PREFIX = "ssm:"
# Every variable that holds a secret (README.md "Configuration"); the deploy reads this list too
# (snapshots keep their hashes only; rollback refuses to bring back an older value).
NAMES = (
    "SCC_SECRET_KEY", "SCC_ORIGIN_SECRET", "SCC_ADMIN_PASS_HASH", "GMAIL_CLIENT_ID",
    "GMAIL_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
)  # fmt: skip
BATCH = 10  # GetParameters takes at most ten names
MAX_AGE = 300.0  # seconds a value read is kept: a rotation reaches every process within this

_values: dict[str, str] = {}  # parameter name -> value, for this process
_read_at = [0.0]  # time.monotonic() of the oldest value kept
_generation = [0]  # moved on by clear(): what was applied before is applied again
_held = [False]  # held_back(): SnapStart's warm-up before its snapshot reads nothing


class SecretsUnavailable(RuntimeError):
    """Parameter Store could not give a referenced secret; the message names it, never a value."""


def references(environ: Mapping[str, str]) -> dict[str, str]:
    """The secret variables that hold a reference: variable -> parameter name."""
    found = {name: environ.get(name, "") for name in NAMES}
    return {name: value[len(PREFIX) :] for name, value in found.items() if value.startswith(PREFIX)}


@functools.cache
def _client() -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=2, read_timeout=3, retries={"max_attempts": 3, "mode": "standard"}
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return boto3.session.Session().client("ssm", region_name=region, config=config)


def clear() -> None:
    """Forget every value read and the client that read them (after a SnapStart restore)."""
    _values.clear()
    _client.cache_clear()
    _generation[0] += 1


@contextlib.contextmanager
def held_back() -> Iterator[None]:
    """Read no reference meanwhile: SnapStart's warm-up asks the app for pages before the
    snapshot, and no secret may be read into a snapshot (scc.snapstart)."""
    _held[0] = True
    try:
        yield
    finally:
        _held[0] = False


def read(parameters: Iterable[str]) -> dict[str, str]:
    """The current values of these parameters: those not read yet in one GetParameters call
    (per ten), decrypted; SecretsUnavailable when one cannot be read."""
    from botocore.exceptions import BotoCoreError, ClientError

    wanted = list(dict.fromkeys(parameters))
    if _values and time.monotonic() - _read_at[0] > MAX_AGE:
        _values.clear()
        _generation[0] += 1
    if not _values:
        _read_at[0] = time.monotonic()
    missing = [name for name in wanted if name not in _values]
    for start in range(0, len(missing), BATCH):
        names = missing[start : start + BATCH]
        try:
            answer = _client().get_parameters(Names=names, WithDecryption=True)
        except (BotoCoreError, ClientError) as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            raise SecretsUnavailable(
                f"Parameter Store could not be read ({code}) for {', '.join(names)}."
            ) from None
        if answer.get("InvalidParameters"):
            raise SecretsUnavailable(
                "These parameters do not exist in Parameter Store: "
                f"{', '.join(answer['InvalidParameters'])}."
            )
        _values.update({p["Name"]: p["Value"] for p in answer["Parameters"]})
    return {name: _values[name] for name in wanted}


def resolve(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment with each reference replaced by its parameter's current value."""
    refs = references(environ)
    values = read(refs.values())
    return {**environ, **{name: values[parameter] for name, parameter in refs.items()}}


def apply(app: Flask) -> None:
    """Put the referenced secrets' values into the app's configuration: once per process, and
    again when they were read afresh (after MAX_AGE, or clear()); nothing to do, at no cost,
    when the environment holds no reference."""
    refs: dict[str, str] = app.extensions.get("scc.secrets", {})
    if not refs or _held[0]:
        return
    values = read(refs.values())  # from the cache, unless it is older than MAX_AGE
    if app.extensions.get("scc.secrets.applied") == _generation[0]:
        return
    from scc.config import from_environ

    as_referenced = from_environ({name: PREFIX + parameter for name, parameter in refs.items()})
    as_read = from_environ({name: values[parameter] for name, parameter in refs.items()})
    app.config.update({key: v for key, v in as_read.items() if v != as_referenced[key]})
    app.extensions["scc.secrets.applied"] = _generation[0]


def init_app(app: Flask) -> None:
    """Note the environment's references; each request reads them first (once per process)."""
    refs = references(os.environ)
    app.extensions["scc.secrets"] = refs
    if refs:
        app.before_request(lambda: apply(app))
