"""Async tasks kept in the store: `store` records and renders them, `runner` runs them."""
