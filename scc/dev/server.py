"""`make dev`: the app on an in-process DynamoDB emulator (moto) seeded with demo events, or on a
configured table (AWS_ENDPOINT_URL_DYNAMODB or SCC_TABLE) with nothing seeded."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def _reminders_due(app: Flask) -> None:
    """What the hourly reminders job would send now (`scc remind --dry-run` on the demo)."""
    from scc.notify import reminders

    with app.app_context():
        due = reminders.run(app, dry_run=True)
    print(f"  Reminders the hourly job would send now ({len(due)}):")
    for outcome in due:
        mail = outcome.message
        said = f"{mail.to}: {mail.subject}" if mail else "no email: the card offers a text"
        print(f"    {outcome.status}: {outcome.event_id} {outcome.patron_id} → {said}")
    print(flush=True)


def run(port: int) -> int:
    import bcrypt
    from werkzeug.serving import run_simple

    from scc import clock, create_app
    from scc.dev import demo

    embedded = not (os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("SCC_TABLE"))
    # Passkeys need a host name (an IP address can't be a relying party), so the local origin
    # is localhost; SCC_SITE_URL overrides.
    site = os.environ.get("SCC_SITE_URL") or f"http://localhost:{port}"
    config: dict[str, object] = {"DEV": True, "SECURE_COOKIES": False, "SITE_URL": site}
    password_note = "your admin password (SCC_ADMIN_PASS_HASH)"  # noqa: S105 - a hint, no secret
    if not os.environ.get("SCC_ADMIN_PASS_HASH"):
        config["ADMIN_PASS_HASH"] = bcrypt.hashpw(
            demo.DEMO_PASSWORD.encode(), bcrypt.gensalt(rounds=4)
        ).decode()
        password_note = f"password {demo.DEMO_PASSWORD}"
    if embedded:
        from moto import mock_aws

        os.environ.setdefault("AWS_ACCESS_KEY_ID", "dev")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "dev")
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")
        mock_aws().start()
        # Demo mail goes to the log (scc.dev.stream); give the admin's notes somewhere to go.
        config["ADMIN_EMAIL"] = os.environ.get("SCC_ADMIN_EMAIL") or "admin@shipcaptaincrew.test"
    if embedded and not os.environ.get("STRIPE_SECRET_KEY"):
        config.update(_local_stripe(port))
    app = create_app(config)
    if embedded:
        from scc.store import get_store

        with app.app_context():
            store = get_store()
            store.create_table()
            events = demo.seed(store, clock.today(app.config["TIMEZONE"]))
            demo.seed_crew(store)
        # Notifications as in AWS: the table's stream, read here instead of by Lambda.
        from scc.dev import stream

        stream.start(app)
        where = f"the embedded DynamoDB emulator with {len(events)} demo events"
    else:
        where = f"table {app.config['TABLE']} (nothing seeded)"
    print(f"\n  ShipCaptainCrew on {where}")
    print(f"  Open {site}")
    if embedded:
        print("  Sign in as (crew id / password):")
        for crew_id, _, role, password in demo.DEMO_CREW:
            print(f"    {crew_id:<6} {password:<20} {role}")
        print("  The shared password (SCC_ADMIN_PASS_HASH) opens only an empty roster, or a")
        print("  member who has not enrolled yet (add one from Crew).\n", flush=True)
        _reminders_due(app)
    else:
        print("  While the roster is empty, any crew id signs in as owner with")
        print(f"  {password_note}; then only members do.\n", flush=True)
    if "STRIPE_API_BASE" in config:
        print(f"  Card payments: the local Stripe stand-in at {config['STRIPE_API_BASE']}\n")
    # werkzeug's server itself: app.run() declines to start under the flask CLI, which `scc` is.
    run_simple("127.0.0.1", port, app, threaded=True)
    return 0


def _local_stripe(port: int) -> dict[str, object]:
    """Card payments on the local Stripe stand-in (no request reaches Stripe), which sends its
    signed events to this server's webhook. It stops with this process."""
    import atexit

    from scc.dev import stripe_local

    secret = "whsec_scc_dev"  # noqa: S105 - the stand-in's, nothing real
    standin = stripe_local.start()
    atexit.register(standin.stop)
    standin.send_events_to(f"http://127.0.0.1:{port}/api/stripe/webhook", secret)
    return {
        "STRIPE_SECRET_KEY": "sk_test_scc_dev",
        "STRIPE_WEBHOOK_SECRET": secret,
        "STRIPE_API_BASE": standin.base,
    }
