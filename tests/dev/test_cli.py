import subprocess
import sys
from decimal import Decimal

import bcrypt
import pytest

from scc.dev import cli
from scc.store import keys, roster, tables, trips
from scc.store.items import serialize
from tests.support.builders import TRIP_ID, trip
from tests.support.domain import on_roster, sign
from tests.support.dynamodb import drop_table
from tests.support.harness import pay


def test_init_db_is_idempotent(store, monkeypatch, capsys):
    monkeypatch.setenv("SCC_TABLE", "scc-cli-table")
    assert cli.main(["init-db"]) == 0
    assert cli.main(["init-db"]) == 0
    out = capsys.readouterr().out
    assert "Created scc-cli-table" in out and "already exists" in out
    assert out.count("Stream: stream on (NEW_AND_OLD_IMAGES)") == 2
    assert "Protection: deletion protection, point-in-time recovery and TTL already on" in out
    assert "Backup" not in out  # nothing to rewrite, nothing to back up
    drop_table(store.client, "scc-cli-table")


def test_init_db_protects_a_table_it_did_not_create(store, monkeypatch, capsys):
    """A table someone made by hand (or a first run that stopped midway): no TTL, no point-in-time
    recovery, no deletion protection. Every run turns them on."""
    name, client = "scc-made-by-hand", store.client
    client.create_table(**tables.table_spec(name))
    assert tables.protection(client, name).missing() == [
        "deletion protection off",
        "point-in-time recovery off",
        "TTL off",
    ]
    monkeypatch.setenv("SCC_TABLE", name)

    assert cli.main(["init-db"]) == 0

    out = capsys.readouterr().out
    for line in ("deletion protection", "point-in-time recovery", "TTL"):
        assert f"Protection: {line} turned on" in out
    assert tables.protection(client, name).missing() == []
    with pytest.raises(client.exceptions.ClientError, match="DeletionProtectionEnabled"):
        client.delete_table(TableName=name)
    drop_table(client, name)


def test_lint_events_lists_bad_ids_with_a_fix(store, monkeypatch, capsys):
    monkeypatch.setenv("SCC_TABLE", store.table)
    trips.create(store, trip())
    for bad in ("2026-05-23", "Cory-2026-05-23"):
        store.client.put_item(
            TableName=store.table, Item={"eid": {"S": bad}, "crew_id": {"S": "cory"}}
        )
    assert cli.main(["lint-events"]) == 1
    out = capsys.readouterr().out
    assert "2026-05-23\t" in out and "only a date" in out
    assert "rename to 2026-05-23-cory" in out
    assert "2 event id(s) break the convention" in out


def test_lint_events_clean_table_exits_zero(store, monkeypatch, capsys):
    monkeypatch.setenv("SCC_TABLE", store.table)
    trips.create(store, trip())
    assert cli.main(["lint-events"]) == 0


def test_hash_password_reads_stdin():
    result = subprocess.run(
        [sys.executable, "-m", "scc.dev.cli", "hash-password"],
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        check=True,
    )
    hashed = result.stdout.strip()
    assert hashed.startswith("$2b$12$")
    assert bcrypt.checkpw(b"a long enough secret", hashed.encode())
    assert "a long enough secret" not in result.stdout.replace(hashed, "")


