"""Loading objects the way Notion guards them: 404 for what the integration cannot reach,
403 for a capability or access level it lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import errors
from ..access.grants import COMMENT, EDIT, access_level
from ..store import nodes as store_nodes
from ..store.nodes import Node

if TYPE_CHECKING:
    from ..context import Ctx

KIND_LABEL = {"page": "page", "database": "database", "data_source": "data source", "block": "block"}


def not_found(ctx: "Ctx", label: str, object_id: str) -> errors.NotionError:
    p = ctx.principal
    return errors.not_found(label, object_id, p.integration_name, p.integration_id)


def load(ctx: "Ctx", node_id: str, label: str, *, kinds: tuple[str, ...] | None = None, need: str = "read") -> Node:
    """The node, if the caller may see it; `need` is read, comment or edit."""
    node = store_nodes.get(ctx.tx, ctx.principal.workspace_id, node_id)
    if node is None or (kinds is not None and node.kind not in kinds):
        raise not_found(ctx, label, node_id)
    level = access_level(ctx.tx, ctx.principal, node.id)
    if level is None:
        raise not_found(ctx, label, node_id)
    if need == "edit" and level not in EDIT or need == "comment" and level not in COMMENT:
        raise errors.restricted()
    return node


def can_read(ctx: "Ctx", node_id: str) -> bool:
    return access_level(ctx.tx, ctx.principal, node_id) is not None


def ensure_editable(node: Node, label: str = "block") -> None:
    """Notion refuses edits to what is in the trash until it is restored: the object itself
    ("Can't edit block that is archived."), or an ancestor whose trashing took it along."""
    if not node.in_trash:
        return
    if node.trash_root is not None and node.trash_root != node.id:
        what = {"page": "page", "database": "database"}.get(node.kind, "block")
        raise errors.validation(
            f"Can't edit {what} on block with an archived ancestor. "
            f"You must unarchive the ancestor before editing {what}."
        )
    raise errors.validation(
        f"Can't edit {label} that is archived. You must unarchive the {label} before editing."
    )
