"""Answers kept while the store is unchanged.

Every entry belongs to one reading of `Store.changes()` (store/changes.py). A commit anywhere,
in this process or another (the CLI, an import), moves that value and drops everything at once,
so a cached answer is always the answer the store would give now. Answers that read the clock
(formulas using now()) are never kept. In-memory SQLite stores report nothing and nothing is kept."""

from __future__ import annotations

from typing import Any, Hashable


class ChangeCache:
    """A bounded map that empties whenever the store's change number moves."""

    def __init__(self, max_bytes: int, max_entries: int = 100_000) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.changes: Hashable | None = None
        self.entries: dict[Hashable, tuple[Any, int]] = {}
        self.size = 0

    def get(self, key: Hashable, changes: Hashable | None) -> Any:
        if changes is None or changes != self.changes:
            return None
        hit = self.entries.get(key)
        return None if hit is None else hit[0]

    def put(self, key: Hashable, changes: Hashable | None, value: Any, size: int = 1) -> None:
        if changes is None or size > self.max_bytes:
            return
        if changes != self.changes:
            self.clear()
            self.changes = changes
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old[1]
        while self.entries and (self.size + size > self.max_bytes or len(self.entries) >= self.max_entries):
            # Oldest first: dicts keep insertion order.
            _, dropped = self.entries.pop(next(iter(self.entries)))
            self.size -= dropped
        self.entries[key] = (value, size)
        self.size += size

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


class Kept:
    """What the HTTP layer keeps between requests while the store is unchanged: principals by token
    digest (Authenticate) and GET answers (Dispatch), and the shortcut that serves a kept answer
    straight from the raw request (RequestContext), before a Request is even built."""

    def __init__(self, answer_bytes: int) -> None:
        # A revoked or rotated token is a commit, so a kept principal is never stale.
        self.principals = ChangeCache(max_bytes=10_000)
        self.answers = ChangeCache(answer_bytes) if answer_bytes > 0 else None

    @staticmethod
    def headers(scope: dict[str, Any]) -> tuple[bytes | None, bytes | None, bytes | None]:
        """The raw Authorization, Notion-Version and Host headers, the last of each as Request keeps them.
        A Notion-Beta header joins the version: it can change an answer, and a bad one must be refused."""
        authorization = version = host = beta = None
        for name, value in scope["headers"]:
            name = name.lower()
            if name == b"authorization":
                authorization = value
            elif name == b"notion-version":
                version = value
            elif name == b"host":
                host = value
            elif name == b"notion-beta":
                beta = value
        if beta is not None:
            version = (version or b"") + b";beta=" + beta
        return authorization, version, host

    @staticmethod
    def answer_key(scope: dict[str, Any], version: bytes | None, host: bytes | None,
                   token_digest: str) -> tuple[Any, ...]:
        """Everything a GET answer depends on besides the store: what is asked, by whom, how, at which version."""
        return scope["path"], scope.get("query_string", b""), version, host, token_digest
