"""Turning a compiled formula back into text for the API (computed.md §1.10).

Two renderings:

* `rewrite(...)`: the expression as written (formatting and comments kept) with each property
  reference replaced: by `prop("Current name")` (the 2026-08 "stored as written" behaviour) or
  by a `{{notion:block_property:...}}` token (how to store it so renames do not break it).
* `canonical(...)`: the token-era canonical print (Sep 2023 - mid 2026): tokens, spaces around
  binary operators and after commas, every binary/logical operand of a binary operator in
  parentheses, redundant parentheses dropped, method calls kept as methods.
"""

from __future__ import annotations

from . import nodes as N
from .tokens import quote_string, render_prop_call, render_token


def token_for(ref: N.PropRef, data_source_id: str | None, workspace_id: str | None) -> str:
    ds = data_source_id
    if ref.target is not None:
        cfg = (ref.via.config if ref.via is not None else None) or {}
        ds = cfg.get("data_source_id") or cfg.get("database_id") or (
            ref.token.data_source_id if ref.token is not None else None)
    return render_token(ref.info.id, ds, workspace_id)


def prop_text(ref: N.PropRef, data_source_id: str | None, workspace_id: str | None) -> str:
    """prop("Name") when the current name finds this property again, else the token."""
    info = ref.info
    schema = ref.schema
    try:
        again = schema.by_name(info.name) if schema is not None else None
    except Exception:  # noqa: BLE001
        again = None
    if again is not None and again.id == info.id:
        return render_prop_call(info.name)
    return token_for(ref, data_source_id, workspace_id)


def rewrite(source: str, root: N.Node, style: str, data_source_id: str | None,
            workspace_id: str | None) -> str:
    refs = [n for n in N.walk(root) if isinstance(n, N.PropRef) and n.info is not None]
    refs.sort(key=lambda r: r.ref_start, reverse=True)
    out = source
    for ref in refs:
        text = (prop_text(ref, data_source_id, workspace_id) if style == "prop"
                else token_for(ref, data_source_id, workspace_id))
        out = out[:ref.ref_start] + text + out[ref.ref_end:]
    return out


def canonical(root: N.Node, data_source_id: str | None, workspace_id: str | None,
              use_tokens: bool = True) -> str:
    def ref_text(ref: N.PropRef) -> str:
        if use_tokens:
            return token_for(ref, data_source_id, workspace_id)
        return render_prop_call(ref.info.name if ref.info is not None else ref.name)

    def operand(node: N.Node) -> str:
        text = emit(node)
        if isinstance(node, (N.Binary, N.Logical, N.Ternary)):
            return f"({text})"
        return text

    def receiver(node: N.Node) -> str:
        text = emit(node)
        if isinstance(node, (N.Binary, N.Logical, N.Ternary, N.Unary)):
            return f"({text})"
        return text

    def emit(node: N.Node) -> str:
        if isinstance(node, N.Number):
            return node.text
        if isinstance(node, N.String):
            return quote_string(node.value)
        if isinstance(node, N.Boolean):
            return "true" if node.value else "false"
        if isinstance(node, N.ListLiteral):
            return "[" + ", ".join(emit(i) for i in node.items) + "]"
        if isinstance(node, N.Identifier):
            return node.name
        if isinstance(node, N.PropRef):
            if node.target is None:
                return ref_text(node)
            if use_tokens:
                return f"{receiver(node.target)}.{ref_text(node)}"
            return f"{receiver(node.target)}.{ref_text(node)}"
        if isinstance(node, N.Call):
            if node.method and node.args:
                rest = ", ".join(emit(a) for a in node.args[1:])
                return f"{receiver(node.args[0])}.{node.name}({rest})"
            return f"{node.name}(" + ", ".join(emit(a) for a in node.args) + ")"
        if isinstance(node, N.Unary):
            inner = emit(node.operand)
            if isinstance(node.operand, (N.Binary, N.Logical, N.Ternary, N.Unary)):
                inner = f"({inner})"
            if node.op == "not":
                return f"not {inner}"
            return f"{node.op}{inner}"
        if isinstance(node, N.Binary):
            return f"{operand(node.left)} {node.op} {operand(node.right)}"
        if isinstance(node, N.Logical):
            return f" {node.op} ".join(operand(o) for o in node.operands)
        if isinstance(node, N.Ternary):
            return f"{operand(node.cond)} ? {operand(node.then)} : {operand(node.otherwise)}"
        raise TypeError(type(node).__name__)

    return emit(root)
