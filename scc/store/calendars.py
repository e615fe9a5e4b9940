"""Calendar links: each member's private feed link, kept as a hash. Two items: the member's
(`calendar_of`: the link's generation and hash) and the link's own (`calendar_link`, found by
the hash of a token presented: whose feed it opens). Replacing a link writes both and deletes
the old link's item in one transaction, so the old link stops at once."""

from __future__ import annotations

from dataclasses import dataclass

from scc.store import keys
from scc.store.changes import Change
from scc.store.gateway import ConditionFailed, Store


@dataclass(frozen=True)
class Link:
    crew_id: str
    role: str
    gen: int
    link_hash: str


def of(store: Store, crew_id: str) -> Link | None:
    """A member's current link (one GetItem), or None before their first."""
    item = store.get(keys.calendar_of(crew_id))
    if item is None:
        return None
    return Link(crew_id, str(item.get("role", "crew")), int(item["gen"]), str(item["hash"]))


def holder(store: Store, link_hash: str) -> Link | None:
    """Whose link has this hash (one GetItem); None for an unknown or replaced one."""
    item = store.get(keys.calendar_link(link_hash))
    if item is None:
        return None
    return Link(str(item["member"]), str(item.get("role", "crew")), int(item["gen"]), link_hash)


def replace(store: Store, old: Link | None, new: Link) -> bool:
    """Make `new` the member's link if their link is still `old` (None: they have none yet);
    the old link's item goes. False when another request replaced it first."""
    mine = {**keys.calendar_of(new.crew_id), "gen": new.gen, "hash": new.link_hash}
    link = {**keys.calendar_link(new.link_hash), "member": new.crew_id, "gen": new.gen}
    mine["role"] = link["role"] = new.role
    if old is None:
        writes = [store.put_request(mine, new=True)]
    else:
        still = Change(condition="#h = :old", names={"#h": "hash"}, values={":old": old.link_hash})
        writes = [
            store.put_request(mine, when=still),
            store.delete_request(keys.calendar_link(old.link_hash)),
        ]
    try:
        store.transact([*writes, store.put_request(link)])
    except ConditionFailed:
        return False
    return True
