"""Serve a ReplicaSite over HTTP on loopback (stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive).

Absolute URLs in pages are built from the request's ``Host`` header, so a replica works on any
port. Requests are not logged to stderr; their paths are kept in ``ReplicaServer.request_log``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from archiver.replica.generator import ReplicaSite


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD for the pages of ``server.site``."""

    protocol_version = "HTTP/1.1"
    server_version = "Apache"  # the site's real header is unknown; not Python's own banner
    sys_version = ""
    timeout = 60  # seconds an idle keep-alive connection is kept
    server: _Server

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        self.server.log_request_path(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        status, content_type, body = self.server.site.render(self.path, f"http://{host}")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's signature)
        """Silence: no line on stderr per request."""


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows its site and logs request paths."""

    daemon_threads = True
    request_queue_size = 128  # a crawler opens many connections at once

    def __init__(self, address: tuple[str, int], site: ReplicaSite) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.request_log: list[str] = []
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on open keep-alive connections, so their threads end."""
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def log_request_path(self, path: str) -> None:
        with self._lock:
            self.request_log.append(path)

    def clear_log(self) -> None:
        with self._lock:
            self.request_log.clear()


class ReplicaServer:
    """``site`` served on ``host:port`` (port 0: a free port) in a daemon thread.

    A context manager (start on enter, stop on exit). ``request_log`` lists the path (with query)
    of every request received, in arrival order; it is appended under a lock.
    """

    def __init__(self, site: ReplicaSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.host = host
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.request_log: list[str] = []

    def start(self) -> Self:
        """Bind and serve in the background; returns self. RuntimeError if already started."""
        if self._server is not None:
            raise RuntimeError("the replica server is already running")
        self._server = _Server((self.host, self._requested_port), self.site)
        self.request_log = self._server.request_log
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"replica-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def port(self) -> int:
        """The bound port. RuntimeError before start()."""
        if self._server is None:
            raise RuntimeError("the replica server is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:54321`` (no trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def clear_log(self) -> None:
        """Forget the requests logged so far."""
        if self._server is not None:
            self._server.clear_log()
        else:
            self.request_log.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(port: int, articles: int, seed: int, defects: int = 0) -> None:
    """Serve a replica of ``articles`` articles (``defects`` of them defective) on
    127.0.0.1:``port`` until interrupted.

    OSError when the port cannot be bound; KeyboardInterrupt propagates after the socket closes.
    """
    server = _Server(("127.0.0.1", port), ReplicaSite(articles, seed=seed, defects=defects))
    try:
        server.serve_forever()
    finally:
        server.server_close()
