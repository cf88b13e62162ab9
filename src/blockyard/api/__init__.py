"""Thin HTTP handlers, one module per resource. Each module's ROUTES lists what it serves."""
