"""2026-12-01: lists carry only the title unless asked, status `equals` stops matching groups, Notion-flavored
markdown (v2) by default and v1 refused, `replace_content_range` refused, `insert_content.after` anchored to
the start of one block, and person names may be null. Notion names seven changes; the seventh could not be
found in its documentation (docs/compatibility.md)."""

from dataclasses import replace

from .v2026_03_11 import V2026_03_11

V2026_12_01 = replace(
    V2026_03_11,
    name="2026-12-01",
    lists_title_only=True,
    status_equals_matches_groups=False,
    null_person_names=True,
    markdown_default_version="v2",
    markdown_v1=False,
    markdown_replace_content_range=False,
    insert_after_matches_block_start=True,
)
