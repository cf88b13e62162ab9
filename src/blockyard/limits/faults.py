"""Fault injection: rules that make matching requests fail, or slow down, on purpose.

A rule (JSON):
    {"method": "POST", "path": "/v1/pages*", "integration": "Importer",   # what it matches (all optional)
     "status": 503,                                                       # 429, 409, 500, 502, 503, 504, 529
     "every_nth": 3 | "probability": 0.2, "seed": 7,                      # when it fires (default: always)
     "times": 2,                                                          # stop after firing this many times
     "retry_after": 2, "latency_ms": 1500,                                # Retry-After header; delay first
     "apply_write": true}                                                 # run the request, then fail anyway

Counters and random streams live in the process that serves the request."""

from __future__ import annotations

import asyncio
import fnmatch
import itertools
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..http.types import ASGIApp, Receive, Scope, Send

STATUSES = (409, 429, 500, 502, 503, 504, 529)
# Notion sends Retry-After with 429 and 529; other statuses carry it only when a rule asks.
DEFAULT_RETRY_AFTER = {429: 1, 529: 1}
FIELDS = ("id", "method", "path", "integration", "status", "always", "every_nth", "probability", "seed", "times",
          "retry_after", "latency_ms", "apply_write")
_ids = itertools.count(1)


def _invalid(where: str, expected: str, got: Any) -> errors.NotionError:
    return errors.body_invalid(where, expected, got)


@dataclass
class Rule:
    id: str
    method: str | None = None
    path: str | None = None
    integration: str | None = None
    status: int | None = None
    every_nth: int | None = None
    probability: float | None = None
    seed: int | None = None
    times: int | None = None
    retry_after: int | None = None
    latency_ms: int = 0
    apply_write: bool = False
    seen: int = 0
    fired: int = 0
    _path_re: re.Pattern[str] | None = field(default=None, repr=False)
    _rng: random.Random | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, value: Any, where: str = "body") -> "Rule":
        """A rule from JSON, or a validation_error naming the field."""
        if not isinstance(value, dict):
            raise _invalid(where, "an object", value)
        for key in value:
            if key not in FIELDS:
                raise errors.validation(f"{where}.{key} is not a fault rule field. Fields: {', '.join(FIELDS)}.")

        def opt(name: str, kind: type | tuple[type, ...], expected: str) -> Any:
            got = value.get(name)
            if got is None:
                return None
            if isinstance(got, bool) or not isinstance(got, kind):
                raise _invalid(f"{where}.{name}", expected, got)
            return got

        method = opt("method", str, "a string")
        path = opt("path", str, "a string")
        integration = opt("integration", str, "a string")
        status = opt("status", int, "one of " + ", ".join(map(str, STATUSES)))
        if status is not None and status not in STATUSES:
            raise _invalid(f"{where}.status", "one of " + ", ".join(map(str, STATUSES)), status)
        every_nth = opt("every_nth", int, "a positive integer")
        if every_nth is not None and every_nth < 1:
            raise _invalid(f"{where}.every_nth", "a positive integer", every_nth)
        probability = opt("probability", (int, float), "a number between 0 and 1")
        if probability is not None and not 0 <= probability <= 1:
            raise _invalid(f"{where}.probability", "a number between 0 and 1", probability)
        if every_nth is not None and probability is not None:
            raise errors.validation(f"{where} failed validation: give every_nth or probability, not both.")
        always = value.get("always")
        if always is not None and (always is not True or every_nth is not None or probability is not None):
            raise _invalid(f"{where}.always", "true, without every_nth or probability", always)
        times = opt("times", int, "a positive integer")
        if times is not None and times < 1:
            raise _invalid(f"{where}.times", "a positive integer", times)
        retry_after = opt("retry_after", int, "a non-negative integer")
        if retry_after is not None and retry_after < 0:
            raise _invalid(f"{where}.retry_after", "a non-negative integer", retry_after)
        latency = opt("latency_ms", int, "a non-negative integer") or 0
        if latency < 0:
            raise _invalid(f"{where}.latency_ms", "a non-negative integer", latency)
        apply_write = value.get("apply_write", False)
        if not isinstance(apply_write, bool):
            raise _invalid(f"{where}.apply_write", "a boolean", apply_write)
        if status is None and not latency:
            raise errors.validation(f"{where} failed validation: a rule needs a status, a latency_ms, or both.")
        if apply_write and status is None:
            raise errors.validation(f"{where} failed validation: apply_write needs a status to answer.")
        seed = opt("seed", int, "an integer")
        rule_id = opt("id", str, "a string") or f"rule_{next(_ids)}"
        rule = cls(rule_id, method.upper() if method else None, path, integration, status, every_nth,
                   probability, seed, times, DEFAULT_RETRY_AFTER.get(status or 0) if retry_after is None else retry_after,
                   latency, apply_write)
        if path:
            rule._path_re = re.compile(fnmatch.translate(path))
        if probability is not None:
            rule._rng = random.Random(seed)
        return rule

    def matches(self, method: str, path: str, principal: Any) -> bool:
        if self.method is not None and self.method not in ("*", method):
            return False
        if self._path_re is not None and not self._path_re.match(path):
            return False
        if self.integration is not None:
            names = {principal.integration_name, principal.integration_id} if principal.integration_id else {"personal"}
            if self.integration not in names:
                return False
        return True

    def fires(self) -> bool:
        """Counts a matching request and says whether this one is hit."""
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        if self.every_nth is not None:
            hit = self.seen % self.every_nth == 0
        elif self._rng is not None:
            hit = self._rng.random() < (self.probability or 0)
        else:
            hit = True
        if hit:
            self.fired += 1
        return hit

    def error(self) -> errors.NotionError:
        assert self.status is not None
        if self.status == 429:
            exc = errors.rate_limited(self.retry_after or 1, "public_api_request_rate_limit")
        elif self.status == 409:
            exc = errors.conflict()
        else:
            exc = errors.server_error(self.status)
        if self.retry_after is not None:
            exc.headers["retry-after"] = str(self.retry_after)
        return exc

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        for name in FIELDS[1:]:
            if name == "always":
                continue
            value = getattr(self, name)
            if value is not None and value is not False and not (name == "latency_ms" and value == 0):
                out[name] = value
        out["seen"] = self.seen
        out["fired"] = self.fired
        return out


