"""Routes: one table from (method, path pattern) to a handler, matched segment by segment.

A known path with the wrong method answers Notion's `invalid_request`; an unknown path
answers `invalid_request_url`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import errors

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Callable[..., Any]
    name: str
    write: bool
    regex: re.Pattern[str] = field(compare=False)
    auth: str = "token"  # token | none (oauth and admin routes authenticate themselves)
    stream: bool = False  # the handler reads the body itself, as it arrives (file upload sends)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._static: dict[tuple[str, str], Route] = {}
        # Literal paths: such a path is that route's, whatever the method, and never an ID of a parameter
        # route beside it (`/v1/blocks/meeting_notes` is not block "meeting_notes").
        self._static_paths: set[str] = set()
        # Routes by (number of segments, the resource segment), so a match tries two or three regexes.
        self._by_shape: dict[tuple[int, str], list[Route]] = {}
        self._streaming: list[Route] = []

    def add(self, method: str, pattern: str, handler: Callable[..., Any], *, name: str | None = None,
            write: bool | None = None, auth: str = "token", stream: bool = False) -> None:
        regex = re.compile("^" + _PARAM.sub(r"(?P<\1>[^/]+)", pattern) + "/?$")
        route = Route(
            method=method,
            pattern=pattern,
            handler=handler,
            name=name or handler.__name__,
            write=method != "GET" if write is None else write,
            regex=regex,
            auth=auth,
            stream=stream,
        )
        self.routes.append(route)
        if stream:
            self._streaming.append(route)
        self._by_shape.setdefault(_shape(pattern), []).append(route)
        if "{" not in pattern:
            self._static[(method, pattern)] = route
            self._static_paths.add(pattern)

    def streams(self, method: str, path: str) -> bool:
        """Whether this request's body is left for its handler to read as it arrives."""
        return any(r.method == method and r.regex.match(path) for r in self._streaming) if self._streaming else False

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        route = self._static.get((method, path))
        if route is not None:
            return route, {}
        if path in self._static_paths:
            raise errors.invalid_request(f"Unsupported request: {method} {path}.")
        path_known = False
        for route in self._by_shape.get(_shape(path), ()):
            m = route.regex.match(path)
            if m is None:
                continue
            if route.method == method:
                return route, m.groupdict()
            path_known = True
        if path_known:
            raise errors.invalid_request(f"Unsupported request: {method} {path}.")
        raise errors.invalid_request_url()


def _shape(path: str) -> tuple[int, str]:
    segments = path.split("/")
    return len(segments), segments[2] if len(segments) > 2 else ""
