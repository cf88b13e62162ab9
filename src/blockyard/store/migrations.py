"""Schema versions. Until the first release the schema is created whole from `metadata`;
`schema_version` records what a store holds so later releases can migrate it forward."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from .schema import metadata

if TYPE_CHECKING:
    from .engine import Store

SCHEMA_VERSION = 1

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, primary_key=True))


def upgrade(store: "Store") -> None:
    with store.engine.begin() as conn:
        metadata.create_all(conn)
        current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
        if current is None:
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
        elif current > SCHEMA_VERSION:
            raise RuntimeError(
                f"this store was written by a newer Blockyard (schema {current}, this one knows {SCHEMA_VERSION})"
            )
