"""The `scc` command. The app's own commands live on `app.cli`, as flaskr's `init-db` does
(init_app registers them): `scc init-db`, `scc lint-events`, `scc remind`. Beside them, two
that need no app: `scc hash-password` and `scc dev` (make dev's server)."""

from __future__ import annotations

import getpass
import os
import secrets
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from scc import eventids


@click.command("init-db")
def init_db() -> None:
    """Create the table, its index and its stream when missing, and bring trips written in an
    older format up to the current one (safe to run again)."""
    from scc.store import get_store, trips

    store = get_store()
    created = store.create_table()
    click.echo(f"{'Created' if created else 'Table already exists:'} {store.table}")
    try:
        click.echo(f"Stream: {store.ensure_stream()}")
    except RuntimeError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"Trips upgraded to the current format: {trips.upgrade_all(store)}")


@click.command("lint-events")
def lint_events() -> None:
    """List stored event ids that break YYYY-MM-DD-name[-period], with a fix; exit 1 if any."""
    from scc.store import admin, get_store, keys

    bad = 0
    for eid in sorted(filter(keys.is_trip_partition, set(admin.partition_keys(get_store())))):
        problem = eventids.problem(eid)
        if problem is None:
            continue
        bad += 1
        fix = eventids.suggest(eid)
        hint = f"rename to {fix}" if fix else f"give it an id like {eventids.EXAMPLE}"
        click.echo(f"{eid}\t{problem} Fix: {hint}.")
    click.echo(f"{bad} event id(s) break the convention {eventids.CONVENTION}.")
    if bad:
        raise click.exceptions.Exit(1)


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Print the mails it would send; send nothing.")
def remind(dry_run: bool) -> None:
    """Remind patrons of the coming days' trips of what they still miss (what the hourly
    schedule runs); --dry-run prints each mail instead, writing nothing."""
    from flask import current_app

    from scc.notify import reminders

    try:
        done = reminders.run(current_app, dry_run=dry_run)
    except ValueError as exc:  # SCC_REMIND_DAYS it cannot use
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None
    for outcome in done:
        mail = outcome.message
        click.echo(f"{outcome.status}: {outcome.event_id} {outcome.patron_id}")
        if mail is not None and dry_run:
            click.echo(f"  To: {mail.to}\n  Subject: {mail.subject}\n")
            click.echo("    " + mail.text.strip().replace("\n", "\n    ") + "\n")
    click.echo(f"{len(done)} reminder(s) {'due' if dry_run else 'done'}.")


def init_app(app: Flask) -> None:
    """The app's commands, on `flask --app scc` and `scc` alike."""
    app.cli.add_command(init_db)
    app.cli.add_command(lint_events)
    app.cli.add_command(remind)


@click.command("hash-password")
def hash_password() -> None:
    """Read a password (prompt, or stdin when piped) and print its bcrypt hash (cost 12)."""
    import bcrypt

    if sys.stdin.isatty():
        password = getpass.getpass("Admin password: ")
        if getpass.getpass("Again: ") != password:
            raise click.ClickException("The two passwords differ.")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    raw = password.encode()
    if len(raw) < 10:
        raise click.ClickException("Use at least 10 characters.")
    if len(raw) > 72:
        raise click.ClickException("Use at most 72 bytes (bcrypt ignores the rest).")
    click.echo(bcrypt.hashpw(raw, bcrypt.gensalt(rounds=12)).decode())


@click.command("dev")
@click.option("--port", type=int, default=5000, help="PORT overrides it.")
def dev(port: int) -> None:
    """Serve the app locally: on the embedded DynamoDB emulator unless a table is configured."""
    from scc.dev.server import run

    run(port=int(os.environ.get("PORT", port)))


def _app() -> Flask:
    from scc import create_app

    # The tools sign nothing: without SCC_SECRET_KEY they run with a throwaway key.
    unset = not os.environ.get("SCC_SECRET_KEY")
    return create_app({"SECRET_KEY": secrets.token_urlsafe(32)} if unset else None)


scc = FlaskGroup(
    name="scc",
    help="ShipCaptainCrew tools.",
    create_app=_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
)
scc.add_command(hash_password)
scc.add_command(dev)


def main(argv: list[str] | None = None) -> int:
    """Run `scc` (argv: its arguments, for tests); the exit status."""
    try:
        code = scc.main(args=argv, prog_name="scc", standalone_mode=False)
    except click.ClickException as refused:
        refused.show()
        return refused.exit_code
    except click.Abort:
        return 1
    return code if isinstance(code, int) else 0  # click answers an Exit with its code


if __name__ == "__main__":
    sys.exit(main())