class FaultRules:
    """The rules in force: from the file at start-up, then whatever the admin endpoint sets."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.lock = threading.Lock()

    @staticmethod
    def parse_many(value: Any, where: str = "body") -> list[Rule]:
        if isinstance(value, dict) and "rules" in value:
            value, where = value["rules"], f"{where}.rules"
        if isinstance(value, dict):
            return [Rule.parse(value, where)]
        if not isinstance(value, list):
            raise _invalid(where, "a rule, a list of rules, or an object with rules", value)
        return [Rule.parse(v, f"{where}[{i}]") for i, v in enumerate(value)]

    def load_file(self, path: str) -> None:
        import orjson

        with open(path, "rb") as f:
            data = orjson.loads(f.read())
        try:
            self.rules = self.parse_many(data, "faults")
        except errors.NotionError as exc:
            raise ValueError(f"{path}: {exc.message}") from None

    def pick(self, method: str, path: str, principal: Any) -> tuple[float, Rule | None]:
        """Seconds of latency to add and the rule whose failure to answer, if any."""
        latency = 0.0
        failing: Rule | None = None
        with self.lock:
            for rule in self.rules:
                if rule.matches(method, path, principal) and rule.fires():
                    latency += rule.latency_ms / 1000
                    if failing is None and rule.status is not None:
                        failing = rule
        return latency, failing


async def _discard(_message: Any) -> None:
    return None


class Faults:
    """Middleware: applies the first firing rule's latency and failure to /v1 requests."""

    def __init__(self, app: ASGIApp, rules: FaultRules) -> None:
        self.app = app
        self.rules = rules

    def kept_answer_passes(self) -> bool:
        return not self.rules.rules  # with no rules in force, nothing is injected (see RequestContext)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["blockyard"] if scope["type"] == "http" else {}
        principal = state.get("principal")
        if principal is None or not self.rules.rules:
            await self.app(scope, receive, send)
            return
        request = state["request"]
        latency, rule = self.rules.pick(request.method, request.path, principal)
        if latency:
            deadline = state.get("deadline")
            if deadline is not None and time.perf_counter() + latency > deadline:
                # The request would outlive the timeout: wait it out and answer as Notion does then.
                await asyncio.sleep(max(0.0, deadline - time.perf_counter()))
                raise errors.server_error(503)
            await asyncio.sleep(latency)
        if rule is None:
            await self.app(scope, receive, send)
            return
        if rule.apply_write:
            # The write commits; the caller only ever sees the failure, as when a response is lost.
            try:
                await self.app(scope, receive, _discard)
            except errors.NotionError:
                pass
        raise rule.error()
