"""The pytest plugin (blockyard.testing.plugin) as its users meet it: a sample project that uses only the
documented fixtures and marker, run with pytester on each store, and the misuses that must fail clearly."""

from __future__ import annotations

import textwrap
import uuid

import pytest

from support import postgres_available

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module", autouse=True)
def _imported_before_pytester() -> None:
    """In-process pytester runs drop the modules a run imported when it ends; tables defined at import
    would then be defined twice on the shared metadata by the next run. So a Server runs here first."""
    from blockyard.store import migrations  # noqa: F401
    from blockyard.testing import Server

    with Server() as server:
        sandbox = server.sandbox()
        sandbox.client().pages.retrieve(sandbox.root_page_id)
        sandbox.close()

BACKENDS = ["sqlite", "postgres"]

PAGE_ID = "0f3c4a1e-8d4b-4c7e-9a52-6b1d2e3f4a5b"
BLOCK_ID = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
PERSON_ID = "2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e"

SNAPSHOT = "\n".join([
    f'{{"object": "user", "id": "{PERSON_ID}", "type": "person", "name": "Ada", "person": {{"email": "ada@example.com"}}}}',
    f'{{"object": "page", "id": "{PAGE_ID}", "parent": {{"type": "workspace", "workspace": true}}, '
    '"created_time": "2024-05-01T10:00:00.000Z", "last_edited_time": "2024-05-02T11:00:00.000Z", '
    '"properties": {"title": {"id": "title", "type": "title", "title": [{"type": "text", "text": {"content": "Fixture page"}}]}}}',
    f'{{"object": "block", "id": "{BLOCK_ID}", "parent": {{"type": "page_id", "page_id": "{PAGE_ID}"}}, '
    '"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": "Hello from the snapshot"}}]}}',
]) + "\n"

