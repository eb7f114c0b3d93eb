"""The API key never appears in logs (DEBUG included), reprs, error messages or tracebacks."""

from __future__ import annotations

import io
import traceback
from typing import Any

import httpx
import pytest
import respx

from aiolabel import AsyncClient
from aiolabel._operations import Operation
from aiolabel.errors import LabelboxError

from .conftest import API_KEY, ENDPOINT, USER, FakeTime, bind_time, data, gql_error, task_wire

FILE = "https://storage.test/f"


def evidence_of(exc: BaseException) -> list[str]:
    out = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    out += [repr(a) for a in exc.args]
    if isinstance(exc, LabelboxError):
        out.append(repr(exc.cause))
        out.append(str(exc.message))
    return out


@respx.mock
async def test_the_key_is_nowhere(all_logs: io.StringIO, fake_time: FakeTime) -> None:
    outputs: list[str] = []
    failures = [
        gql_error("AUTHENTICATION_ERROR", f"Invalid API key {API_KEY}"),
        gql_error("SOMETHING", f"echo: Bearer {API_KEY}"),
        gql_error("AUTHORIZATION_ERROR", f"key {API_KEY} may not"),
        httpx.Response(401, json={"message": f"key {API_KEY} disabled"}),
        httpx.Response(200, text=f"<html>{API_KEY}</html>"),
        httpx.Response(500, text=f"crash {API_KEY}"),
        httpx.ConnectError(f"refused {API_KEY}"),
        httpx.ReadTimeout("slow"),
    ]
    client = bind_time(
        AsyncClient(api_key=API_KEY, endpoint=ENDPOINT, max_retries=1, transport="httpx"),
        fake_time,
    )
    outputs += [repr(client), str(client), repr(client._transport), repr(client._retry)]
    async with client:
        # a successful call, then every failure kind
        respx.post(ENDPOINT).mock(return_value=data({"user": USER}))
        user = await client.get_user()
        outputs += [repr(user), str(user.model_dump()), user.model_dump_json()]
        for failure in failures:
            respx.post(ENDPOINT).mock(side_effect=[failure, failure])
            with pytest.raises(LabelboxError) as info:
                await client._execute_operation(
                    Operation("Q", "query Q { a }"), sdk_method="Client:probe"
                )
            outputs += evidence_of(info.value)
        # bad input
        with pytest.raises(LabelboxError) as bad:
            await client.execute("query Q { a }", {"x": object()})
        outputs += evidence_of(bad.value)
        # upload and download
        respx.post(ENDPOINT).mock(return_value=data({"uploadFile": {"url": FILE, "filename": "1"}}))
        await client.upload_data(b"x", "a", "b/c")
        respx.get(FILE).mock(side_effect=[httpx.Response(503), httpx.Response(200, content=b"ok")])
        assert b"".join([c async for c in client._download(FILE)]) == b"ok"
        respx.get(FILE).mock(return_value=httpx.Response(403, text=API_KEY))
        with pytest.raises(LabelboxError) as denied:
            b"".join([c async for c in client._download(FILE)])
        outputs += evidence_of(denied.value)
        # a task that times out
        respx.post(ENDPOINT).mock(
            side_effect=lambda r: data(
                {"user": {"createdTasks": [task_wire("t", "IN_PROGRESS")]}}
                if "createdTasks" in r.content.decode()
                else {"user": USER}
            )
        )
        task = await client.get_task_by_id("t")
        with pytest.raises(LabelboxError) as timeout:
            await task.wait_till_done(timeout_seconds=1)
        outputs += [*evidence_of(timeout.value), repr(task)]
    outputs.append(all_logs.getvalue())
    assert "aiolabel.transport" in all_logs.getvalue()  # DEBUG logging did happen
    assert "httpx" in all_logs.getvalue()
    leaks = [text for text in outputs if API_KEY in text]
    assert leaks == []


def test_construction_errors_do_not_echo_the_key() -> None:
    for bad in (API_KEY + "\n", API_KEY + "é"):
        with pytest.raises(LabelboxError) as info:
            AsyncClient(api_key=bad)
        assert all(API_KEY not in text for text in evidence_of(info.value))


def test_redaction_also_covers_the_cause() -> None:
    client = AsyncClient(api_key=API_KEY, endpoint=ENDPOINT)
    err = LabelboxError(f"a {API_KEY}", f"b {API_KEY}")
    redacted: Any = client._transport._redact_error(err)
    assert API_KEY not in str(redacted)
    assert API_KEY not in repr(redacted.args)
