from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .legacy import Legacy


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
    # Search and data-source queries carry only the title property unless `filter_properties` names more.
    lists_title_only: bool = False
    # A status `equals` / `does_not_equal` value that names a status group matches the group's options.
    status_equals_matches_groups: bool = True
    # A person without a name shows `"name": null` rather than an empty string.
    null_person_names: bool = False
    # Markdown endpoints: the dialect used when a request names none, whether enhanced markdown (v1) is
    # still accepted, whether PATCH .../markdown takes `replace_content_range`, and whether
    # `insert_content.after` must match the start of exactly one block (rather than a range of text).
    markdown_default_version: str = "v1"
    markdown_v1: bool = True
    markdown_replace_content_range: bool = True
    insert_after_matches_block_start: bool = False
    # Versions before 2022-06-28: how their requests map onto the model and the model onto their answers.
    legacy: "Legacy | None" = None

    def __str__(self) -> str:
        return self.name
