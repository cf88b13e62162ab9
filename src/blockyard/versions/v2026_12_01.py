"""2026-12-01: lists carry only the title unless asked, status `equals` stops matching groups, Notion-flavored
markdown (v2) by default and v1 refused, `replace_content_range` refused, `insert_content.after` anchored to
the start of one block, and person names may be null. Notion names seven changes; the seventh could not be
found in its documentation (docs/compatibility.md)."""

from .base import Version

V2026_12_01 = Version(
    name="2026-12-01",
    archived=False,
    data_sources=True,
    append_position=True,
    meeting_notes_type="meeting_notes",
    page_or_collection="page_or_data_source",
    search_collection_object="data_source",
    unsupported_block_type=True,
    lists_title_only=True,
    status_equals_matches_groups=False,
    null_person_names=True,
    markdown_default_version="v2",
    markdown_v1=False,
    markdown_replace_content_range=False,
    insert_after_matches_block_start=True,
)
