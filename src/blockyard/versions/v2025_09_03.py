"""2025-09-03: databases become containers of data sources; `archived` still present."""

from .base import Version

V2025_09_03 = Version(
    name="2025-09-03",
    archived=True,
    data_sources=True,
    append_position=False,
    meeting_notes_type="transcription",
    page_or_collection="page_or_data_source",
    search_collection_object="data_source",
    unsupported_block_type=False,
)