SAMPLE = '''
import datetime
import time

import httpx
import pytest
from notion_client import APIResponseError


def title(text):
    return {"title": [{"type": "text", "text": {"content": text}}]}


def test_notion_writes_under_the_shared_root(notion, blockyard):
    page = notion.pages.create(parent={"page_id": blockyard.root_page_id}, properties={"title": title("Hello")})
    assert notion.pages.retrieve(page["id"])["properties"]["title"]["title"][0]["plain_text"] == "Hello"
    me = notion.users.me()
    assert me["type"] == "bot" and me["bot"]["workspace_name"] == "Test Workspace"


def test_each_test_has_a_fresh_workspace(notion, blockyard):
    found = notion.search(query="Hello")["results"]
    assert found == []
    assert [r["id"] for r in notion.search()["results"]] == [blockyard.root_page_id]


@pytest.mark.anyio
async def test_notion_async(notion_async, blockyard):
    page = await notion_async.pages.create(parent={"page_id": blockyard.root_page_id},
                                           properties={"title": title("Async")})
    got = await notion_async.pages.retrieve(page["id"])
    assert got["id"] == page["id"]


def test_a_real_socket_for_other_processes(blockyard):
    resp = httpx.get(f"{blockyard.url}/v1/pages/{blockyard.root_page_id}",
                     headers={"Authorization": f"Bearer {blockyard.token}", "Notion-Version": "2026-03-11"})
    assert resp.status_code == 200 and resp.json()["id"] == blockyard.root_page_id


@pytest.mark.blockyard(snapshot="data/workspace.jsonl")
def test_snapshot_at_fixed_ids(notion):
    page = notion.pages.retrieve("PAGE_ID")
    assert page["created_time"] == "2024-05-01T10:00:00.000Z"
    blocks = notion.blocks.children.list("PAGE_ID")["results"]
    assert [b["id"] for b in blocks] == ["BLOCK_ID"]
    assert blocks[0]["paragraph"]["rich_text"][0]["text"]["content"] == "Hello from the snapshot"
    assert "PERSON_ID" in [u["id"] for u in notion.users.list()["results"]]


@pytest.mark.blockyard(snapshot="data/workspace.jsonl")
def test_the_same_snapshot_again(notion):
    assert notion.pages.retrieve("PAGE_ID")["id"] == "PAGE_ID"


def test_clock_freezes_and_advances_timestamps_and_now(notion, blockyard):
    blockyard.clock.freeze("2026-01-01T09:30:45Z")
    db = notion.databases.create(parent={"page_id": blockyard.root_page_id}, title=[{"text": {"content": "Tasks"}}],
                                 initial_data_source={"properties": {
                                     "Name": {"title": {}},
                                     "Now": {"formula": {"expression": 'formatDate(now(), "YYYY-MM-DD")'}}}})
    ds = db["data_sources"][0]["id"]
    row = notion.pages.create(parent={"data_source_id": ds}, properties={"Name": title("row")})
    assert row["created_time"] == "2026-01-01T09:30:00.000Z"
    assert notion.pages.retrieve(row["id"])["properties"]["Now"]["formula"]["string"] == "2026-01-01"
    blockyard.clock.advance(days=1)
    # The GET answer read the clock, so the answer cache never serves yesterday's now().
    assert notion.pages.retrieve(row["id"])["properties"]["Now"]["formula"]["string"] == "2026-01-02"
    notion.pages.update(row["id"], properties={"Name": title("edited")})
    again = notion.pages.retrieve(row["id"])
    assert again["created_time"] == "2026-01-01T09:30:00.000Z"
    assert again["last_edited_time"] == "2026-01-02T09:30:00.000Z"
    assert blockyard.clock.now() == datetime.datetime(2026, 1, 2, 9, 30, 45, tzinfo=datetime.timezone.utc)


def test_clock_is_real_again_in_the_next_test(notion, blockyard):
    page = notion.pages.create(parent={"page_id": blockyard.root_page_id}, properties={"title": title("now")})
    assert not page["created_time"].startswith("2026-01-0")


def test_faults(notion, blockyard):
    blockyard.faults.add(status=503, path="/v1/pages/*", method="GET", times=1)
    with pytest.raises(APIResponseError) as failed:
        notion.pages.retrieve(blockyard.root_page_id)
    assert failed.value.status == 503
    assert notion.pages.retrieve(blockyard.root_page_id)["id"] == blockyard.root_page_id
    assert blockyard.faults.rules[0]["fired"] == 1
    with pytest.raises(ValueError, match="status"):
        blockyard.faults.add(status=418)


def test_latency_faults_wait_in_process(notion, blockyard):
    blockyard.faults.add(latency_ms=60, method="GET", times=1)
    started = time.monotonic()
    assert notion.pages.retrieve(blockyard.root_page_id)["id"] == blockyard.root_page_id
    assert time.monotonic() - started >= 0.06


@pytest.mark.anyio
async def test_the_sync_client_inside_an_event_loop(notion, blockyard):
    assert notion.pages.retrieve(blockyard.root_page_id)["id"] == blockyard.root_page_id


def test_faults_are_gone_in_the_next_test(notion, blockyard):
    assert blockyard.faults.rules == []
    notion.pages.retrieve(blockyard.root_page_id)


def test_rate_limit(notion, blockyard):
    blockyard.rate_limit.set("per_integration=2/60s")
    notion.users.me()
    notion.users.me()
    with pytest.raises(APIResponseError) as limited:
        notion.users.me()
    assert limited.value.status == 429 and limited.value.code == "rate_limited"
    assert int(limited.value.headers["retry-after"]) >= 1


def test_rate_limit_is_off_in_the_next_test(notion):
    for _ in range(5):
        notion.users.me()


def test_requests(notion, blockyard):
    notion.pages.retrieve(blockyard.root_page_id)
    notion.search(query="x")
    log = [(r["method"], r["path"], r["status"]) for r in blockyard.requests]
    assert log == [("GET", f"/v1/pages/{blockyard.root_page_id}", 200), ("POST", "/v1/search", 200)]
    assert blockyard.requests.last["integration"] == "Test Integration"
    assert len(blockyard.requests.all(method="POST")) == 1


def test_webhooks_say_they_are_not_built_yet(blockyard):
    with pytest.raises(NotImplementedError, match="not available yet"):
        blockyard.webhooks.deliveries


@pytest.mark.blockyard(capabilities=("read_content",))
def test_capabilities_from_the_marker(notion, blockyard):
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(parent={"page_id": blockyard.root_page_id}, properties={"title": title("no")})
    assert refused.value.status == 403
'''.replace("PAGE_ID", PAGE_ID).replace("BLOCK_ID", BLOCK_ID).replace("PERSON_ID", PERSON_ID)


