"""`uvicorn blockyard.asgi:app`: the application configured from BLOCKYARD_* environment variables."""

import gc
import os

from .app import create_app

# `blockyard serve` migrates once before starting workers, so that they neither repeat it nor race each other.
app = create_app(migrate=os.environ.pop("BLOCKYARD_MIGRATED", "") != "1")

# Everything allocated so far (SQLAlchemy's metadata, compiled statements, the app) lives as long as the
# process: keep it out of the garbage collector's full passes, which would otherwise rescan it all.
gc.collect()
gc.freeze()
