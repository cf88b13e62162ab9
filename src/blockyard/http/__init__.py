"""The HTTP edge: requests, routing and the pure-ASGI middleware chain."""
