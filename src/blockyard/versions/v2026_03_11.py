"""2026-03-11: `archived` is gone (only `in_trash`), append takes `position`, `meeting_notes` blocks."""

from .base import Version

V2026_03_11 = Version(
    name="2026-03-11",
    archived=False,
    data_sources=True,
    append_position=True,
    meeting_notes_type="meeting_notes",
    page_or_collection="page_or_data_source",
    search_collection_object="data_source",
    unsupported_block_type=True,
)
