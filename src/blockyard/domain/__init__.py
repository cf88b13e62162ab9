"""Rules of Notion's data model: validation and decisions, no HTTP."""
