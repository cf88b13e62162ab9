from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Version:
    name: str
    # Responses carry `archived` beside `in_trash`, and requests may send it.
    archived: bool
    # Databases are containers of data sources; schemas and queries live on data sources.
    data_sources: bool
    # Append children places blocks with `position` (and rejects `after`).
    append_position: bool
    # Name of the meeting-notes block type.
    meeting_notes_type: str
    # List type and search filter value for databases vs data sources.
    page_or_collection: str
    search_collection_object: str
    # Unsupported blocks say which block they stand for.
    unsupported_block_type: bool
    # Markdown endpoints: the dialect used when a request names none, whether enhanced markdown
    # (v1) is still accepted, and whether PATCH .../markdown takes `replace_content_range`.
    markdown_default_version: str = "v1"
    markdown_v1: bool = True
    markdown_replace_content_range: bool = True

    def __str__(self) -> str:
        return self.name
