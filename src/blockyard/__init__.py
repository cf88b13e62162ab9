"""Blockyard: a self-hostable server that speaks Notion's public REST API."""

__version__ = "0.1.0"
