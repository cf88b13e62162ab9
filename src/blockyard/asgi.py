"""`uvicorn blockyard.asgi:app`: the application configured from BLOCKYARD_* environment variables."""

import os

from .app import create_app

# `blockyard serve` migrates once before starting workers, so that they neither repeat it nor race each other.
app = create_app(migrate=os.environ.pop("BLOCKYARD_MIGRATED", "") != "1")
