"""Fresh workspaces for tests, in well under a millisecond of Python and one transaction each.

The first workspace of a kind is made the ordinary way (access/admin.py and domain/pages.py: a
workspace, its owner, an integration with its bot and token, a root page shared with it). Its rows,
read back from every table, are the template: each later workspace is the same rows with new IDs, a
new token and the store clock's time, written with the driver's executemany in one transaction. So
the template is whatever the domain code writes today, and a table another capability adds is copied
as soon as the domain code fills it. Dropping a workspace deletes its rows from every table."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import ids
from ..access import admin, capabilities as caps
from ..access.tokens import digest, hint
from ..clock import minute
from ..store.schema_extra import metadata

if TYPE_CHECKING:
    from ..store import Store

WORKSPACE_NAME = "Test Workspace"
INTEGRATION_NAME = "Test Integration"
ROOT_TITLE = "Root"
# The template's clock: seconds and milliseconds set, so a row's exact time and its minute tell apart.
_TEMPLATE_NOW = 1_700_000_012_345
# Tables that are not workspace content: the request log (its own file on SQLite) and rate buckets.
_SKIP = frozenset({"request_log", "rate_buckets", "schema_version"})
_NODE_KEYS = ("page_id", "data_source_id", "node_id", "block_id")


@dataclass(frozen=True)
class Workspace:
    """A workspace made for a test: its integration's token and the root page shared with it."""

    id: str
    name: str
    owner_id: str
    token: str
    root_page_id: str
    bot_id: str
    integration_id: str

    @property
    def info(self) -> admin.Workspace:
        return admin.Workspace(self.id, self.name, self.owner_id)


@dataclass
class _Template:
    workspace: Workspace
    rows: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]  # table, columns, rows (insert order)
    ids: tuple[str, ...]  # every ID the rows hold, replaced by a new one in each copy
    token_hash: str


