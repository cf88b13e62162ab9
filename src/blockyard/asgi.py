"""`uvicorn blockyard.asgi:app`: the application configured from BLOCKYARD_* environment variables."""

from .app import create_app

app = create_app()
