"""The `scc` command. The app's own commands live on `app.cli`, as flaskr's `init-db` does
(init_app registers them): `scc init-db`, `scc lint-events`, `scc remind`, `scc restore-owner`.
Beside them, two that need no app: `scc hash-password` and `scc dev` (make dev's server)."""

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
    """Create the table, its index and its stream when missing, protect it (deletion protection,
    point-in-time recovery, TTL), and bring trips written in an older format up to the current
    one after a backup (safe to run again)."""
    from scc.store import admin, get_store

    try:
        for line in admin.init_db(get_store()):
            click.echo(line)
    except RuntimeError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None


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


@click.command("restore-owner")
@click.argument("crew_id")
def restore_owner(crew_id: str) -> None:
    """Make CREW_ID (on the roster) an active owner, when the roster has none: the way back in
    for an installation locked out by the old first-owner behaviour (the owner who signed in with
    the shared password added themselves as crew, and nobody could open the owner's routes
    again). Refused while an active owner exists: they change roles in the Crew dialog."""
    from scc.store import get_store, roster

    store = get_store()
    everyone = roster.members(store)
    owners = [m.crew_id for m in everyone if m.role == "owner" and m.active]
    was = next((m for m in everyone if m.crew_id == crew_id), None)
    if owners:
        refused = f"The roster has an active owner ({', '.join(owners)}): they can make "
        refused += f"{crew_id} an owner in the Crew dialog. Nothing was changed."
    elif not everyone:
        refused = "The roster is empty: sign in with the shared password and add yourself in "
        refused += "the Crew dialog (you join as its first owner). Nothing was changed."
    elif was is None:
        on = ", ".join(m.crew_id for m in everyone)
        refused = f"There is no {crew_id} on the roster (it has {on}). Nothing was changed."
    else:
        roster.change(store, was, name=was.name, role="owner", active=True, owners=[])
        click.echo(f"{crew_id} is an active owner: sign in and keep the roster in the Crew dialog.")
        return
    click.echo(refused, err=True)
    raise click.exceptions.Exit(1)


def init_app(app: Flask) -> None:
    """The app's commands, on `flask --app scc` and `scc` alike."""
    for command in (init_db, lint_events, remind, restore_owner):
        app.cli.add_command(command)


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
