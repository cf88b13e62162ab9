"""The parity harness's artefact rules (parity_artefacts.py): fast, on hand-made recordings, no server."""

from __future__ import annotations

from typing import Any

from parity_artefacts import EARLIER, LAG, STALE, classify_search, same_order, teardown_plan
from parity_cassettes import API_HOST, Interaction
from parity_seed import ROOT_PAGE_ID, analyse

MIN = 60_000
T0 = 1_782_580_440_000  # 2026-06-27T17:14:00Z
ISO = "2026-06-27T17:{:02d}:00.000Z"


def page(pid: str, minute: int, title: str = "", trashed: bool = False, edited: int | None = None,
         parent: str = ROOT_PAGE_ID, color: str = "default") -> dict[str, Any]:
    return {"object": "page", "id": pid, "created_time": ISO.format(minute),
            "last_edited_time": ISO.format(minute if edited is None else edited), "in_trash": trashed,
            "parent": {"type": "page_id", "page_id": parent}, "icon": None, "color": color,
            "properties": {"title": {"id": "title", "type": "title", "title": [{"plain_text": title}]}}}


def listing(*results: dict[str, Any]) -> dict[str, Any]:
    return {"object": "list", "results": list(results), "next_cursor": None, "has_more": False}


def same(i: str) -> str:
    return i


def classify(recorded: dict[str, Any], ours: dict[str, Any], created: dict[str, int], at: int = T0,
             by: int | None = T0 + MIN) -> str | None:
    """By default the recording bounds the search to the minute T0 (lower bound) .. T0 + 1 minute."""
    return classify_search(recorded, ours, same, same, created, at, by)


A, B, C, D = (f"{c * 8}-0000-4000-8000-00000000000{c}" for c in "abcd")


def test_a_trashed_result_listed_long_after_is_a_stale_entry() -> None:
    old = page(C, 0, "Old DB", trashed=True, edited=0) | {"last_edited_time": "2026-06-24T16:32:00.000Z"}
    reason = classify(listing(page(A, 10), old), listing(page(A, 10)), {})
    assert reason is not None and reason.startswith(STALE + ":") and "in_trash since 06-24 16:32" in reason


def test_a_freshly_trashed_result_and_a_fresh_omission_are_index_lag() -> None:
    trashed_now = page(C, 13, "Gone", trashed=True, edited=14)
    assert classify(listing(page(A, 10), trashed_now), listing(page(A, 10)), {}).startswith(LAG + ":")  # type: ignore[union-attr]
    # Blockyard lists D, created a minute before the search was recorded: not indexed yet.
    reason = classify(listing(page(A, 10)), listing(page(D, 13), page(A, 10)), {D: T0 - MIN})
    assert reason is not None and reason.startswith(LAG + ":") and "omits dddddddd" in reason


def test_an_object_created_well_after_the_search_was_recorded() -> None:
    reason = classify(listing(page(A, 10)), listing(page(D, 40), page(A, 10)), {D: T0 + 26 * MIN})
    assert reason is not None and reason.startswith(EARLIER + ":")


def test_anything_unexplained_stays_a_mismatch() -> None:
    # An extra result created long before the search: Blockyard should not list it (or Notion should have).
    assert classify(listing(page(A, 10)), listing(page(D, 1), page(A, 10)), {D: T0 - 13 * MIN}) is None
    # A missing result that is not trashed.
    assert classify(listing(page(A, 10), page(C, 9)), listing(page(A, 10)), {}) is None
    # An extra result the recording never shows (no recorded creation time).
    assert classify(listing(page(A, 10)), listing(page(D, 13), page(A, 10)), {}) is None
    # Nothing to explain: identical result sets are never classified.
    assert classify(listing(page(A, 10)), listing(page(A, 10)), {}) is None


def test_the_rest_must_still_be_identical() -> None:
    stale = page(C, 0, trashed=True) | {"last_edited_time": "2026-06-24T16:32:00.000Z"}
    # The artefact explains C, but A differs in an enum-like value: not excluded.
    assert classify(listing(page(A, 10), stale), listing(page(A, 10, color="red")), {}) is None
    # ... or in the order of results whose recorded times differ.
    assert classify(listing(page(A, 12), page(B, 10), stale), listing(page(B, 10), page(A, 12)), {}) is None
    # Results recorded in the same minute may come in either order.
    assert classify(listing(page(A, 10), page(B, 10), stale), listing(page(B, 10), page(A, 10)), {}) is not None