def _args(backend: str) -> list[str]:
    if backend == "postgres":
        if not postgres_available():
            pytest.skip("PostgreSQL does not answer at 127.0.0.1:5432")
        return ["--blockyard-database", f"postgresql://postgres@127.0.0.1:5432/test?schema=t_{uuid.uuid4().hex[:12]}"]
    return []


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and __import__("os").environ.get("BLOCKYARD_TEST_POSTGRES", "auto") == "off":
        pytest.skip("BLOCKYARD_TEST_POSTGRES=off")
    return request.param


def _project(pytester: pytest.Pytester, tests: str) -> None:
    pytester.makepyfile(test_sample=textwrap.dedent(tests))
    (pytester.path / "data").mkdir(exist_ok=True)
    (pytester.path / "data" / "workspace.jsonl").write_text(SNAPSHOT)


def test_sample_project_uses_only_the_documented_fixtures(pytester: pytest.Pytester, backend: str) -> None:
    _project(pytester, SAMPLE)
    # In a process of its own, as a user's test run is: nothing another test left in this worker reaches it.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "anyio", *_args(backend))
    result.assert_outcomes(passed=SAMPLE.count("\ndef test_") + SAMPLE.count("\nasync def test_"))


def test_the_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    out = result.stdout.str()
    for name in ("blockyard", "notion", "notion_async", "blockyard_server"):
        assert f"\n{name} " in out or f"\n{name} [" in out, name


def test_unknown_snapshot_path_fails_with_the_path(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad='''
        import pytest

        @pytest.mark.blockyard(snapshot="data/missing.jsonl")
        def test_x(notion):
            pass
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.blockyard(snapshot='data/missing.jsonl'): snapshot "
                                 "'data/missing.jsonl': no such file (looked for *missing.jsonl*"])


def test_a_snapshot_that_does_not_validate_names_the_line_and_field(pytester: pytest.Pytester) -> None:
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "bad.jsonl").write_text(SNAPSHOT + textwrap.dedent(f'''
        {{"object": "block", "id": "{uuid.uuid4()}", "parent": {{"type": "page_id", "page_id": "{PAGE_ID}"}}, "type": 7}}
    ''').lstrip())
    (pytester.path / "data" / "worse.jsonl").write_text('{"object": "page", "id": "not-an-id"}\n')
    pytester.makepyfile(test_bad='''
        import pytest

        @pytest.mark.blockyard(snapshot="data/bad.jsonl")
        def test_bad_type(notion):
            pass

        @pytest.mark.blockyard(snapshot="data/worse.jsonl")
        def test_bad_id(notion):
            pass
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines([
        "*bad.jsonl:4: block.type should be a block type, got 7*",
        "*worse.jsonl:1: page.id should be a Notion ID (a UUID), got 'not-an-id'*",
    ])


def test_marker_on_a_test_without_blockyard_fixtures_stops_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad='''
        import pytest

        @pytest.mark.blockyard(snapshot="data/workspace.jsonl")
        def test_forgot_the_fixture():
            pass
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_forgot_the_fixture: @pytest.mark.blockyard has no effect here: the test "
                                 "uses none of the fixtures blockyard, notion, notion_async*"])


def test_marker_with_unknown_options_stops_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad='''
        import pytest

        @pytest.mark.blockyard(snapshots="x.jsonl")
        def test_typo(notion):
            pass

    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*@pytest.mark.blockyard does not know snapshots; it takes snapshot, "
                                 "capabilities, notion_version*"])


def test_marker_on_a_fixture_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad='''
        import pytest

        @pytest.mark.blockyard(snapshot="x.jsonl")
        @pytest.fixture
        def thing():
            return 1

        def test_uses(thing):
            pass
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0
    assert "fixture" in result.stdout.str().lower()


def test_bad_capabilities_in_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad='''
        import pytest

        @pytest.mark.blockyard(capabilities=("read_everything",))
        def test_x(notion):
            pass
    ''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*capabilities=...): unknown capability 'read_everything'*"])
