"""Notion's integration capabilities, by the names its settings page uses."""

from __future__ import annotations

READ_CONTENT = "read_content"
UPDATE_CONTENT = "update_content"
INSERT_CONTENT = "insert_content"
READ_COMMENTS = "read_comments"
INSERT_COMMENTS = "insert_comments"

CONTENT = (READ_CONTENT, UPDATE_CONTENT, INSERT_CONTENT, READ_COMMENTS, INSERT_COMMENTS)

# User information: exactly one level.
USER_WITH_EMAIL = "user_with_email"
USER_WITHOUT_EMAIL = "user_without_email"
NO_USER_INFO = "no_user_info"
USER_LEVELS = (USER_WITH_EMAIL, USER_WITHOUT_EMAIL, NO_USER_INFO)

# What the CLI accepts, short and long.
ALIASES = {
    "read": READ_CONTENT,
    "update": UPDATE_CONTENT,
    "insert": INSERT_CONTENT,
    "comment_read": READ_COMMENTS,
    "comment_insert": INSERT_COMMENTS,
    "read_comment": READ_COMMENTS,
    "insert_comment": INSERT_COMMENTS,
    "user_email": USER_WITH_EMAIL,
    "user": USER_WITHOUT_EMAIL,
    "no_user": NO_USER_INFO,
    "none": NO_USER_INFO,
}

DEFAULT = (READ_CONTENT, UPDATE_CONTENT, INSERT_CONTENT, READ_COMMENTS, INSERT_COMMENTS, USER_WITHOUT_EMAIL)
EVERYTHING = frozenset(CONTENT) | {USER_WITH_EMAIL}


def parse(text: str) -> tuple[str, ...]:
    """`read,update,insert,user_with_email` -> canonical capability names; exactly one user level."""
    names = []
    for raw in text.replace(" ", "").split(","):
        if not raw:
            continue
        name = ALIASES.get(raw, raw)
        if name not in CONTENT and name not in USER_LEVELS:
            raise ValueError(
                f"unknown capability {raw!r}; use {', '.join(CONTENT + USER_LEVELS)} "
                f"or the short forms {', '.join(ALIASES)}"
            )
        if name not in names:
            names.append(name)
    levels = [n for n in names if n in USER_LEVELS]
    if len(levels) > 1:
        raise ValueError("give at most one user information level")
    if not levels:
        names.append(NO_USER_INFO)
    return tuple(names)
