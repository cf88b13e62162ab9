"""2022-06-28: databases hold their own schema and are queried directly; `archived` alongside `in_trash`."""

from .base import Version

V2022_06_28 = Version(
    name="2022-06-28",
    archived=True,
    data_sources=False,
    append_position=False,
    meeting_notes_type="transcription",
    page_or_collection="page_or_database",
    search_collection_object="database",
    unsupported_block_type=False,
)