def test_hash_password_refuses_over_72_bytes():
    result = subprocess.run(
        [sys.executable, "-m", "scc.dev.cli", "hash-password"],
        input="x" * 73 + "\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "72 bytes" in result.stderr


def test_missing_secret_key_outside_dev_is_a_clear_error(monkeypatch):
    import pytest

    from scc import create_app

    monkeypatch.delenv("SCC_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SCC_SECRET_KEY is not set"):
        create_app()
    assert create_app({"DEV": True}).config["SECRET_KEY"]


def test_init_db_upgrades_trips_written_before_the_current_format(
    crew, create_event, store, monkeypatch, capsys
):
    """A trip written before the check-in, refund and waiver maps existed: init-db gives it
    them (empty; what it has stays), so check-in, refunds and waiver signing write into them."""
    create_event()
    paid = pay(crew, "50.00").json["payment"]
    store.client.update_item(  # what the first format never wrote
        TableName=store.table,
        Key=serialize(keys.event(TRIP_ID)),
        UpdateExpression="REMOVE waiver_by_patron, waivers_unmatched, check_in, refunds",
    )
    monkeypatch.setenv("SCC_TABLE", store.table)
    assert cli.main(["init-db"]) == 0
    assert cli.main(["init-db"]) == 0  # nothing left to upgrade the second time
    out = capsys.readouterr().out
    assert out.count("Trips upgraded to the current format: 1") == 1
    assert out.count("Trips upgraded to the current format: 0") == 1
    [backup] = store.client.list_backups(TableName=store.table)["BackupSummaries"]
    assert f"Backup before rewriting trips: {backup['BackupArn']}" in out  # once, before it

    url = f"/api/events/{TRIP_ID}"
    checked = crew("POST", f"{url}/patrons/dana/check-in", {"status": "aboard", "confirm": True})
    assert checked.status == 200, checked.json
    body = {"patron_id": "dana", "amount": "10.00", "method": "cash", "reason": "left early"}
    refund = crew("POST", f"{url}/refunds", body)
    assert refund.status == 201, refund.json
    assert sign(store, full_name="Dana Lee").waiver is not None
    assert sign(store, full_name="Nobody Listed", signature="Nobody Listed").waiver is not None

    event = trips.get(store, TRIP_ID)
    assert [p.payment_id for p in event.payments] == [paid["payment_id"]]
    assert event.check_ins["dana"].status == "aboard"
    assert [r.amount for r in event.refunds] == [Decimal("10.00")]
    assert "dana" in event.waiver_by_patron
    assert list(event.waivers_unmatched.values()) == ["Nobody Listed"]


def test_scc_dev_serves_the_demo(tmp_path):
    """`make dev` is `scc dev`: it must really serve (Flask's app.run declines to under the flask
    CLI, which `scc` is), on the embedded emulator with the demo seeded."""
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCC_", "AWS_ENDPOINT"))}
    env["PORT"] = str(port)
    server = subprocess.Popen(
        [sys.executable, "-m", "scc.dev.cli", "dev"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    answer = page.read().decode()
            except OSError:
                time.sleep(0.2)  # not listening yet: poll again until the deadline
        assert answer is not None, "scc dev did not serve"
        assert "ShipCaptainCrew" in answer
    finally:
        server.terminate()
        server.communicate(timeout=10)  # reaps it and closes its output


def test_restore_owner_recovers_the_old_first_owner_lockout(store, monkeypatch, capsys, api):
    """The old behaviour: the bootstrap owner added themselves first as crew (the form's default),
    so the roster held no owner and every owner route answered 403. One command lets them back."""
    monkeypatch.setenv("SCC_TABLE", store.table)
    on_roster(store, "cory", "crew")  # the roster as the old first-owner behaviour left it
    on_roster(store, "jess", "crew")
    assert api("GET", "/api/crew").status == 403  # locked out of the roster
    assert cli.main(["restore-owner", "nobody"]) == 1
    assert "There is no nobody on the roster (it has cory, jess)" in capsys.readouterr().err
    assert cli.main(["restore-owner", "cory"]) == 0
    assert "cory is an active owner" in capsys.readouterr().out
    assert api("GET", "/api/crew").status == 200  # the same session: its role is the roster's
    assert cli.main(["restore-owner", "jess"]) == 1  # an owner exists: they use the Crew dialog
    assert "active owner (cory)" in capsys.readouterr().err
    assert {m.crew_id: m.role for m in roster.members(store)} == {"cory": "owner", "jess": "crew"}


def test_restore_owner_on_an_empty_roster_says_how_to_start(store, monkeypatch, capsys):
    monkeypatch.setenv("SCC_TABLE", store.table)
    assert cli.main(["restore-owner", "cory"]) == 1
    assert "The roster is empty: sign in with the shared password" in capsys.readouterr().err
