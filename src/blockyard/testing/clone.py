"""`blockyard clone`: what an integration can reach in a Notion workspace, through the public API, as a
snapshot at the same IDs (JSON Lines, docs/snapshots.md).

It walks what search finds and what hangs beneath it: pages and their blocks (recursively), databases
with their data sources and rows, comments on pages and blocks, and the workspace's users. Lists are
paginated; 429 and 5xx answers are retried after their Retry-After (or a growing pause). What the API
does not show is not cloned: trashed objects, file uploads, and users' emails without the
"read user information including email addresses" capability.

Lines come out in an order `blockyard import` keeps: users, then each object before or after its
parent, siblings in their order (a data source's rows in their manual order, the reverse of a query's
default newest-first order), comments last."""

from __future__ import annotations

import email.utils
import time
from collections import deque
from typing import Any, Callable, Iterator

import httpx

NOTION_API = "https://api.notion.com"
NOTION_VERSION = "2026-03-11"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
# Page values in API responses are capped at 25 items; a longer one is read through the property endpoint.
CAPPED = frozenset({"title", "rich_text", "people", "relation"})
PAGE_VALUE_CAP = 25


class CloneError(Exception):
    """The source refused or failed for good; the message says what was asked and what came back."""


class Source:
    """The public API of the workspace being cloned, with pagination and retries."""

    def __init__(self, base_url: str, token: str, *, notion_version: str = NOTION_VERSION, max_retries: int = 8,
                 sleep: Callable[[float], None] = time.sleep, client: httpx.Client | None = None) -> None:
        self.http = client or httpx.Client(timeout=60)
        self.base = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Notion-Version": notion_version,
                        "Content-Type": "application/json"}
        self.max_retries = max_retries
        self.sleep = sleep
        self.requests = 0
        self.retries = 0

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None,
             allow: tuple[int, ...] = ()) -> dict[str, Any] | None:
        """The JSON answer; None for a status in `allow` (what this integration may not read)."""
        attempt = 0
        while True:
            self.requests += 1
            try:
                resp = self.http.request(method, self.base + path, params=params, json=body, headers=self.headers)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise CloneError(f"{method} {path}: {exc}") from None
                resp = None
            if resp is not None and resp.status_code < 400:
                return resp.json()
            if resp is not None and resp.status_code in allow:
                return None
            if resp is None or resp.status_code in RETRY_STATUSES:
                if attempt < self.max_retries:
                    self.retries += 1
                    self.sleep(_retry_delay(resp, attempt))
                    attempt += 1
                    continue
            detail = resp.text[:300] if resp is not None else "no answer"
            status = resp.status_code if resp is not None else "-"
            raise CloneError(f"{method} {path} answered {status}: {detail}")

    def pages_of(self, method: str, path: str, body: dict[str, Any] | None = None,
                 allow: tuple[int, ...] = ()) -> Iterator[dict[str, Any]]:
        """Every result of a paginated list, following next_cursor."""
        cursor = None
        while True:
            if method == "GET":
                params = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
                answer = self.call("GET", path, params=params, allow=allow)
            else:
                answer = self.call("POST", path, body={**(body or {}), "page_size": 100,
                                                       **({"start_cursor": cursor} if cursor else {})}, allow=allow)
            if answer is None:
                return
            yield from answer.get("results", [])
            cursor = answer.get("next_cursor")
            if not answer.get("has_more") or not cursor:
                return


