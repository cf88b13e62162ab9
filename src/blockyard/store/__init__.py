"""Persistence: one SQLAlchemy Core code path for SQLite (default) and PostgreSQL."""

from .engine import Store, Tx

__all__ = ["Store", "Tx"]
