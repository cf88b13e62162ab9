"""Many clients appending to one parent through `serve --workers 2`: order keys stay unique per parent,
each append answers with exactly its own blocks, and paginated walks never repeat or skip a block."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest
import sqlalchemy as sa

from blockyard.store import Store
from blockyard.store.schema import nodes
from served import drop_store, prepare_store, served
from support import paragraph, postgres_available, store_url

CLIENTS = 12
ROUNDS = 15


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL does not answer at 127.0.0.1:5432")
    url = store_url(request.param == "postgres", tmp_path)
    yield url
    drop_store(url)


def _texts(blocks: list[dict]) -> list[str]:
    return [b["paragraph"]["rich_text"][0]["plain_text"] for b in blocks]


def _walk(client: httpx.Client, parent: str, page_size: int) -> list[dict]:
    out: list[dict] = []
    cursor = None
    while True:
        params = {"page_size": page_size} | ({"start_cursor": cursor} if cursor else {})
        resp = client.get(f"/v1/blocks/{parent}/children", params=params)
        assert resp.status_code == 200, resp.text
        page = resp.json()
        assert len(page["results"]) <= page_size
        out += page["results"]
        if not page["has_more"]:
            return out
        cursor = page["next_cursor"]


def test_concurrent_appends_to_one_parent_through_two_workers(database, tmp_path):
    ready = prepare_store(database)
    headers = {"Authorization": f"Bearer {ready.token}", "Notion-Version": "2022-06-28"}
    with served(database, tmp_path, "--workers", "2", listeners=2) as srv:
        # A page of its own under the root, so nothing else is among its children.
        with httpx.Client(base_url=srv.url, headers=headers, timeout=60) as c:
            resp = c.post("/v1/pages", json={"parent": {"page_id": ready.root_id},
                                             "properties": {"title": {"title": [{"text": {"content": "Log"}}]}}})
            assert resp.status_code == 200, resp.text
            parent = resp.json()["id"]

        sent: dict[int, list[list[str]]] = {i: [] for i in range(CLIENTS)}
        failures: list[str] = []
        start = threading.Barrier(CLIENTS)

        def client(i: int) -> None:
            # Each client keeps its connections: with one socket per worker they land on both workers.
            with httpx.Client(base_url=srv.url, headers=headers, timeout=60) as c:
                start.wait()
                for r in range(ROUNDS):
                    texts = [f"c{i}-r{r}-b{b}" for b in range(1 + (i + r) % 3)]
                    resp = c.patch(f"/v1/blocks/{parent}/children",
                                   json={"children": [paragraph(t) for t in texts]})
                    if resp.status_code != 200:
                        failures.append(f"{resp.status_code} {resp.text}")
                        continue
                    got = _texts(resp.json()["results"])
                    if got != texts:  # exactly its own blocks, in the order sent
                        failures.append(f"append answered {got}, sent {texts}")
                    sent[i].append(texts)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures[:5]
        every = [t for rounds in sent.values() for texts in rounds for t in texts]

        with httpx.Client(base_url=srv.url, headers=headers, timeout=60) as c:
            whole = _walk(c, parent, 100)
            listed = _texts(whole)
            assert sorted(listed) == sorted(every) and len(set(listed)) == len(listed)
            position = {t: n for n, t in enumerate(listed)}
            for rounds in sent.values():
                for texts in rounds:  # each append's blocks are together and in order
                    first = position[texts[0]]
                    assert listed[first:first + len(texts)] == texts
                flat = [position[t] for texts in rounds for t in texts]
                assert flat == sorted(flat)  # one client's appends in the order it made them
            for size in (1, 7, 13):
                assert [b["id"] for b in _walk(c, parent, size)] == [b["id"] for b in whole]

    store = Store(database)
    try:
        with store.read() as tx:
            keys = [r[0] for r in tx.execute(sa.select(nodes.c.sort_key).where(nodes.c.parent_id == parent))]
    finally:
        store.dispose()
    assert len(keys) == len(set(keys)) == len(every)


def test_duplicate_order_keys_in_an_older_store_are_repaired_by_the_migration(database):
    """A store written before order keys were unique may hold siblings sharing a key: migrating gives
    them keys of their own in the order they were listed, and the unique index refuses new duplicates."""
    from blockyard.store.migrations import SCHEMA_VERSION, schema_version

    ready = prepare_store(database)
    store = Store(database)
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_nodes_children")
            conn.exec_driver_sql("CREATE INDEX ix_nodes_children ON nodes (parent_id, sort_key)")
            root = conn.execute(sa.select(nodes).where(nodes.c.id == ready.root_id)).mappings().one()
            made = []
            for n, key in enumerate(["V001", "V001", "V002", "V001", "V003", "V003"]):
                row = dict(root, id=str(uuid.uuid4()), kind="block", type="paragraph", parent_type="page_id",
                           parent_id=ready.root_id, sort_key=key, created_time=root["created_time"] + n,
                           title="", data='{"rich_text": []}')
                conn.execute(nodes.insert().values(**row))
                made.append((key, row["created_time"], row["id"]))
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=3))
        store.migrate()
        with store.read() as tx:
            rows = tx.execute(sa.select(nodes.c.id, nodes.c.sort_key).where(nodes.c.parent_id == ready.root_id)
                              .order_by(nodes.c.sort_key)).all()
            version = tx.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
        assert version == SCHEMA_VERSION
        assert [r.id for r in rows] == [i for _k, _t, i in sorted(made)]
        assert len({r.sort_key for r in rows}) == len(rows)
        with pytest.raises(sa.exc.IntegrityError):
            with store.engine.begin() as conn:
                conn.execute(nodes.update().where(nodes.c.id == rows[1].id).values(sort_key=rows[0].sort_key))
    finally:
        store.dispose()
