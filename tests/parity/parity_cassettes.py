"""Reading the recorded traffic: vcrpy cassettes (httpx format) in replay order."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

TRAFFIC_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "notion-traffic"
CASSETTE_ROOT = TRAFFIC_DIR / "ultimate-notion" / "tests"
API_HOST = "api.notion.com"

_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
UUID_RE = re.compile(rf"(?<![0-9a-fA-F-]){_UUID}(?![0-9a-fA-F])")


@dataclass
class Interaction:
    cassette: str  # path relative to the cassette root
    index: int
    method: str
    uri: str
    host: str
    path: str  # /v1/...
    query: str
    version: str | None
    body: Any  # parsed JSON, or None
    raw_body: str | None
    status: int
    response: Any  # parsed JSON, or None when the content is not JSON

    @property
    def endpoint(self) -> str:
        return endpoint_of(self.method, self.path)


def endpoint_of(method: str, path: str) -> str:
    p = UUID_RE.sub("{id}", path)
    p = re.sub(r"/properties/[^/]+$", "/properties/{property_id}", p)
    return f"{method} {p}"


def cassette_files(root: Path = CASSETTE_ROOT) -> list[Path]:
    """Fixture cassettes first (they create what later cassettes reuse), then the rest, each sorted."""
    fixtures = sorted((root / "cassettes" / "fixtures").glob("mod_*.yaml"))
    rest = sorted(p for p in (root / "cassettes").rglob("*.yaml") if p.parent.name != "fixtures")
    obj_api = sorted((root / "obj_api" / "cassettes").rglob("*.yaml"))
    return fixtures + rest + obj_api


def _header(headers: dict[str, Any], name: str) -> str | None:
    for k, v in (headers or {}).items():
        if k.lower() == name:
            return v[0] if isinstance(v, list) and v else v
    return None


def load(root: Path = CASSETTE_ROOT) -> list[Interaction]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: list[Interaction] = []
    for path in cassette_files(root):
        with open(path, encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=loader) or {}
        for i, it in enumerate(doc.get("interactions") or []):
            req, resp = it["request"], it["response"]
            parts = urlsplit(req["uri"])
            raw = req.get("body")
            if isinstance(raw, bytes):
                raw = raw.decode("utf-8")
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            content = resp.get("content")
            if isinstance(content, bytes):
                content = content.decode("utf-8", "replace")
            try:
                response = json.loads(content) if content else None
            except ValueError:
                response = None
            status = resp.get("status_code") or (resp.get("status") or {}).get("code")
            out.append(Interaction(
                cassette=str(path.relative_to(root)), index=i, method=req["method"].upper(), uri=req["uri"],
                host=parts.hostname or "", path=parts.path, query=parts.query,
                version=_header(req.get("headers"), "notion-version"), body=body, raw_body=raw,
                status=int(status), response=response,
            ))
    return out
