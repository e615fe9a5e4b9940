"""SnapStart's runtime hooks (scc.snapstart), run as Lambda's Python runtime runs them: the
before-snapshot hooks once after the init, then, in each restored process, the after-restore
hooks before its first request. A fork after the before-snapshot hooks stands in for a restore
(bench.restored), as in `make bench`. AWS: "Lambda uses a single initialized snapshot to resume
multiple execution environments" (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html);
the hooks' order: https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html."""

import json
import os
import random
import re

from snapshot_restore_py import get_after_restore, get_before_snapshot

from bench.restored import in_restored, run_before_snapshot
from scc import snapstart
from tests.support.apps import make_app
from tests.support.builders import TRIP_ID, event_body


def test_only_an_init_for_a_snapstart_snapshot_registers_the_hooks(monkeypatch):
    hooks = get_before_snapshot(), get_after_restore()
    sizes = [len(h) for h in hooks]
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    make_app()  # make dev, the tests, a plain cold start: nothing is registered
    assert [len(h) for h in hooks] == sizes
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    app = make_app()
    try:
        assert hooks[0][sizes[0] :] == [(snapstart.warm, (app,), {})]
        assert hooks[1][sizes[1] :] == [(snapstart.refresh, (app,), {})]
    finally:
        del hooks[0][sizes[0] :], hooks[1][sizes[1] :]


def _items(store):
    return sorted(json.dumps(i, sort_keys=True, default=str) for i in store.every_item("scan"))


def test_restored_processes_serve_the_board_a_payment_and_a_waiver_with_keys_of_their_own(
    api, store
):
    import lambda_entry

    assert api("POST", "/api/events", event_body()).status == 201
    before = _items(store)

    def serve(_: float) -> str:
        """One restored process: the board, the Log Payment modal and the payment it sends, and
        a patron's waiver page."""
        board = api("GET", "/api/events", htmx=True, query="when=all")
        assert board.status == 200 and f'id="event-{TRIP_ID}"' in board.body
        modal = api("GET", f"/api/events/{TRIP_ID}/payment-modal", htmx=True)
        key = re.search(r'name="idempotency_key" value="([^"]+)"', modal.body)[1]
        payment = {"patron_id": "dana", "amount": "50.00", "method": "cash", "idempotency_key": key}
        paid = api("POST", f"/api/events/{TRIP_ID}/payment-log", payment)
        assert paid.status == 201 and paid.json["paid_total"] == "50.00", paid.body
        waiver = api.http("GET", f"/g/{TRIP_ID}/waiver")
        assert waiver.status == 200 and "Sign the waiver" in waiver.body
        form_id = re.search(r'name="form_id" value="([^"]+)"', waiver.body)[1]
        return json.dumps({"key": key, "form": form_id, "random": random.random()})

    def snapshot(_: float) -> str:
        """Lambda's SnapStart init: the hooks registered, the before-snapshot ones run; then two
        environments restored from that one snapshot."""
        os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
        snapstart.init_app(lambda_entry.app)
        run_before_snapshot()
        assert _items(store) == before  # the warm-up wrote nothing
        return json.dumps([in_restored(serve) for _ in range(2)])

    first, second = map(json.loads, json.loads(in_restored(snapshot)))
    assert first["key"] != second["key"]
    assert first["form"] != second["form"]
    assert first["random"] != second["random"]  # random reseeded after each restore
    assert _items(store) == before  # (what the restored processes wrote stayed in them)
