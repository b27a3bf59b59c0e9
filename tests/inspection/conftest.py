"""A local HTTP server for the link checker (127.0.0.1, random port) that counts what it is asked."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.active = 0
        self.max_active = 0


class _Handler(BaseHTTPRequestHandler):
    state: _State
    protocol_version = "HTTP/1.1"
    _counted = False

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _answer(self, method: str) -> None:
        state = self.state
        with state.lock:
            state.requests.append((method, self.path))
            state.active += 1
            state.max_active = max(state.max_active, state.active)
        self._counted = True
        try:
            self._route(method)
        finally:
            self._leave()

    def _leave(self) -> None:
        """The request stops counting as active once its answer is ready to go: the checker may send the next
        request to this host as soon as it has read the headers, possibly before this thread gets the CPU back
        (a busy machine made the count flaky when it was taken after the body was written)."""
        if self._counted:
            self._counted = False
            with self.state.lock:
                self.state.active -= 1

    def end_headers(self) -> None:
        self._leave()
        super().end_headers()

    def _send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self, method: str) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/ok"):
            time.sleep(0.05)  # long enough to notice two requests at once
            self._send(200, body=b"ok")
        elif path == "/missing":
            self._send(404)
        elif path == "/gone":
            self._send(410)
        elif path == "/error":
            self._send(500)
        elif path == "/forbidden":
            self._send(403)
        elif path == "/auth":
            self._send(401)
        elif path == "/throttled":
            self._send(429)
        elif path == "/not-allowed":
            self._send(405)
        elif path == "/precondition":
            self._send(412)
        elif path == "/no-head":
            self._send(405 if method == "HEAD" else 200)
        elif path == "/redirect":
            self._send(301, {"Location": "/ok"})
        elif path == "/loop-a":
            self._send(302, {"Location": "/loop-b"})
        elif path == "/loop-b":
            self._send(302, {"Location": "/loop-a"})
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            if n == 0:
                self._send(200)
            else:
                self._send(302, {"Location": f"/chain/{n - 1}"})
        elif path == "/slow":
            time.sleep(2)
            self._send(200)
        elif path == "/huge":
            # Announces 2 GB and streams it for as long as the client reads.
            self.send_response(200)
            self.send_header("Content-Length", str(2 * 1024**3))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            if method == "HEAD":
                return
            chunk = b"x" * 65536
            try:
                for _ in range(2 * 1024**3 // 65536):
                    self.wfile.write(chunk)
            except OSError:
                return
        else:
            self._send(404)

    def do_HEAD(self):
        self._answer("HEAD")

    def do_GET(self):
        self._answer("GET")


@pytest.fixture
def http_server():
    state = _State()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield base, state
    finally:
        server.shutdown()
        server.server_close()
