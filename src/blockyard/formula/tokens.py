"""The two ways a formula names a property (computed.md §1.10).

* Request form:  prop("Name")          (resolved by property *name*)
* Token form:    {{notion:block_property:<PROPERTY_ID>:<DATA_SOURCE_ID>:<WORKSPACE_ID>}}
                 PROPERTY_ID is URL-encoded exactly as the API shows property ids ("title",
                 "U%60%3BC"); the other two are dashed UUIDs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

NIL_UUID = "00000000-0000-0000-0000-000000000000"

_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
TOKEN_RE = re.compile(
    r"\{\{notion:block_property:(?P<prop>[^:{}\s]+):(?P<ds>" + _UUID + r"):(?P<ws>" + _UUID + r")\}\}"
)
# Any {{notion:...}} token, used to reject tokens inside string literals and unknown token kinds.
ANY_TOKEN_RE = re.compile(r"\{\{notion:[^}]*\}\}")


@dataclass(frozen=True)
class PropertyToken:
    prop_id: str          # as written in the token (URL-encoded)
    data_source_id: str
    workspace_id: str

    def render(self) -> str:
        return render_token(self.prop_id, self.data_source_id, self.workspace_id)


def parse_token(text: str) -> PropertyToken | None:
    """Parse one whole `{{notion:block_property:...}}` token, or return None."""
    m = TOKEN_RE.fullmatch(text)
    if not m:
        return None
    return PropertyToken(m.group("prop"), m.group("ds"), m.group("ws"))


def encode_prop_id(prop_id: str) -> str:
    """The URL-encoded form of a property id; already-encoded ids are left as they are."""
    if "%" in prop_id and unquote(prop_id) != prop_id:
        return prop_id
    return quote(prop_id, safe="")


def same_prop_id(a: str, b: str) -> bool:
    return a == b or unquote(a) == unquote(b)


def render_token(prop_id: str, data_source_id: str | None, workspace_id: str | None) -> str:
    return "{{notion:block_property:%s:%s:%s}}" % (
        encode_prop_id(prop_id), data_source_id or NIL_UUID, workspace_id or NIL_UUID)


def quote_string(value: str) -> str:
    """A formula string literal: double quotes, escaping backslash, quote, newline and tab."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def render_prop_call(name: str) -> str:
    return f"prop({quote_string(name)})"
