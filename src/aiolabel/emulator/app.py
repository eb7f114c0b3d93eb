"""The emulator's ASGI app: GraphQL on /graphql and /_gql (JSON and multipart uploads), the files
it hands out, and the control API under /_emulator/."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import Any

import anyio
from ariadne import combine_multipart_data
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from aiolabel.emulator._hoist import hoistable
from aiolabel.emulator.context import Context, RestCall
from aiolabel.emulator.errors import EmulatorError, Malformed
from aiolabel.emulator.executor import Prepared
from aiolabel.emulator.resolvers import rest_routes
from aiolabel.emulator.state import EmulatorState

log = logging.getLogger("aiolabel.emulator")


class ConnectionDropped(Exception):
    """Raised after a response has started, so the server closes the connection mid-response."""


class _DroppedResponse(Response):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"data": ', "more_body": True})
        raise ConnectionDropped("connection dropped by fault injection")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _error(message: str, code: str, status: int = 200, **extra: Any) -> Response:
    error: dict[str, Any] = {"message": message, "extensions": {"code": code}}
    error.update(extra)
    return _json({"data": None, "errors": [error]}, status)


def _malformed(message: str, status: int = 400) -> Response:
    return _error(message, Malformed.code, status, errors=message)


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # lets request.form() parse what was already read
    return body


def _rate_limited(limit: int | None, retry_after: int) -> Response:
    per_minute = f"{limit} requests per minute" if limit else "your plan's requests per minute"
    return _json(
        {"message": f"You have exceeded the rate limit of {per_minute}"},
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


def _gateway_error(status: int) -> Response:
    reason = {502: "Bad Gateway", 503: "Service Unavailable"}[status]
    return Response(
        f"<html><body><h1>{status} {reason}</h1></body></html>",
        status_code=status,
        media_type="text/html",
    )


async def _parse_request(
    state: EmulatorState, request: Request
) -> tuple[str, dict[str, Any] | None] | Response:
    """The query text and variables of a JSON or multipart GraphQL request, or an error response."""
    try:
        await _read_body(request, state.config.max_body_bytes)
    except _TooLarge:
        return _malformed(f"Request body exceeds {state.config.max_body_bytes} bytes", status=413)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form(max_part_size=state.config.max_body_bytes)
            operations = json.loads(str(form["operations"]))
            files_map = json.loads(str(form["map"]))
            files = {k: v for k, v in form.multi_items() if isinstance(v, UploadFile)}
            combine_multipart_data(operations, files_map, files)
        except Exception as exc:  # any malformed multipart body
            return _malformed(f"Malformed multipart request: {type(exc).__name__}")
        payload = operations
    else:
        try:
            payload = json.loads(request._body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _malformed("Request body is not valid JSON")
    if not isinstance(payload, dict):
        return _malformed("Request body must be a JSON object")
    query = payload.get("query")
    variables = payload.get("variables")
    if not isinstance(query, str) or not query.strip():
        return _malformed("Request body must contain a 'query' string")
    if variables is not None and not isinstance(variables, dict):
        return _malformed("'variables' must be an object or null")
    return query, variables


def make_graphql_endpoint(state: EmulatorState, endpoint: str) -> Any:
    async def graphql_endpoint(request: Request) -> Response:
        # the key first (a header check): an unauthenticated body is never read or parsed
        if not state.authenticate(request.headers.get("authorization")):
            return _error("Invalid API key", "AUTHENTICATION_ERROR", status=401)
        try:
            return await handle(request)
        finally:
            await request.close()  # closes an uploaded multipart form and its files

    async def handle(request: Request) -> Response:
        parsed = await _parse_request(state, request)
        prepared: Prepared | None = None
        if isinstance(parsed, tuple):
            if hoistable(parsed[0]):  # a pasted LPO list: read off the event loop
                prepared, variables = await anyio.to_thread.run_sync(
                    state.executor.prepare_request, *parsed
                )
                parsed = (parsed[0], variables)
            else:
                prepared = state.executor.prepare(parsed[0])
        operation = prepared.operation_name if prepared else None
        state.count(f"{endpoint}:{operation or '?'}")
        faults = state.faults
        delay = faults.latency_for(operation)
        if delay:
            await anyio.sleep(delay)
        limited = faults.rate_limit(operation)
        if limited is not None:
            return _rate_limited(faults.config.rate_limit, limited.retry_after)
        decision = faults.decide(operation)
        if decision == "rate_limited":
            return _rate_limited(faults.config.rate_limit, faults.config.retry_after_s)
        if decision == "error_502":
            return _gateway_error(502)
        if decision == "error_503":
            return _gateway_error(503)
        if decision == "drop":
            return _DroppedResponse()
        if not isinstance(parsed, tuple):
            return parsed
        assert prepared is not None
        context = Context(
            state=state,
            conn=None,  # type: ignore[arg-type]  # set inside the transaction
            user_id=state.user_id,
            org_id=state.org_id,
            base_url=str(request.base_url).rstrip("/"),
            endpoint=endpoint,
            operation=operation,
        )
        body = await anyio.to_thread.run_sync(state.executor.execute, prepared, parsed[1], context)
        if decision == "applied_then_failed":
            return _gateway_error(502)
        return _json(body)

    return graphql_endpoint


def make_file_endpoint(state: EmulatorState) -> Any:
    async def file_endpoint(request: Request) -> Response:
        """A stored file; ``?start=&end=`` (inclusive byte offsets) serves a slice of it."""
        file_id = request.path_params["file_id"]
        state.count("files:GET")
        delay = state.faults.latency_for(None)
        if delay:
            await anyio.sleep(delay)
        decision = state.faults.decide(None)
        if decision == "rate_limited":
            return Response(
                "Too Many Requests",
                status_code=429,
                media_type="text/plain",
                headers={"Retry-After": str(state.faults.config.retry_after_s)},
            )
        if decision in ("error_502", "error_503"):
            return _gateway_error(502 if decision == "error_502" else 503)
        if decision == "drop":
            return _DroppedResponse()

        def load() -> tuple[bytes, str] | None:
            with state.store.reading() as conn:
                row = conn.execute(
                    "SELECT data, content_type FROM files WHERE id = ?", (file_id,)
                ).fetchone()
            if row is None:
                return None
            return bytes(row["data"]), row["content_type"] or "application/octet-stream"

        found = await anyio.to_thread.run_sync(load)
        if found is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        data, media_type = found
        start_raw, end_raw = request.query_params.get("start"), request.query_params.get("end")
        if start_raw is not None or end_raw is not None:
            try:
                start = int(start_raw or 0)
                end = int(end_raw) if end_raw is not None else len(data) - 1
            except ValueError:
                return Response("Bad range", status_code=400, media_type="text/plain")
            if start < 0 or end < start - 1 or end >= len(data):
                return Response("Bad range", status_code=416, media_type="text/plain")
            data = data[start : end + 1]
        if not media_type.isascii() or "/" not in media_type:
            media_type = "application/octet-stream"
        return Response(data, media_type=media_type)

    return file_endpoint


REST_BASE = "/api/v1"
"""Where the REST endpoints live: the official SDK's ``rest_endpoint`` is ``{host}/api/v1``."""

