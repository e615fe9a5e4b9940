"""Time travel instead of sleeping: scc.clock.now() answers what the test sets."""

from __future__ import annotations

from datetime import datetime

import pytest

from scc import clock


def movable(monkeypatch: pytest.MonkeyPatch, start: datetime) -> list[datetime]:
    """scc.clock.now() answers moment[0] from now on; a test moves time by setting it."""
    moment = [start]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment
