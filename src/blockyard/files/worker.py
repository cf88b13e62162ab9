"""The files' background thread: external_url imports, and removing the bytes of expired uploads.

Imports never run during the request that asked for them: the request stores a pending upload and
wakes this thread, which claims the row (so that one worker of many takes it), streams the URL into
storage and marks the upload `uploaded`, or `failed` with Notion's `file_import_result`. A claim older
than five minutes is taken again, so an import cut short by a restart starts over."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa

from .. import errors
from ..clock import iso
from ..store.schema_files import file_uploads
from . import events, limits as L

log = logging.getLogger("blockyard.files")

CLAIM_MS = 5 * 60 * 1000
SWEEP_SECONDS = 60.0
FETCH_TIMEOUT = 30.0


class ImportFailed(Exception):
    def __init__(self, kind: str, code: str, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.code, self.message, self.status_code = kind, code, message, status_code


class Fetcher:
    """Which URLs may be fetched: `file_fetch_hosts` lists hosts (`host` or `host:port`, `*` for any
    public host). Without it any public host over HTTPS may be; a host listed by name may also be
    reached over plain HTTP and on a private address (a test server on loopback)."""

    def __init__(self, hosts: str | None) -> None:
        self.hosts = tuple(h.strip().lower() for h in (hosts or "*").split(",") if h.strip())
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def _listed(self, host: str, port: int | None) -> bool:
        return host in self.hosts or (port is not None and f"{host}:{port}" in self.hosts)

    def check_url(self, url: str) -> None:
        """At create: the URL's form and host, with no network."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            port = -1
        listed = bool(host) and port != -1 and self._listed(host, port)
        if parts.scheme not in ("https", "http") or not host or port == -1 or parts.scheme == "http" and not listed:
            raise errors.validation(
                f"body failed validation: body.external_url should be a public URL starting with `https://`, "
                f"instead was `{errors.show(url)}`."
            )
        if not listed and ("*" not in self.hosts or _private_literal(host)):
            raise errors.validation(f"The external URL's host {host} is not allowed on this server.")

    def check_address(self, url: str) -> None:
        """At fetch time: a host that is not listed by name must resolve to public addresses only."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self._listed(host, parts.port):
            return
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError:
            raise ImportFailed("download_error", "file_upload_download_failed",
                               f"The host {host} could not be resolved.") from None
        for info in infos:
            if not ipaddress.ip_address(info[4][0]).is_global:
                raise ImportFailed("validation_error", "file_upload_invalid_url",
                                   f"The external URL's host {host} is not public.")


def _private_literal(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


class Worker:
    def __init__(self, app: Any, files: Any) -> None:
        self.app = app
        self.files = files
        self._thread: threading.Thread | None = None
        self._stop = False
        self._next_sweep = 0.0
        self._failing = False

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="blockyard-files", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop = True
        self.files.fetcher.wake()

    def _run(self) -> None:
        wake = self.files.fetcher._wake
        while not self._stop:
            wake.wait(timeout=5.0)
            wake.clear()
            if self._stop:
                return
            try:
                self.import_pending()
                if time.monotonic() >= self._next_sweep:
                    self._next_sweep = time.monotonic() + SWEEP_SECONDS
                    self.sweep()
            except Exception:
                if self._stop:
                    return
                # Said once until a pass succeeds again: a store that is down would repeat it every pass.
                if not self._failing:
                    log.exception("file worker pass failed; retrying every few seconds")
                self._failing = True
            else:
                self._failing = False

    # --- external_url imports ------------------------------------------------------------------

    def import_pending(self) -> int:
        store = self.app.store
        c = file_uploads.c
        done = 0
        while True:
            now = store.clock.now_ms()
            # Looked for in a read transaction: an idle server's polling writes nothing.
            with store.read() as tx:
                row = tx.execute(sa.select(file_uploads).where(
                    c.mode == "external_url", c.status == "pending",
                    sa.or_(c.claimed_time.is_(None), c.claimed_time < now - CLAIM_MS),
                ).order_by(c.created_time).limit(1)).first()
            if row is None:
                return done
            with store.write() as tx:
                claimed = tx.execute(file_uploads.update().where(
                    c.id == row.id, c.status == "pending",
                    sa.or_(c.claimed_time.is_(None), c.claimed_time < now - CLAIM_MS),
                ).values(claimed_time=now)).rowcount
            if claimed:
                self._import(row)
                done += 1

    def _import(self, row: Any) -> None:
        import httpx

        storage = self.files.storage
        writer = storage.writer()
        limit = self.files.plan_limit
        try:
            self.files.fetcher.check_address(row.external_url)
            with httpx.stream("GET", row.external_url, timeout=FETCH_TIMEOUT, follow_redirects=False) as resp:
                if resp.status_code != 200:
                    raise ImportFailed("download_error", "file_upload_download_failed",
                                       f"The external URL answered HTTP {resp.status_code}.", resp.status_code)
                sent_type = resp.headers.get("content-type")
                if not sent_type:
                    raise ImportFailed("validation_error", "file_upload_invalid_content_type",
                                       "The external URL did not give a Content-Type.", 200)
                base = L.base_type(sent_type)
                if row.content_type is not None and base != L.base_type(row.content_type) and base != "application/octet-stream":
                    raise ImportFailed("validation_error", "file_upload_invalid_content_type",
                                       f"The external URL's content type {base} does not match the file upload's "
                                       f"content type {row.content_type}.", 200)
                content_type = row.content_type or base
                if L.base_type(content_type) not in L.MIME_TYPES:
                    raise ImportFailed("validation_error", "file_upload_invalid_content_type",
                                       f"The content type {content_type} is not supported.", 200)
                declared = resp.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > limit:
                    raise _too_large(limit)
                for chunk in resp.iter_bytes(1024 * 1024):
                    writer.write(chunk)
                    if writer.size > limit:
                        raise _too_large(limit)
                if writer.size == 0:
                    raise ImportFailed("validation_error", "file_upload_invalid_size", "The file is empty.", 200)
            writer.commit(f"uploads/{row.id}")
            self._finish(row, "uploaded", {"type": "success", "success": {}}, content_type, writer.size)
        except ImportFailed as exc:
            writer.abort()
            self._finish(row, "failed", {"type": "error", "error": {
                "type": exc.kind, "code": exc.code, "message": exc.message, "parameter": None,
                "status_code": exc.status_code}}, None, None)
        except httpx.HTTPError as exc:
            writer.abort()
            self._finish(row, "failed", {"type": "error", "error": {
                "type": "download_error", "code": "file_upload_download_failed",
                "message": f"The file could not be downloaded from the external URL ({type(exc).__name__}).",
                "parameter": None, "status_code": None}}, None, None)
        except BaseException:
            writer.abort()
            raise

    def _finish(self, row: Any, status: str, result: dict[str, Any], content_type: str | None,
                size: int | None) -> None:
        store = self.app.store
        now = store.clock.now_ms()
        values: dict[str, Any] = {"status": status, "last_edited_time": now,
                                  "import_result": orjson.dumps({"imported_time": iso(now), **result}).decode()}
        if status == "uploaded":
            values.update(content_type=content_type, content_length=size)
        with store.write() as tx:
            changed = tx.execute(file_uploads.update().where(
                file_uploads.c.id == row.id, file_uploads.c.status == "pending").values(**values)).rowcount
            if changed:
                kind = "file_upload.completed" if status == "uploaded" else "file_upload.upload_failed"
                events.record(tx, row.workspace_id, kind, row.id, row.owner_id, now, self.app)

    # --- expiry ----------------------------------------------------------------------------------

    def sweep(self) -> int:
        """Removes the bytes of uploads whose hour passed unattached; their rows stay, reading `expired`."""
        store = self.app.store
        c = file_uploads.c
        removed = 0
        while True:
            now = store.clock.now_ms()
            with store.read() as tx:
                rows = tx.execute(sa.select(c.id, c.workspace_id, c.owner_id, c.status).where(
                    c.bytes_removed == sa.false(), c.expiry_time <= now).limit(200)).all()
            if not rows:
                return removed
            for r in rows:
                self.files.storage.delete(f"uploads/{r.id}", f"parts/{r.id}/")
            with store.write() as tx:
                # An expired upload cannot be attached any more, so nothing races with this.
                tx.execute(file_uploads.update().where(c.id.in_([r.id for r in rows])).values(bytes_removed=True))
                for r in rows:
                    if r.status != "failed":
                        events.record(tx, r.workspace_id, "file_upload.expired", r.id, r.owner_id, now, self.app)
            removed += len(rows)


def _too_large(limit: int) -> ImportFailed:
    size = f"{limit // L.MIB} MiB" if limit < 1024 * L.MIB else f"{limit // (1024 * L.MIB)} GiB"
    return ImportFailed("validation_error", "file_upload_invalid_size",
                        f"The file size is not within the allowed limit of {size}. Please try again with a new file upload.",
                        200)