def _retry_delay(resp: httpx.Response | None, attempt: int) -> float:
    """Retry-After in seconds or as an HTTP date; without one, 0.5 s doubling to at most 30 s."""
    raw = resp.headers.get("retry-after") if resp is not None else None
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(raw)
                return max(0.0, when.timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    return min(30.0, 0.5 * 2 ** attempt)


def clone(source: Source, progress: Any = None) -> Iterator[dict[str, Any]]:
    """Every object the token reaches, as snapshot lines."""
    def tick(n: int = 1) -> None:
        if progress is not None:
            progress.update(n)

    for user in source.pages_of("GET", "/v1/users"):
        tick()
        yield user

    seen: set[str] = set()
    queue: deque[dict[str, Any]] = deque()
    for found in source.pages_of("POST", "/v1/search"):
        if found.get("object") == "data_source":
            database_id = (found.get("parent") or {}).get("database_id")
            if database_id:
                queue.append({"object": "database", "id": database_id, "parent": found.get("database_parent")})
        else:
            queue.append(found)
        if progress is not None and hasattr(progress, "total"):
            progress.total = (progress.total or 0) + 1
            progress.refresh()

    commentable: list[str] = []
    # What search finds beneath something else is cloned when its parent's children are walked, so that
    # siblings keep their order; only what is left over (its parent out of reach) is cloned on its own.
    later: list[dict[str, Any]] = []
    while queue or later:
        if not queue:
            queue.extend({**item, "_alone": True} for item in later)
            later.clear()
        item = queue.popleft()
        oid = item["id"]
        if oid in seen:
            continue
        if not item.get("_alone") and (item.get("parent") or {}).get("type", "workspace") != "workspace":
            later.append(item)
            continue
        item.pop("_alone", None)
        seen.add(oid)
        if item["object"] == "page":
            page = item if "properties" in item else source.call("GET", f"/v1/pages/{oid}", allow=(404,))
            if page is None or page.get("in_trash") or page.get("archived"):
                continue
            yield _whole_values(source, page)
            tick()
            commentable.append(oid)
            yield from _blocks(source, oid, queue, commentable, tick)
        elif item["object"] == "database":
            database = source.call("GET", f"/v1/databases/{oid}", allow=(404,))
            if database is None or database.get("in_trash"):
                continue
            yield database
            tick()
            for ref in database.get("data_sources") or []:
                data_source = source.call("GET", f"/v1/data_sources/{ref['id']}", allow=(404,))
                if data_source is None:
                    continue
                yield data_source
                tick()
                rows = list(source.pages_of("POST", f"/v1/data_sources/{ref['id']}/query"))
                # The query's default order is the rows' manual order, newest first; import keeps file order.
                for row in reversed(rows):
                    if row["id"] in seen:
                        continue
                    seen.add(row["id"])
                    yield _whole_values(source, row)
                    tick()
                    commentable.append(row["id"])
                    yield from _blocks(source, row["id"], queue, commentable, tick)

    for block_id in commentable:
        for comment in _comments(source, block_id):
            tick()
            yield comment


def _comments(source: Source, block_id: str) -> Iterator[dict[str, Any]]:
    """A page's or block's comments, oldest first; none where the integration may not read comments (403)."""
    cursor = None
    while True:
        params: dict[str, Any] = {"block_id": block_id, "page_size": 100}
        if cursor:
            params["start_cursor"] = cursor
        answer = source.call("GET", "/v1/comments", params=params, allow=(403, 404))
        if answer is None:
            return
        yield from answer.get("results", [])
        cursor = answer.get("next_cursor")
        if not answer.get("has_more") or not cursor:
            return


def _blocks(source: Source, parent_id: str, queue: deque[dict[str, Any]], commentable: list[str],
            tick: Callable[[int], None]) -> Iterator[dict[str, Any]]:
    """The blocks beneath a page, depth first, each before its children. Child pages and databases come
    as their blocks (which place them among their siblings) and are queued to be cloned whole."""
    stack = [parent_id]
    while stack:
        current = stack.pop()
        children = list(source.pages_of("GET", f"/v1/blocks/{current}/children", allow=(404,)))
        nested = []
        for block in children:
            yield block
            tick()
            kind = block.get("type")
            if kind == "child_page":
                queue.append({"object": "page", "id": block["id"]})
            elif kind == "child_database":
                queue.append({"object": "database", "id": block["id"]})
            else:
                commentable.append(block["id"])
                if block.get("has_children"):
                    nested.append(block["id"])
        stack.extend(reversed(nested))


def _whole_values(source: Source, page: dict[str, Any]) -> dict[str, Any]:
    """A page with every capped property value read whole through the property-item endpoint."""
    properties = page.get("properties") or {}
    for name, value in properties.items():
        kind = value.get("type")
        if kind not in CAPPED:
            continue
        items = value.get(kind)
        if not (value.get("has_more") or (isinstance(items, list) and len(items) >= PAGE_VALUE_CAP)):
            continue
        whole = []
        for item in source.pages_of("GET", f"/v1/pages/{page['id']}/properties/{value['id']}"):
            whole.append(item.get(kind) if kind != "relation" else item.get("relation"))
        value[kind] = whole
        if kind == "relation":
            value["has_more"] = False
    return page
