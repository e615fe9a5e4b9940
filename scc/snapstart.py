"""Lambda SnapStart: warm the process before its snapshot, refresh what must be fresh after each
restore.

With SnapStart, Lambda runs the init (`import lambda_entry`) once per published version,
snapshots the process and restores that snapshot for every cold start. The hooks are registered
with snapshot-restore-py, AWS's library, whose registry Lambda's Python runtime reads: it runs the
before-snapshot hooks once, after the init (in reverse order of registration), and the
after-restore hooks in each restored process (in order), before its first request
(https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html).

Nothing else ever runs them: `make dev`, the tests and a plain cold start only register them, and
only when Lambda says this init is SnapStart's (`AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
so the many apps a test run builds leave nothing in the registry.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import random
from zoneinfo import ZoneInfo

from flask import Flask
from snapshot_restore_py import register_after_restore, register_before_snapshot

from scc import runtime_secrets
from scc.store import get_store

SNAP_START = "snap-start"
# Pages that need no session and read nothing, asked for once through the app itself.
WARM_PAGES = ("/api/health", "/")
SKIPPED_MODULES = ("scc.dev",)  # make dev's tools (moto, demo data): not in the Lambda package


def init_app(app: Flask) -> None:
    """Register the hooks for this app when Lambda is initialising it for a SnapStart snapshot."""
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != SNAP_START:
        return
    register_before_snapshot(warm, app)
    register_after_restore(refresh, app)


def warm(app: Flask) -> None:
    """Before the snapshot: do once what each restored process would otherwise do on its first
    request. Nothing here is tied to a request, a connection or a secret, nothing is written to
    any table, and nothing reaches the network."""
    import_modules()
    ZoneInfo(app.config["TIMEZONE"])  # the boats' time zone, read from tzdata on first use
    with app.app_context():
        get_store().warm()
    with runtime_secrets.held_back():  # secrets are read after each restore, never before
        warm_pages(app)


def refresh(app: Flask) -> None:
    """After each restore, what must be fresh or unique in this process:

    - random state: reseeded here, or every restored process would draw the same `random`
      numbers (botocore's retry jitter among them); `secrets` and os.urandom read the kernel,
      which AWS keeps unique per restore
      (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html);
    - connections: none was kept (Store.warm closed the pool); botocore opens new ones;
    - clocks: nothing holds a time from before the snapshot (scc.clock reads the clock at each
      call);
    - credentials: botocore's, which it checks against that clock before each signature and
      fetches again from Lambda when they are near their expiry;
    - secrets read at run time (Parameter Store references, scc.runtime_secrets): none was read
      before the snapshot (warm held them back); clear() drops any value and the SSM client, so
      each restored process reads the current values on its first request.
    """
    random.seed()
    runtime_secrets.clear()


def import_modules() -> None:
    """Import every module of the app, those its views import on first use included."""
    import scc

    for module in pkgutil.walk_packages(scc.__path__, "scc."):
        if not module.name.startswith(SKIPPED_MODULES):
            importlib.import_module(module.name)


def warm_pages(app: Flask) -> None:
    """Ask the app for pages that need no session and read nothing (its URL map, request and
    response handling, templates, static names, security headers and gzip), with werkzeug's
    test client: in the process, so no log or table sees a request."""
    client = app.test_client()
    for path in WARM_PAGES:
        client.get(path, headers={"Accept-Encoding": "gzip"})
    for name in app.create_global_jinja_loader().list_templates():
        app.jinja_env.get_template(name)
