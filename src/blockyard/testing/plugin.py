"""The pytest plugin, registered through the `pytest11` entry point when Blockyard is installed.

Fixtures:
    blockyard_server  (session) the session's Blockyard: one store, one app, a socket on first use
    blockyard         (test)    the test's handle: a fresh workspace, clients, clock, faults, rate_limit,
                                requests, webhooks; everything put back after the test
    notion            (test)    notion_client.Client bound to the test's workspace, in process
    notion_async      (test)    notion_client.AsyncClient, likewise
Marker:
    @pytest.mark.blockyard(snapshot="tests/data/workspace.jsonl", capabilities=(...), notion_version="...")

Nothing is imported from Blockyard until a test asks for a fixture, so the plugin costs other test
suites nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

FIXTURES = ("blockyard", "notion", "notion_async")
MARKER_OPTIONS = ("snapshot", "capabilities", "notion_version")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("blockyard", "Blockyard (Notion API emulator)")
    group.addoption("--blockyard-database", default=None, metavar="URL",
                    help="store for the blockyard fixtures: an SQLite path or a postgresql:// URL "
                         "(default: a temporary SQLite file for the session)")
    parser.addini("blockyard_database", "store for the blockyard fixtures (see --blockyard-database)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "blockyard(snapshot=None, capabilities=None, notion_version=None): the test's Blockyard workspace: "
        "a snapshot (JSON Lines) loaded at its IDs, the integration's capabilities, the clients' Notion-Version",
    )


def _marker_options(item: pytest.Item) -> dict[str, Any]:
    options: dict[str, Any] = {}
    # Closest last, so a test's own marker wins over its class's and module's.
    for marker in reversed(list(item.iter_markers("blockyard"))):
        if marker.args:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.blockyard takes keywords only "
                f"({', '.join(MARKER_OPTIONS)}), got {marker.args!r}")
        unknown = sorted(set(marker.kwargs) - set(MARKER_OPTIONS))
        if unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.blockyard does not know {', '.join(unknown)}; "
                f"it takes {', '.join(MARKER_OPTIONS)}")
        options.update(marker.kwargs)
    return options


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("blockyard") is None:
            continue
        _marker_options(item)  # bad arguments stop the run before any test
        names = getattr(item, "fixturenames", ())
        if not any(name in names for name in FIXTURES):
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.blockyard has no effect here: the test uses none of the "
                f"fixtures {', '.join(FIXTURES)}. Ask for one of them (or remove the marker).")


def _database(config: pytest.Config) -> str | None:
    return config.getoption("blockyard_database") or config.getini("blockyard_database") or None


@pytest.fixture(scope="session")
def blockyard_server(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The session's Blockyard (`blockyard.testing.Server`)."""
    from .server import Server

    server = Server(_database(pytestconfig))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def blockyard(blockyard_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The test's Blockyard (`blockyard.testing.Sandbox`): a fresh workspace with an integration token
    (`.token`) and a root page shared with it (`.root_page_id`); `.client()`, `.url`, `.app`, and the
    helpers `.clock`, `.faults`, `.rate_limit`, `.requests`, `.webhooks`."""
    from .snapshots import SnapshotError, resolve

    node = request.node
    options = _marker_options(node) if isinstance(node, pytest.Item) else {}
    capabilities = options.get("capabilities")
    if capabilities is not None:
        from ..access import capabilities as caps

        try:
            capabilities = caps.parse(capabilities if isinstance(capabilities, str) else ",".join(capabilities))
        except ValueError as exc:
            pytest.fail(f"@pytest.mark.blockyard(capabilities=...): {exc}", pytrace=False)
    sandbox = blockyard_server.sandbox(capabilities=capabilities, notion_version=options.get("notion_version"))
    try:
        snapshot = options.get("snapshot")
        if snapshot is not None:
            bases = [Path(str(request.config.rootpath))]
            path = getattr(node, "path", None)
            if path is not None:
                bases.append(Path(path).parent)
            try:
                sandbox.load_snapshot(resolve(snapshot, *bases))
            except SnapshotError as exc:
                pytest.fail(f"@pytest.mark.blockyard(snapshot={snapshot!r}): {exc}", pytrace=False)
        yield sandbox
    finally:
        sandbox.close()


@pytest.fixture
def notion(blockyard: Any) -> Any:
    """A notion_client.Client for the test's workspace, its requests handled in process."""
    return blockyard.client()


@pytest.fixture
def notion_async(blockyard: Any) -> Any:
    """A notion_client.AsyncClient for the test's workspace, its requests handled in process."""
    return blockyard.client(asynchronous=True)
