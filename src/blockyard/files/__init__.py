"""File uploads, their storage, signed download URLs and custom emojis.

    uploads.py   the upload lifecycle and attaching, in Notion's words (api/file_uploads.py calls it)
    form.py      multipart/form-data bodies read as they arrive
    limits.py    sizes per plan, parts, filenames and allowed types
    storage.py   bytes in a local directory or an S3-compatible bucket, in chunks
    signing.py   HMAC-signed, expiring download URLs; the key kept per store
    download.py  serves those URLs outside /v1 (Content-Type, Content-Disposition, Range)
    worker.py    the background thread: external_url imports and removing expired uploads' bytes
    emojis.py    custom emojis (api/custom_emojis.py, `blockyard emoji`)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from typing import Any

from . import limits, storage as storages
from ..store.engine import normalise_url, sqlite_file
from .signing import Signer, load_key


class Files:
    """What the rest of the application reaches as `app.files`."""

    def __init__(self, app: Any) -> None:
        settings = app.settings
        store = app.store
        plan = settings.file_plan
        if plan not in limits.PLAN_LIMITS:
            raise ValueError(f"file_plan should be one of {', '.join(limits.PLAN_LIMITS)}, not {plan!r}")
        self.plan_limit = limits.PLAN_LIMITS[plan]
        self.storage = storage_for(settings, store)
        self._app = app
        self._signer: Signer | None = None
        self._lock = threading.Lock()
        from .worker import Fetcher, Worker

        self.fetcher = Fetcher(settings.file_fetch_hosts)
        self.worker = Worker(app, self)

    def start(self) -> None:
        """Once the store's tables exist (create_app): the signing key, and the background worker."""
        with self._lock:
            if self._signer is None:
                settings = self._app.settings
                self._signer = Signer(load_key(self._app.store, settings.file_signing_key), settings.public_url)
                self.worker.start()

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            self.start()
        assert self._signer is not None
        return self._signer


def storage_for(settings: Any, store: Any) -> storages.Storage:
    """The storage `settings` name; by default a directory beside an SQLite store (`<store>-files`)."""
    path = None
    if store.is_sqlite and not store.in_memory:
        path = sqlite_file(normalise_url(store.url)[0])
    elif not store.is_sqlite:
        # One directory per database and schema, so a restarted server finds its files again.
        tag = hashlib.sha256(store.url.encode()).hexdigest()[:12]
        path = os.path.join(tempfile.gettempdir(), f"blockyard-{tag}")
    return storages.from_settings(settings, path)


def install(app: Any) -> None:
    from .download import Download

    app.files = Files(app)
    app.other_apps.insert(0, Download(app))