def test_same_order_only_where_recorded_times_differ() -> None:
    rec = [page(A, 12), page(B, 10), page(C, 10)]
    assert same_order(rec, [page(A, 12), page(C, 10), page(B, 10)], same)
    assert not same_order(rec, [page(B, 10), page(A, 12), page(C, 10)], same)
    assert not same_order(rec, [page(A, 12), page(B, 10)], same)


def interaction(cassette: str, index: int, method: str, path: str, response: Any, body: Any = None) -> Interaction:
    return Interaction(cassette=cassette, index=index, method=method, uri=f"https://{API_HOST}{path}", host=API_HOST,
                       path=path, query="", version="2026-03-11", body=body, raw_body=None, status=200,
                       response=response)


def test_teardown_trashes_what_each_module_left_under_the_root_page() -> None:
    root = page(ROOT_PAGE_ID, 0, "Tests", parent="ffffffff-0000-4000-8000-000000000000")
    made, child, kept = (f"{c * 8}-1111-4000-8000-000000000001" for c in "123")
    row = "44444444-1111-4000-8000-000000000001"
    leftover = "55555555-1111-4000-8000-000000000001"
    static = "66666666-1111-4000-8000-000000000001"
    rec = [
        interaction("cassettes/test_a/test_one.yaml", 0, "GET", f"/v1/pages/{static}", page(static, 0, "Static")),
        interaction("cassettes/test_a/test_one.yaml", 1, "POST", "/v1/pages", page(made, 1, "Made")),
        interaction("cassettes/test_a/test_one.yaml", 2, "POST", "/v1/pages", page(child, 1, "Child", parent=made)),
        interaction("cassettes/test_a/test_two.yaml", 0, "POST", "/v1/pages", page(kept, 1, "Trashed by the test")),
        interaction("cassettes/test_a/test_two.yaml", 1, "PATCH", f"/v1/pages/{kept}",
                    page(kept, 1, "Trashed by the test", trashed=True), {"in_trash": True}),
        interaction("cassettes/test_a/test_two.yaml", 2, "POST", "/v1/pages",
                    page(row, 1, "Row") | {"parent": {"type": "data_source_id", "data_source_id": made}}),
        # A page no request created, shown by one module only: a left-over of an unrecorded run of it.
        # A static page under the root page shows in several modules: it stays.
        interaction("cassettes/test_b/test_three.yaml", 0, "POST", "/v1/search",
                    listing(page(leftover, 0, "Left"), page(static, 0, "Static"))),
        interaction("cassettes/test_b/test_three.yaml", 1, "GET", f"/v1/pages/{ROOT_PAGE_ID}", root),
    ]
    plan = teardown_plan(rec, analyse(rec))
    assert {n: [t.recorded_id for t in items] for n, items in plan.items()} == {5: [made], 7: [leftover]}
    assert plan[5][0].kind == "pages" and plan[5][0].title == "Made"


def test_no_recorded_request_names_an_object_another_module_created() -> None:
    """Teardown at the end of a module is faithful only if no later module uses what it created."""
    import pytest

    from parity_artefacts import cross_module_refs
    from parity_cassettes import CASSETTE_ROOT, load

    if not CASSETTE_ROOT.is_dir():
        pytest.skip(f"no recorded Notion traffic at {CASSETTE_ROOT.resolve()}")
    rec = load(CASSETTE_ROOT)
    assert cross_module_refs(rec, analyse(rec)) == []


def test_an_upper_bound_on_the_recording_time_is_respected() -> None:
    # The cassette's own lower bound is old (it showed only old objects so far), but a later request of
    # the same cassette created something at 17:14: the search was recorded by then, 13 minutes after D.
    old = T0 - 7 * 24 * 60 * MIN
    rec, ours = listing(page(A, 10)), listing(page(D, 1), page(A, 10))
    assert classify_search(rec, ours, same, same, {D: T0 - 13 * MIN}, old, T0 + MIN) is None
    # Without an upper bound nothing proves when the search ran: an extra result stays unexplained.
    assert classify_search(rec, ours, same, same, {D: T0 - 13 * MIN}, old) is None
    assert classify_search(rec, listing(page(D, 40), page(A, 10)), same, same, {D: T0 + 26 * MIN}, old) is None
    # A creation after the upper bound is still explained.
    reason = classify_search(rec, listing(page(D, 40), page(A, 10)), same, same, {D: T0 + 26 * MIN}, old, T0 + MIN)
    assert reason is not None and reason.startswith(EARLIER + ":")
