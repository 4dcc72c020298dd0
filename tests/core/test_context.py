"""The channel context: validated settings, a chosen profile, no secret shown, and the
run's worker pool."""

import logging
import threading
import weakref

import pytest

from techoms_core.context import ChannelConfig, open_context
from techoms_core.http.conventions import WireConventions
from techoms_core.settings import (
    Choice,
    FieldType,
    SettingsError,
    SettingsField,
    SettingsSchema,
)
from techoms_core.throughput import HIGH
from techoms_core.workers import WorkerPool
from tests.core.channel_plugins import declaration

pytest_plugins = ("tests.core.fixtures_http",)

SECRET = "s3cr3t-value-for-context-test"
SCHEMA = SettingsSchema(
    (
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        SettingsField(
            key="throughput",
            label="Throughput",
            type=FieldType.CHOICE,
            choices=(Choice("low", "Low"), Choice("default", "Default"), Choice("high", "High")),
            default="default",
        ),
    )
)
DECLARATION = declaration("vault", settings=SCHEMA)


def config(**settings):
    return ChannelConfig(name="vault-east", plugin="vault", settings=settings)


def test_the_profile_follows_the_throughput_setting():
    raw = config(api_url="https://wms.example", api_key=SECRET, throughput="high")
    with open_context(DECLARATION, raw) as context:
        assert context.throughput == HIGH
        assert context.settings["api_key"].reveal() == SECRET


def test_invalid_settings_name_every_problem_and_never_the_secret():
    with pytest.raises(SettingsError) as caught:
        open_context(DECLARATION, config(api_url="http://wms.example", throughput="turbo"))
    text = str(caught.value)
    assert "api_url" in text and "api_key" in text and "throughput" in text


def test_secrets_are_masked_in_reprs_and_in_the_channel_log(caplog):
    raw = config(api_url="https://wms.example", api_key=SECRET)
    with open_context(DECLARATION, raw) as context:
        with caplog.at_level(logging.DEBUG, logger="techoms.channel"):
            context.log.info("calling with key %s", context.settings["api_key"].reveal())
        assert SECRET not in repr(context)
        assert SECRET not in repr(context.settings)
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
    assert "calling with key" in caplog.text


def test_the_run_s_worker_pool_is_sized_to_the_profile_and_closed_with_the_context():
    raw = config(api_url="https://wms.example", api_key=SECRET, throughput="high")
    with open_context(DECLARATION, raw) as context:
        assert context.workers.size == HIGH.max_concurrency
        assert sorted(context.concurrently(lambda n: n * n, range(5))) == [0, 1, 4, 9, 16]

    with pytest.raises(RuntimeError, match="worker pool of 'vault-east' is closed"):
        list(context.concurrently(lambda n: n, range(5)))


def test_the_pool_s_threads_are_kept_from_one_call_to_the_next():
    pool = WorkerPool(3, "kept")
    seen: set[int] = set()
    lock = threading.Lock()

    def note(_: int) -> None:
        with lock:
            seen.add(threading.get_ident())

    for _ in range(4):
        list(pool.concurrently(note, range(6)))
    pool.close()

    assert 1 <= len(seen) <= 3
    assert threading.get_ident() not in seen


def test_no_more_than_the_pool_s_size_run_at_once():
    pool = WorkerPool(2, "cap")
    lock = threading.Lock()
    running, most = 0, 0
    pair = threading.Barrier(2)

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        pair.wait()
        with lock:
            running -= 1
        return n

    assert sorted(pool.concurrently(work, range(6))) == list(range(6))
    pool.close()
    assert most == 2


def test_an_exception_stops_the_rest_and_is_raised_once_nothing_runs():
    pool = WorkerPool(2, "fails")
    started: list[str] = []
    finished: list[str] = []
    failed = threading.Event()

    def work(item: str) -> str:
        started.append(item)
        if item == "bad":
            failed.set()
            raise ValueError("bad item")
        if item == "slow":
            failed.wait()
        finished.append(item)
        return item

    with pytest.raises(ValueError, match="bad item"):
        list(pool.concurrently(work, ["bad", "slow", "x1", "x2", "x3", "x4"]))

    assert "slow" in finished
    assert sorted(started) == sorted(["bad", *finished])
    pool.close()


