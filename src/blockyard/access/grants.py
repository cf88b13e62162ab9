"""How far an integration reaches: the nearest grant on an object or any of its ancestors."""

from __future__ import annotations

import sqlalchemy as sa

from ..store.engine import Tx
from .principal import Principal

READ = ("view", "comment", "edit", "full")
COMMENT = ("comment", "edit", "full")
EDIT = ("edit", "full")

# Walk up from a node to the root; the nearest ancestor with a grant decides.
_NEAREST_GRANT = sa.text(
    """
    WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM nodes WHERE id = :id AND workspace_id = :ws
        UNION ALL
        SELECT n.id, n.parent_id, up.depth + 1 FROM nodes n JOIN up ON n.id = up.parent_id
        WHERE up.depth < 200
    )
    SELECT g.access FROM up JOIN grants g ON g.object_id = up.id AND g.integration_id = :integration
    ORDER BY up.depth LIMIT 1
    """
)


def access_level(tx: Tx, principal: Principal, node_id: str) -> str | None:
    """'full' for personal tokens (they act as the owner), the nearest grant for integrations, else None."""
    if principal.is_personal:
        return "full"
    key = ("access", node_id)
    if key in tx.cache:
        return tx.cache[key]
    level = tx.execute(
        _NEAREST_GRANT, {"id": node_id, "ws": principal.workspace_id, "integration": principal.integration_id}
    ).scalar()
    tx.cache[key] = level
    return level


# The same walk from many nodes at once: each row is (origin, access, depth).
_NEAREST_GRANTS = sa.text(
    """
    WITH RECURSIVE up(origin, id, parent_id, depth) AS (
        SELECT id, id, parent_id, 0 FROM nodes WHERE id IN :ids AND workspace_id = :ws
        UNION ALL
        SELECT up.origin, n.id, n.parent_id, up.depth + 1 FROM nodes n JOIN up ON n.id = up.parent_id
        WHERE up.depth < 200
    )
    SELECT up.origin, g.access, up.depth FROM up
    JOIN grants g ON g.object_id = up.id AND g.integration_id = :integration
    """
).bindparams(sa.bindparam("ids", expanding=True))


def access_levels(tx: Tx, principal: Principal, node_ids: "list[str] | set[str]") -> dict[str, str | None]:
    """`access_level` for many nodes in one query, sharing its per-request cache."""
    out: dict[str, str | None] = {}
    missing = []
    for node_id in node_ids:
        if principal.is_personal:
            out[node_id] = "full"
        elif ("access", node_id) in tx.cache:
            out[node_id] = tx.cache[("access", node_id)]
        else:
            missing.append(node_id)
    if missing:
        nearest: dict[str, tuple[int, str]] = {}
        for start in range(0, len(missing), 500):
            rows = tx.execute(_NEAREST_GRANTS, {"ids": missing[start:start + 500], "ws": principal.workspace_id,
                                                "integration": principal.integration_id})
            for origin, level, depth in rows:
                if origin not in nearest or depth < nearest[origin][0]:
                    nearest[origin] = (depth, level)
        for node_id in missing:
            level = nearest[node_id][1] if node_id in nearest else None
            tx.cache[("access", node_id)] = level
            out[node_id] = level
    return out