class WorkspaceFactory:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self._templates: dict[tuple[str, ...], _Template] = {}
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._mark = "?" if store.engine.dialect.paramstyle == "qmark" else "%s"
        self._drops = self._drop_statements()

    # --- creating ----------------------------------------------------------------------------

    def create(self, capabilities: tuple[str, ...] = caps.DEFAULT) -> Workspace:
        key = tuple(sorted(capabilities))
        template = self._templates.get(key)
        if template is None:
            with self._lock:
                template = self._templates.get(key) or self._make_template(capabilities)
                self._templates[key] = template
        return self._copy(template)

    def _make_template(self, capabilities: tuple[str, ...]) -> _Template:
        from ..domain import pages
        from ..owner import owner_ctx

        with self.store.write() as tx:
            tx._now = _TEMPLATE_NOW
            w = admin.create_workspace(tx, WORKSPACE_NAME)
            info, token = admin.create_integration(tx, w, INTEGRATION_NAME, capabilities)
            with owner_ctx(tx, w) as ctx:
                root = pages.create(ctx, {
                    "parent": {"workspace": True},
                    "properties": {"title": {"title": [{"text": {"content": ROOT_TITLE}}]}},
                })
            admin.share(tx, w, root.id, INTEGRATION_NAME, "edit")
            rows = self._read_rows(tx.conn, w.id)
            workspace = Workspace(w.id, w.name, w.owner_id, token, root.id, info["bot_id"], info["id"])
            self._delete(_cursor(tx), w.id)  # the template lives in memory only
        found: set[str] = set()
        for _table, columns, values in rows:
            for row in values:
                for column, value in zip(columns, row):
                    if (column == "id" or column.endswith("_id")) and isinstance(value, str) and ids.parse_id(value) == value:
                        found.add(value)
        return _Template(workspace, rows, tuple(sorted(found)), digest(token))

    def _read_rows(self, conn: Any, workspace_id: str) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
        from ..store.schema import nodes

        node_ids = sa.select(nodes.c.id).where(nodes.c.workspace_id == workspace_id).scalar_subquery()
        out = []
        for table in metadata.sorted_tables:
            if table.name in _SKIP:
                continue
            columns = tuple(c.name for c in table.c if not (c.primary_key and c.autoincrement is True))
            if "workspace_id" in table.c:
                where = table.c.workspace_id == workspace_id
            elif table.name == "workspaces":
                where = table.c.id == workspace_id
            else:
                keys = [k for k in _NODE_KEYS if k in table.c]
                if not keys:
                    continue
                where = table.c[keys[0]].in_(node_ids)
            values = [tuple(r) for r in conn.execute(sa.select(*(table.c[n] for n in columns)).where(where))]
            if values:
                out.append((table.name, columns, values))
        return out

    def _copy(self, template: _Template) -> Workspace:
        new = {old: ids.new_id() for old in template.ids}
        token = ids.new_token()
        with self.store.write() as tx:
            self._drop_pending(tx)
            now = tx._now
            times = {_TEMPLATE_NOW: now, minute(_TEMPLATE_NOW): minute(now)}
            raw = _cursor(tx)
            for table, columns, rows in template.rows:
                copies = []
                for row in rows:
                    copy = []
                    for column, value in zip(columns, row):
                        if isinstance(value, str):
                            if value in new:
                                value = new[value]
                            elif len(value) > 36:
                                for old, replacement in new.items():
                                    if old in value:
                                        value = value.replace(old, replacement)
                        elif column.endswith("_time") and isinstance(value, int):
                            value = times.get(value, value)
                        copy.append(value)
                    if table == "tokens" and row[columns.index("hash")] == template.token_hash:
                        copy[columns.index("hash")] = digest(token)
                        copy[columns.index("hint")] = hint(token)
                    copies.append(tuple(copy))
                marks = ", ".join([self._mark] * len(columns))
                raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", copies)
        t = template.workspace
        return Workspace(new[t.id], t.name, new[t.owner_id], token, new[t.root_page_id], new[t.bot_id],
                         new[t.integration_id])

    # --- dropping ----------------------------------------------------------------------------

    def _drop_statements(self) -> list[str]:
        """One DELETE per table holding workspace rows, children before parents."""
        m = self._mark
        nodes_of = f"SELECT id FROM nodes WHERE workspace_id = {m}"
        out = []
        for table in reversed(metadata.sorted_tables):
            if table.name in _SKIP:
                continue
            if table.name == "workspaces":
                out.append(f"DELETE FROM workspaces WHERE id = {m}")
            elif "workspace_id" in table.c:
                out.append(f"DELETE FROM {table.name} WHERE workspace_id = {m}")
            else:
                keys = [k for k in _NODE_KEYS if k in table.c]
                if keys:
                    out.append(f"DELETE FROM {table.name} WHERE {keys[0]} IN ({nodes_of})")
        # Node-keyed tables go first: they find their rows through nodes.
        return sorted(out, key=lambda s: "IN (" not in s)

    def _delete(self, cursor: Any, workspace_id: str) -> None:
        for statement in self._drops:
            cursor.execute(statement, (workspace_id,))

    def drop(self, workspace_id: str, *, now: bool = False) -> None:
        """Deletes every row of the workspace: its content, people, integrations, tokens and events.

        Unless `now`, this happens in the transaction that creates the next workspace (or at `flush`),
        so a test costs one commit, not two. Nothing can reach a dropped workspace in between: its
        token belonged to the test that ended."""
        with self._lock:
            self._pending.append(workspace_id)
        if now:
            self.flush()

    def flush(self) -> None:
        """Deletes the workspaces dropped since the last creation."""
        if self._pending:
            with self.store.write() as tx:
                self._drop_pending(tx)

    def _drop_pending(self, tx: Any) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        cursor = _cursor(tx)
        for workspace_id in pending:
            self._delete(cursor, workspace_id)
        if pending:
            tx.cache.clear()


def _cursor(tx: Any) -> Any:
    """A driver cursor on the transaction's connection: a copy is a few statements, and SQLAlchemy's
    statement machinery would cost more than the rows."""
    return tx.conn.connection.driver_connection.cursor()