def test_a_task_that_fans_out_again_runs_its_items_in_its_own_thread():
    pool = WorkerPool(2, "nested")
    both_busy = threading.Barrier(2)

    def outer(name: str) -> tuple[int, set[int]]:
        both_busy.wait()
        inner = set(pool.concurrently(lambda _: threading.get_ident(), range(4)))
        return threading.get_ident(), inner

    for outer_thread, inner_threads in pool.concurrently(outer, ["a", "b"]):
        assert inner_threads == {outer_thread}
    pool.close()


def test_one_item_runs_in_the_calling_thread_without_starting_the_pool():
    pool = WorkerPool(4, "one")

    assert list(pool.concurrently(lambda _: threading.get_ident(), ["only"])) == [
        threading.get_ident()
    ]
    assert "not started" in repr(pool)


def test_a_finished_result_is_not_held_back_by_a_slow_item():
    pool = WorkerPool(2, "hold")
    release = threading.Event()

    def work(item: str) -> str:
        if item == "slow":
            assert release.wait(timeout=30), "the quick result was never handed over"
        return item

    results = pool.concurrently(work, ["slow", "quick"])
    assert next(results) == "quick" and not release.is_set()
    release.set()
    assert list(results) == ["slow"]
    pool.close()


def test_many_results_are_all_handed_over_once():
    pool = WorkerPool(4, "many")
    assert sorted(pool.concurrently(lambda n: n, range(203))) == list(range(203))
    pool.close()


WIRED = declaration(
    "vault",
    settings=SCHEMA,
    wire=WireConventions(
        base_url_setting="api_url", base_path="/v2", auth_headers={"X-Vault-Key": "api_key"}
    ),
)


@pytest.mark.parametrize("given", ["", "/", "/v2", "/v2/"])
def test_the_session_goes_to_the_url_setting_with_the_secret_headers(wms, given):
    """The client asks for a path and writes no header: the core built the
    session from the declaration (base URL from a setting, auth as secrets)."""
    url = wms.url().rstrip("/") + given
    with open_context(WIRED, config(api_url=url, api_key=SECRET)) as context:
        context.http.get("things", params={"limit": 1})
        assert SECRET not in repr(context.http)

    (request,) = wms.received()
    assert (request.path, request.query) == ("/v2/things", {"limit": ["1"]})
    assert request.headers["X-Vault-Key"] == SECRET


def test_a_declaration_whose_wire_reads_an_unknown_or_plain_setting_is_refused():
    with pytest.raises(ValueError, match=r"reads setting\(s\) \['token'\]"):
        declaration("vault", settings=SCHEMA, wire=WireConventions(auth_headers={"X": "token"}))
    with pytest.raises(ValueError, match=r"must name secret settings, not \['api_url'\]"):
        declaration("vault", settings=SCHEMA, wire=WireConventions(auth_headers={"X": "api_url"}))


def test_ahead_bounds_the_items_started_and_not_yet_had():
    pool = WorkerPool(2, "window")
    lock = threading.Lock()
    started, had, most = 0, 0, 0

    def work(n: int) -> int:
        nonlocal started, most
        with lock:
            started += 1
            most = max(most, started - had)
        return n

    results = []
    for result in pool.concurrently(work, range(20), ahead=3):
        with lock:
            had += 1
        results.append(result)
    pool.close()
    assert sorted(results) == list(range(20))
    assert most <= 3


def test_ahead_slides_past_a_slow_item():
    pool = WorkerPool(2, "slide")
    release = threading.Event()

    def work(item: int) -> int:
        if item == 0:
            assert release.wait(timeout=30), "the window waited for its slowest item"
        return item

    results = pool.concurrently(work, range(10), ahead=4)
    quick = [next(results) for _ in range(9)]
    release.set()
    assert sorted(quick) == list(range(1, 10))
    assert list(results) == [0]
    pool.close()


def test_a_result_the_caller_had_is_not_kept():
    pool = WorkerPool(2, "release")

    class Page:
        pass

    had: list[weakref.ref] = []
    for page in pool.concurrently(lambda _: Page(), range(12), ahead=4):
        had.append(weakref.ref(page))
        del page
        assert all(ref() is None for ref in had[:-1])
    pool.close()