_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            409: "Conflict", 422: "Unprocessable Entity", 500: "Internal Server Error"}  # fmt: skip


def _rest_error(status: int, message: str) -> Response:
    """The service's REST error body."""
    return _json(
        {"statusCode": status, "message": message, "error": _REASONS.get(status, "Error")}, status
    )


def make_rest_endpoint(state: EmulatorState, method: str, path: str, handler: Any) -> Any:
    """One REST endpoint: faults, authentication, then ``handler`` in one transaction."""
    operation = f"{method} {path}"

    async def rest_endpoint(request: Request) -> Response:
        state.count(f"rest:{operation}")
        faults = state.faults
        delay = faults.latency_for(operation)
        if delay:
            await anyio.sleep(delay)
        limited = faults.rate_limit(operation)
        if limited is not None:
            return _rate_limited(faults.config.rate_limit, limited.retry_after)
        decision = faults.decide(operation)
        if decision == "rate_limited":
            return _rate_limited(faults.config.rate_limit, faults.config.retry_after_s)
        if decision in ("error_502", "error_503"):
            return _gateway_error(502 if decision == "error_502" else 503)
        if decision == "drop":
            return _DroppedResponse()
        if not state.authenticate(request.headers.get("authorization")):
            return _rest_error(401, "Unauthorized")
        try:
            raw = await _read_body(request, state.config.max_body_bytes)
        except _TooLarge:
            return _rest_error(413, f"Request body exceeds {state.config.max_body_bytes} bytes")
        try:
            body = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _rest_error(400, "Request body is not valid JSON")

        def run() -> tuple[int, Any]:
            try:
                with state.store.transaction() as conn:
                    call = RestCall(conn, state.org_id, state.user_id, state.store.new_id, body)
                    return handler(call, **request.path_params)  # type: ignore[no-any-return]
            except EmulatorError as exc:
                return exc.rest_status, {"message": exc.message}

        status, answer = await anyio.to_thread.run_sync(run)
        if decision == "applied_then_failed":
            return _gateway_error(502)
        if status >= 400:
            return _rest_error(status, answer["message"])
        if answer is None:
            return Response(status_code=status)
        return _json(answer, status)

    return rest_endpoint


