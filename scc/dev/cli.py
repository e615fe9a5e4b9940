"""The `scc` command: init-db, hash-password, lint-events, dev."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

from scc import eventids

if TYPE_CHECKING:
    from scc.store import Store


def _store() -> Store:
    from scc.config import from_environ
    from scc.store import Store

    return Store(from_environ()["TABLE"])


def init_db(_: argparse.Namespace) -> int:
    """Create the table, its index and its stream when missing, protect it (deletion protection,
    point-in-time recovery, TTL), and bring trips written in an older format up to the current
    one after a backup (safe to run again)."""
    from scc.store.initdb import init_db as run

    try:
        for line in run(_store()):
            print(line)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def hash_password(_: argparse.Namespace) -> int:
    """Read a password (prompt, or stdin when piped) and print its bcrypt hash (cost 12)."""
    import bcrypt

    if sys.stdin.isatty():
        password = getpass.getpass("Admin password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    raw = password.encode()
    if len(raw) < 10:
        print("Use at least 10 characters.", file=sys.stderr)
        return 1
    if len(raw) > 72:
        print("Use at most 72 bytes (bcrypt ignores the rest).", file=sys.stderr)
        return 1
    print(bcrypt.hashpw(raw, bcrypt.gensalt(rounds=12)).decode())
    return 0


def lint_events(_: argparse.Namespace) -> int:
    """List stored event ids that break YYYY-MM-DD-name[-period], with a fix; exit 1 if any."""
    from scc.store import admin

    bad = 0
    for eid in sorted({key for key in admin.partition_keys(_store()) if not key.startswith("#")}):
        problem = eventids.problem(eid)
        if problem is None:
            continue
        bad += 1
        fix = eventids.suggest(eid)
        hint = f"rename to {fix}" if fix else f"give it an id like {eventids.EXAMPLE}"
        print(f"{eid}\t{problem} Fix: {hint}.")
    print(f"{bad} event id(s) break the convention {eventids.CONVENTION}.")
    return 1 if bad else 0


def dev(args: argparse.Namespace) -> int:
    """Serve the app locally: on the embedded DynamoDB emulator unless a table is configured."""
    from scc.dev.server import run

    return run(port=int(os.environ.get("PORT", args.port)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scc", description="ShipCaptainCrew tools")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init-db", help=init_db.__doc__).set_defaults(func=init_db)
    sub.add_parser("hash-password", help=hash_password.__doc__).set_defaults(func=hash_password)
    sub.add_parser("lint-events", help=lint_events.__doc__).set_defaults(func=lint_events)
    dev_parser = sub.add_parser("dev", help=dev.__doc__)
    dev_parser.add_argument("--port", type=int, default=5000)
    dev_parser.set_defaults(func=dev)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
