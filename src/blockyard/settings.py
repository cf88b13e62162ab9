"""Every knob, with its default. Read from the CLI, then BLOCKYARD_* environment variables.
Documented in docs/configuration.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields


def _env_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


class SettingsError(ValueError):
    """A BLOCKYARD_* variable whose value is not of its setting's kind."""


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8787
    database: str = "blockyard.db"  # a file path (SQLite) or a URL (sqlite:///..., postgresql://...)
    cors_origins: tuple[str, ...] = ()  # origins allowed to call from a browser; "*" allows any
    base_url: str | None = None  # how clients reach us, for next_url and similar; default http://host:port
    request_timeout: float = 60.0  # seconds; past it a request answers 503 as Notion does
    rate_limit: str = "off"  # off | notion | per_integration=N/Ts,per_workspace=N/Ts (docs/configuration.md)
    faults: str | None = None  # a JSON file of fault rules (docs/recipes.md)
    admin_key: str | None = None  # enables /admin endpoints when set
    request_log_rows: int = 10_000  # the request log keeps at most this many rows...
    request_log_hours: float = 24.0  # ...and nothing older than this; 0 turns the log off
    response_cache_mb: float = 32.0  # GET answers kept until the store changes (SQLite); 0 turns it off
    log_level: str = "info"
    # HTTP limits per connection and worker (http/server.py; docs/configuration.md).
    http_max_header_bytes: int = 32_768  # request line and headers together; more answers 431
    http_max_headers: int = 100  # header fields per request; more answers 431
    http_header_timeout: float = 10.0  # seconds for a request head to arrive; 0 = none
    http_body_timeout: float = 30.0  # seconds for a body to arrive after its head; 0 = none
    http_keep_alive_timeout: float = 5.0  # seconds an idle kept-alive connection stays open
    http_max_connections: int = 0  # open connections per worker; 0 = the file limit less a reserve
    view_query_seconds: float = 900.0  # how long a view query's snapshot of pages is kept (Notion: about 15 min)
    file_plan: str = "free"  # free (5 MiB a file) | paid (5 GiB a file), as Notion's workspace plans
    file_storage: str = ""  # empty: a directory beside the SQLite store; a directory path; or s3://bucket/prefix
    file_s3_endpoint: str = ""  # an S3-compatible host (MinIO, Ceph...); empty for AWS
    file_s3_region: str = ""
    file_fetch_hosts: str = ""  # hosts external_url imports may fetch (host or host:port, comma-separated; * any public)
    file_signing_key: str | None = None  # signs download URLs; default: a random key kept in the store
    webhook_delivery: bool = True  # the server delivers webhooks (off: events are only recorded)
    webhook_timeout_seconds: float = 10.0  # a receiver answering later has failed the attempt
    webhook_retry_seconds: float = 680.0  # first retry delay, doubled each time (8 attempts span about 24 h)
    webhook_aggregation_seconds: float = 10.0  # content/properties/schema updates of one entity merge within this
    webhook_poll_seconds: float = 0.5  # how often the deliverer looks for due deliveries when nothing woke it
    webhook_retention_hours: float = 168.0  # finished deliveries and recorded events are pruned after this
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = env.get("BLOCKYARD_" + f.name.upper())
            if raw is None:
                continue
            if f.type in ("int", "float"):
                try:
                    values[f.name] = int(raw) if f.type == "int" else float(raw)
                except ValueError:
                    kind = "a whole number" if f.type == "int" else "a number"
                    raise SettingsError(f"BLOCKYARD_{f.name.upper()}={raw!r} is not {kind}") from None
            elif f.type == "bool":
                values[f.name] = raw.strip().lower() not in ("0", "false", "off", "no", "")
            elif f.name == "cors_origins":
                values[f.name] = _env_list(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def public_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"