def make_control_endpoints(state: EmulatorState) -> list[Route]:
    async def reset(request: Request) -> Response:
        await anyio.to_thread.run_sync(state.reset)
        return _json({"ok": True})

    async def transitions(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("expected an object of task type -> rule")
                for task_type, rule in body.items():
                    state.set_transition(str(task_type), rule)
            except (ValueError, TypeError) as exc:
                return _json({"error": str(exc)}, status=400)
        elif request.method == "DELETE":
            state.jobs.rules.clear()
        return _json(state.transitions())

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("expected an object of fault settings")
                if "seed" in body:
                    state.faults.reseed(body.pop("seed"))
                state.faults.update(**body)
            except (ValueError, TypeError) as exc:
                return _json({"error": str(exc)}, status=400)
        config = asdict(state.faults.config)
        for key in ("operations", "latency_operations"):
            if config[key] is not None:
                config[key] = sorted(config[key])
        return _json(config)

    async def stats(request: Request) -> Response:
        return _json(state.stats())

    async def health(request: Request) -> Response:
        return _json({"ok": True})

    async def action(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            body = await request.json() if await request.body() else {}
            if not isinstance(body, dict):
                raise ValueError("expected an object of keyword arguments")
            result = await anyio.to_thread.run_sync(lambda: state.control(name, **body))
        except KeyError:
            return _json({"error": f"no control named {name!r}"}, status=404)
        except (ValueError, TypeError, LookupError) as exc:
            return _json({"error": str(exc)}, status=400)
        return _json({"result": result})

    return [
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/transitions", transitions, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST"]),
        Route("/_emulator/stats", stats, methods=["GET"]),
        Route("/_emulator/health", health, methods=["GET"]),
        Route("/_emulator/actions/{name}", action, methods=["POST"]),
    ]


def create_app(state: EmulatorState) -> Starlette:
    """The ASGI app serving one emulator state."""
    routes = [
        Route("/graphql", make_graphql_endpoint(state, "graphql"), methods=["POST"]),
        Route("/_gql", make_graphql_endpoint(state, "_gql"), methods=["POST"]),
        Route("/files/{file_id}", make_file_endpoint(state), methods=["GET"]),
        *(
            Route(REST_BASE + path, make_rest_endpoint(state, method, path, fn), methods=[method])
            for method, path, fn in rest_routes()
        ),
        *make_control_endpoints(state),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = state
    return app
