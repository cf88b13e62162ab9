"""Text families: title, rich_text, url, email, phone_number."""

from __future__ import annotations

from typing import Any

from .. import rich_text, validate as v
from .base import PropertyType, register


def _as_text(old_type: str, old_value: Any) -> str:
    if old_value is None:
        return ""
    if isinstance(old_value, list) and old_type in ("title", "rich_text"):
        return rich_text.plain_text(old_value)
    if isinstance(old_value, dict) and "name" in old_value:
        return str(old_value["name"])
    if isinstance(old_value, list):
        return ", ".join(str(o.get("name", "")) for o in old_value if isinstance(o, dict))
    if isinstance(old_value, bool):
        return "Yes" if old_value else "No"
    if isinstance(old_value, (int, float, str)):
        return str(old_value)
    if isinstance(old_value, dict) and "start" in old_value:
        return old_value["start"]
    return ""


def mentions_in_full(ctx, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rich text with its user mentions rendered as the caller may see the user, as blocks show them."""
    return rich_text.render_user_mentions(ctx, value) if rich_text.has_user_mention(value) else value


class RichTextType(PropertyType):
    name = "rich_text"

    def empty(self) -> Any:
        return []

    def parse(self, ctx, value, path, prop, env):
        from ..blocks import resolver_for

        return rich_text.parse(value, path, resolver_for(ctx))

    def render(self, ctx, page, prop, stored, ds):
        return mentions_in_full(ctx, stored or [])

    def convert(self, old_type, old_value, prop):
        if old_type in ("title", "rich_text"):
            return old_value or []
        text = _as_text(old_type, old_value)
        return [rich_text.text_item(text[:2000])] if text else []


class TitleType(RichTextType):
    name = "title"


class StringType(PropertyType):
    max_len = 2000

    def parse(self, ctx, value, path, prop, env):
        if value is None:
            return None
        return v.string(value, path, max_len=self.max_len, allow_empty=False)

    def convert(self, old_type, old_value, prop):
        text = _as_text(old_type, old_value)
        return text[: self.max_len] or None


class UrlType(StringType):
    name = "url"


class EmailType(StringType):
    name = "email"
    max_len = 200


class PhoneType(StringType):
    name = "phone_number"
    max_len = 200


register(TitleType(), RichTextType(), UrlType(), EmailType(), PhoneType())
