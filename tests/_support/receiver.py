"""A webhook receiver on loopback for tests: records every POST, checks its signature with
``aiolabel.verify_webhook_signature`` against the secrets it knows, and can hold its answers."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiolabel import verify_webhook_signature


@dataclass
class Post:
    """One POST as received."""

    headers: dict[str, str]
    body: bytes
    verified: bool
    """The X-Hub-Signature matched the body under the secret of the ``X-Labelbox-Id`` webhook."""

    @property
    def topic(self) -> str:
        return self.headers["X-Labelbox-Event"]

    @property
    def event(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A loopback HTTP server recording every POST; answers ``status`` (a list: one per POST,
    the last repeated). ``secrets`` maps a webhook id to its secret, for verification (a webhook
    not in it fails verification). While ``hold`` is clear, answers wait for it."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.status = [200]
        self.secrets: dict[str, str] = {}
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Semaphore(0)
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers)
                secret = receiver.secrets.get(headers.get("X-Labelbox-Id", ""))
                verified = secret is not None and verify_webhook_signature(
                    body, secret, headers.get("X-Hub-Signature")
                )
                with receiver._lock:
                    receiver.posts.append(Post(headers, body, verified))
                    answers = receiver.status
                    code = answers.pop(0) if len(answers) > 1 else answers[0]
                receiver.arrived.release()
                receiver.hold.wait(30)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self, topic: str | None = None) -> list[dict[str, Any]]:
        """The bodies received (of one topic), each checked to be verified."""
        with self._lock:
            posts = [p for p in self.posts if topic is None or p.topic == topic]
        assert all(p.verified for p in posts), "a POST failed signature verification"
        return [p.event for p in posts]

    def close(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()
