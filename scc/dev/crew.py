"""The demo roster for `make dev`: an owner and two crew, each with their own demo password
(printed in the banner), so a newcomer sees roles at work. Everyone on it has enrolled, so the
shared password opens nothing here; on a table with an empty roster it signs in as an owner."""

from __future__ import annotations

import bcrypt

from scc.models import Member
from scc.store import Store, roster

# (crew id, name, role, demo password): the embedded dev default only, printed at start.
DEMO_CREW = (
    ("cory", "Cory Reyes", "owner", "captain-cory-demo"),
    ("jess", "Jess Park", "crew", "deckhand-jess-demo"),
    ("leo", "Leo Martin", "crew", "mate-leo-demo"),
)


def seed(store: Store) -> list[tuple[str, str, str]]:
    """Put the demo crew on the roster with their own passwords; (crew id, role, password)."""
    for crew_id, name, role, password in DEMO_CREW:
        roster.add(
            store, Member(crew_id=crew_id, name=name, role=role), link_hash="", link_expires=0
        )
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
        roster.set_password(store, crew_id, hashed, link_hash=None)
    return [(crew_id, role, password) for crew_id, _, role, password in DEMO_CREW]
