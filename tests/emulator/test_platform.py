"""The emulator platform: envelope, auth, errors, document cache, uploads, files, faults, jobs,
controls and persistence."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from aiolabel.emulator import Emulator, EmulatorConfig, EmulatorServer, FaultConfig
from aiolabel.emulator.jobs import Job, Jobs, Outcome, TransitionRule, inline_failure
from aiolabel.emulator.store import Store, dumps, now_iso

from .conftest import Gql

USER_QUERY = "query GetUserPyApi{user{id email createdAt}}"
UPLOAD = (
    "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) "
    "{ uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
)


def _code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_user_query_and_timestamp_format(gql: Gql) -> None:
    data = await gql.data(USER_QUERY)
    assert data["user"]["email"] == "emulator@aiolabel.localhost"
    time.strptime(data["user"]["createdAt"], "%Y-%m-%dT%H:%M:%S.%fZ")


async def test_same_schema_on_experimental_endpoint(gql: Gql) -> None:
    assert (await gql.data(USER_QUERY, experimental=True))["user"]["id"]


@pytest.mark.parametrize("header", [None, "Bearer lbemu_wrong", "Basic abc", "Bearer "])
async def test_authentication_error(http: httpx.AsyncClient, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = await http.post("/graphql", json={"query": USER_QUERY}, headers=headers)
    body = response.json()
    assert _code(body) == "AUTHENTICATION_ERROR"
    assert "lbemu_" not in response.text


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("query X { user { ", "GRAPHQL_PARSE_FAILED"),
        ("query X { user { notAField } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query X($n: Int!) { user { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query A { user { id } } query B { user { id } }", "MALFORMED_REQUEST"),
    ],
)
async def test_bad_documents_get_labelbox_codes(gql: Gql, query: str, code: str) -> None:
    response = await gql.raw(query, {"n": 1})
    assert response.status_code == 200
    assert _code(response.json()) == code


async def test_bad_variable_value_is_validation_error(gql: Gql) -> None:
    query = "query T($id: ID!) { task(where: {id: $id}) { id } }"
    response = await gql.raw(query, {"id": {"not": "an id"}})
    assert response.status_code == 200
    assert _code(response.json()) == "GRAPHQL_VALIDATION_FAILED"


async def test_missing_resource_is_resource_not_found(gql: Gql) -> None:
    body = await gql("query T($id: ID!) { task(where: {id: $id}) { id } }", {"id": "nope"})
    assert _code(body) == "RESOURCE_NOT_FOUND"


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[1, 2]",
        b'{"variables": {}}',
        b'{"query": "", "variables": null}',
        b'{"query": "query X { user { id } }", "variables": [1]}',
        b"\xff\xfe",
    ],
)
async def test_malformed_envelopes(http: httpx.AsyncClient, emu: Emulator, content: bytes) -> None:
    response = await http.post(
        "/graphql",
        content=content,
        headers={"Authorization": f"Bearer {emu.api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert _code(body) == "MALFORMED_REQUEST"
    assert body["errors"][0]["errors"]  # the key export calls read


async def test_oversized_body_is_refused() -> None:
    async with (
        Emulator(max_body_bytes=1000) as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://e") as http,
    ):
        response = await http.post(
            "/graphql",
            json={"query": USER_QUERY, "variables": {"pad": "x" * 2000}},
            headers={"Authorization": f"Bearer {emu.api_key}"},
        )
    assert response.status_code == 413
    assert _code(response.json()) == "MALFORMED_REQUEST"


async def test_document_cache_parses_each_text_once(gql: Gql, emu: Emulator) -> None:
    before = emu.stats()["document_cache"]
    for _ in range(5):
        await gql.data(USER_QUERY)
    after = emu.stats()["document_cache"]
    assert after["misses"] - before["misses"] == 1
    assert after["hits"] - before["hits"] == 4


def _multipart(content: bytes, filename: str | None, content_type: str | None) -> dict[str, Any]:
    operations = {
        "variables": {"file": None, "contentLength": len(content), "sign": False},
        "query": UPLOAD,
    }
    part: tuple[Any, ...] = (filename or "1", content) + ((content_type,) if content_type else ())
    return {
        "operations": (None, json.dumps(operations)),
        "map": (None, json.dumps({"1": ["variables.file"]})),
        "1": part,
    }


async def test_upload_with_swapped_name_and_type_then_download(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    content = '[{"payload": "é"}]'.encode()
    response = await http.post(
        "/graphql",
        files=_multipart(content, "application/json", "json_import.json"),
        headers={"Authorization": f"Bearer {emu.api_key}"},
    )
    url = response.json()["data"]["uploadFile"]["url"]
    assert url.startswith("http://emulator.localhost/files/")
    download = await http.get(url)  # signed URLs need no key
    assert download.content == content
    part = await http.get(url, params={"start": 1, "end": 3})
    assert part.content == content[1:4]
    assert (await http.get(url, params={"start": 0, "end": len(content)})).status_code == 416
    assert (await http.get("/files/does-not-exist")).status_code == 404


@pytest.mark.parametrize(
    "files",
    [
        {"operations": (None, "{not json"), "map": (None, "{}")},
        {"operations": (None, json.dumps({"query": UPLOAD})), "map": (None, "[1]")},
        {
            "operations": (None, json.dumps({"query": UPLOAD, "variables": {}})),
            "map": (None, json.dumps({"9": ["variables.file"]})),
        },
        {"map": (None, "{}")},
    ],
)
async def test_malformed_multipart(
    http: httpx.AsyncClient, emu: Emulator, files: dict[str, Any]
) -> None:
    response = await http.post(
        "/graphql", files=files, headers={"Authorization": f"Bearer {emu.api_key}"}
    )
    assert response.status_code in (200, 400)
    assert response.json()["errors"]
    assert _code(response.json()) in ("MALFORMED_REQUEST", "GRAPHQL_VALIDATION_FAILED")


# -- faults -------------------------------------------------------------------------------------


async def test_gateway_errors_are_not_applied(gql: Gql, emu: Emulator) -> None:
    emu.set_faults(error_rate=1.0, seed=3)
    statuses = {(await gql.raw(USER_QUERY)).status_code for _ in range(20)}
    assert statuses == {502, 503}
    emu.set_faults(error_rate=0.0)
    assert (await gql.raw(USER_QUERY)).status_code == 200


async def test_faults_can_target_one_operation(gql: Gql, emu: Emulator) -> None:
    emu.set_faults(error_rate=1.0, operations={"Other"})
    assert (await gql.raw(USER_QUERY)).status_code == 200
    assert (await gql.raw("query Other { user { id } }")).status_code in (502, 503)


async def test_rate_limit_answers_429_with_retry_after(gql: Gql, emu: Emulator) -> None:
    emu.set_faults(rate_limit=2)
    assert (await gql.raw(USER_QUERY)).status_code == 200
    assert (await gql.raw(USER_QUERY)).status_code == 200
    limited = await gql.raw(USER_QUERY)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["message"].startswith("You have exceeded")
    assert emu.stats()["faults"]["rate_limited"] == 1


async def test_dropped_connection_surfaces_as_protocol_error(gql: Gql, emu: Emulator) -> None:
    emu.set_faults(drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await gql.raw(USER_QUERY)


async def test_applied_then_failed_commits_before_502(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.set_faults(applied_then_failed_rate=1.0)
    response = await http.post(
        "/graphql",
        files=_multipart(b"abc", "a.txt", "text/plain"),
        headers={"Authorization": f"Bearer {emu.api_key}"},
    )
    assert response.status_code == 502
    with emu.state.store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 1


async def test_fault_decisions_repeat_with_the_same_seed() -> None:
    async def run() -> list[int]:
        async with Emulator(seed=42, faults=FaultConfig(error_rate=0.3, drop_rate=0.1)) as emu:
            gql = Gql(httpx.AsyncClient(transport=emu.transport, base_url="http://e"), emu.api_key)
            statuses = []
            for _ in range(40):
                try:
                    statuses.append((await gql.raw(USER_QUERY)).status_code)
                except httpx.RemoteProtocolError:
                    statuses.append(-1)
            return statuses

    first, second = await run(), await run()
    assert first == second
    assert {200, -1} <= set(first)


async def test_latency_is_added(gql: Gql, emu: Emulator) -> None:
    emu.set_faults(latency_ms=120)
    started = time.monotonic()
    await gql.data(USER_QUERY)
    assert time.monotonic() - started >= 0.1


def test_fault_config_validation() -> None:
    with pytest.raises(ValueError, match="error_rate"):
        EmulatorConfig(faults=FaultConfig(error_rate=1.5))
    with pytest.raises(ValueError, match="lbemu_"):
        EmulatorConfig(api_key="plain-key")
    assert "lbemu_" in EmulatorConfig().api_key
    assert EmulatorConfig().api_key not in repr(EmulatorConfig())


# -- jobs ---------------------------------------------------------------------------------------


def _task(store: Store, jobs: Jobs, work: Any, size: int | None = None, **kw: Any) -> str:
    hooks: list[Any] = []
    with store.transaction() as conn:
        task = jobs.create(
            conn,
            org_id="o",
            user_id="u",
            type=kw.get("type", "t"),
            name="n",
            work=work,
            size=size,
            after_commit=hooks.append,
            on_forced_failure=kw.get("fail", inline_failure),
        )
    for hook in hooks:
        hook()
    return str(task["id"])


def _status(store: Store, jobs: Jobs, task_id: str) -> dict[str, Any]:
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return jobs.observe(conn, row)


def _work(job: Job) -> Outcome:
    with job.store.transaction() as conn:
        job.add_items(conn, "ok", [{"n": 1}, {"n": 2}])
    return Outcome(result="done")


@pytest.fixture
def jobs() -> Any:
    store = Store()
    jobs = Jobs(store, default_delay_ms=0, inline_max_items=10)
    yield store, jobs
    jobs.close()
    store.close()


def test_small_immediate_task_finishes_inline(jobs: Any) -> None:
    store, runner = jobs
    task_id = _task(store, runner, _work, size=2)
    assert _status(store, runner, task_id)["status"] == "COMPLETE"
    with store.reading() as conn:
        items = conn.execute(
            "SELECT payload FROM task_items WHERE task_id = ? ORDER BY seq", (task_id,)
        ).fetchall()
    assert [json.loads(r[0])["n"] for r in items] == [1, 2]


def test_large_task_runs_in_background(jobs: Any) -> None:
    store, runner = jobs
    task_id = _task(store, runner, _work, size=11)
    assert runner.wait_idle(10)
    task = _status(store, runner, task_id)
    assert (task["status"], task["result"]) == ("COMPLETE", "done")


def test_polls_rule(jobs: Any) -> None:
    store, runner = jobs
    runner.rules["t"] = TransitionRule.parse({"mode": "polls", "n": 2})
    task_id = _task(store, runner, _work, size=1)
    assert runner.wait_idle(10)
    seen = [_status(store, runner, task_id)["status"] for _ in range(3)]
    assert seen == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETE"]


def test_delay_rule(jobs: Any) -> None:
    store, runner = jobs
    runner.rules["t"] = TransitionRule.parse({"mode": "delay", "ms": 150})
    task_id = _task(store, runner, _work, size=1)
    assert runner.wait_idle(10)
    assert _status(store, runner, task_id)["status"] == "IN_PROGRESS"
    time.sleep(0.2)
    assert _status(store, runner, task_id)["status"] == "COMPLETE"


def test_fail_rule_skips_the_work(jobs: Any) -> None:
    store, runner = jobs
    runner.rules["t"] = TransitionRule.parse({"mode": "fail", "errors": [{"e": "boom"}]})
    task_id = _task(store, runner, _work, size=1)
    assert runner.wait_idle(10)
    task = _status(store, runner, task_id)
    assert task["status"] == "FAILED"
    assert json.loads(task["result"]) == [{"e": "boom"}]
    with store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM task_items").fetchone()[0] == 0


def test_crashing_work_fails_the_task_and_rolls_back(jobs: Any) -> None:
    store, runner = jobs

    def crash(job: Job) -> Outcome:
        with job.store.transaction() as conn:
            job.add_items(conn, "ok", [1])
            raise KeyError("bug")

    task_id = _task(store, runner, crash, size=50)
    assert runner.wait_idle(10)
    task = _status(store, runner, task_id)
    assert task["status"] == "FAILED"
    assert "KeyError" in task["result"]
    with store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM task_items").fetchone()[0] == 0


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        TransitionRule.parse({"mode": "sometimes"})
    with pytest.raises(ValueError, match=">= 0"):
        TransitionRule.parse({"mode": "polls", "n": -1})


def test_nested_transaction_rolls_back_only_the_inner_part() -> None:
    store = Store()

    def inner_part() -> None:
        with store.transaction() as inner:
            Store.set_meta(inner, "inner", "1")
            raise RuntimeError

    with store.transaction() as conn:
        Store.set_meta(conn, "outer", "1")
        with pytest.raises(RuntimeError):
            inner_part()
    with store.reading() as conn:
        assert Store.get_meta(conn, "outer") == "1"
        assert Store.get_meta(conn, "inner") is None


# -- controls and persistence -------------------------------------------------------------------


def test_control_api_over_http() -> None:
    with EmulatorServer() as server:
        base = server.base_url
        with httpx.Client(base_url=base) as http:
            assert http.get("/_emulator/health").json() == {"ok": True}
            rules = http.post("/_emulator/transitions", json={"x": {"mode": "polls", "n": 3}})
            assert rules.json()["x"]["n"] == 3
            assert http.post("/_emulator/transitions", json={"x": {"mode": "?"}}).status_code == 400
            faults = http.post("/_emulator/faults", json={"latency_ms": 5, "operations": ["A"]})
            assert faults.json()["operations"] == ["A"]
            assert http.post("/_emulator/faults", json={"error_rate": 7}).status_code == 400
            assert http.post("/_emulator/faults", json={"nope": 1}).status_code == 400
            http.post(
                "/graphql",
                json={"query": USER_QUERY},
                headers={"Authorization": f"Bearer {server.api_key}"},
            )
            assert http.get("/_emulator/stats").json()["by_operation"]["graphql:GetUserPyApi"] == 1
            assert http.post("/_emulator/actions/no-such-control").status_code == 404
            assert http.post("/_emulator/reset").json() == {"ok": True}
            assert http.get("/_emulator/transitions").json() == {}
            assert http.get("/_emulator/stats").json()["requests"] == 0


async def test_reset_gives_a_fresh_identity(gql: Gql, emu: Emulator) -> None:
    before = (await gql.data(USER_QUERY))["user"]["id"]
    emu.reset()
    assert (await gql.data(USER_QUERY))["user"]["id"] != before


KILLED_MID_TRANSACTION = """
import os, signal, sys
from aiolabel.emulator.store import Store
store = Store(sys.argv[1], ["CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY, v TEXT);"])
with store.transaction() as conn:
    conn.executemany("INSERT INTO things (v) VALUES (?)", [("kept" * 500,)] * 2000)
with store.transaction() as conn:
    conn.execute("PRAGMA cache_size=8")  # the update spills pages into the file before it ends
    conn.execute("UPDATE things SET v = 'lost'")
    conn.execute("INSERT INTO things (v) VALUES ('lost')")
    os.kill(os.getpid(), signal.SIGKILL)
"""
"""A process that commits rows, then dies in the middle of a transaction that has already
written some of its pages into the file."""


def test_a_killed_emulator_keeps_what_it_committed_and_nothing_else(tmp_path: Path) -> None:
    path = str(tmp_path / "killed.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_TRANSACTION, path], capture_output=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    store = Store(path, ["CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY, v TEXT);"])
    try:
        with store.reading() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = conn.execute("SELECT v, COUNT(*) FROM things GROUP BY v").fetchall()
        assert [tuple(row) for row in rows] == [("kept" * 500, 2000)]
    finally:
        store.close()


async def test_restart_on_the_same_file_keeps_state(tmp_path: Path) -> None:
    db = str(tmp_path / "emu.sqlite3")
    config = EmulatorConfig(db=db)
    async with Emulator(config) as emu:
        gql = Gql(httpx.AsyncClient(transport=emu.transport, base_url="http://e"), emu.api_key)
        user = (await gql.data(USER_QUERY))["user"]["id"]
        with emu.state.store.transaction() as conn:
            conn.execute(
                "INSERT INTO tasks (id, org_id, created_by, type, name, status, created_at,"
                " updated_at) VALUES ('t1', ?, ?, 'x', 'n', 'IN_PROGRESS', ?, ?)",
                (emu.state.org_id, user, now_iso(), now_iso()),
            )
    async with Emulator(config) as emu:
        gql = Gql(httpx.AsyncClient(transport=emu.transport, base_url="http://e"), emu.api_key)
        assert (await gql.data(USER_QUERY))["user"]["id"] == user
        task = (await gql.data('query { task(where: {id: "t1"}) { status errors } }'))["task"]
        assert task["status"] == "FAILED"  # its work could not survive the restart
        assert "restart" in task["errors"]


def test_a_file_from_an_older_emulator_gains_new_columns_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "old.sqlite3")
    old = Store(path, ["CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY, name TEXT);"])
    with old.transaction() as conn:
        conn.execute("INSERT INTO things (id, name) VALUES ('t1', 'kept')")
    old.close()
    newer = [
        "CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY, name TEXT,"
        " weight INTEGER NOT NULL DEFAULT 7, note TEXT);"
        "CREATE INDEX IF NOT EXISTS things_weight ON things (weight);"
    ]
    store = Store(path, newer)
    try:
        with store.reading() as conn:
            row = conn.execute("SELECT id, name, weight, note FROM things").fetchone()
            indexes = {r[1] for r in conn.execute("PRAGMA index_list(things)")}
        assert tuple(row) == ("t1", "kept", 7, None)
        assert "things_weight" in indexes
    finally:
        store.close()


async def test_an_emulator_file_missing_a_newer_column_opens_and_serves(tmp_path: Path) -> None:
    db = str(tmp_path / "emu.sqlite3")
    config = EmulatorConfig(db=db)
    async with Emulator(config):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE annotation_imports DROP COLUMN processing_cpu_seconds")
    async with Emulator(config) as emu:
        gql = Gql(httpx.AsyncClient(transport=emu.transport, base_url="http://e"), emu.api_key)
        assert (await gql.data(USER_QUERY))["user"]["id"]
        with emu.state.store.reading() as conn:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(annotation_imports)")}
        assert "processing_cpu_seconds" in columns


@pytest.mark.parametrize(
    "payloads",
    [
        [{"id": "c1", "rowData": 'é😀"\\\n\t\u2028\x00\x7f', "n": None, "t": True}],
        [{"a": 1e-7, "b": -0.0, "c": 2**70, "d": [], "e": {}}, {"f": [{"g": 1.5}]}],
        [{"nan": float("nan")}, {"inf": float("inf")}],
        ["plain", 1, None, {"mixed": 1}],
        [],
    ],
)
def test_task_items_hold_each_payload_as_its_compact_json(payloads: list[Any]) -> None:
    store = Store()
    job = Job(store, "t1")
    with store.transaction() as conn:
        job.add_items(conn, "ok", [{"first": 1}])
        job.add_items(conn, "ok", payloads)
        job.add_items(conn, "error", payloads)
        stored = conn.execute(
            "SELECT kind, seq, payload FROM task_items ORDER BY kind, seq"
        ).fetchall()
    expected = [("error", i, dumps(p)) for i, p in enumerate(payloads)]
    expected += [("ok", 0, '{"first":1}')]
    expected += [("ok", 1 + i, dumps(p)) for i, p in enumerate(payloads)]
    assert [tuple(row) for row in stored] == expected


@pytest.mark.parametrize("payloads", [[{"n": 1}, {"n": 2}], ["text", 3]])
def test_task_items_refused_by_the_store_leave_no_gap(payloads: list[Any]) -> None:
    store = Store()
    job = Job(store, "t1")
    with store.transaction() as conn:
        conn.execute(  # a row already in the place of the next item: the insert fails
            "INSERT INTO task_items (task_id, kind, seq, payload) VALUES ('t1', 'ok', 0, '0')"
        )
        with pytest.raises(sqlite3.IntegrityError):
            job.add_items(conn, "ok", payloads)
        conn.execute("DELETE FROM task_items")
        job.add_items(conn, "ok", payloads)
        seqs = [row[0] for row in conn.execute("SELECT seq FROM task_items ORDER BY seq")]
    assert seqs == list(range(len(payloads)))
