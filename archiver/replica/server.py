"""Serve a ReplicaSite over HTTP on loopback (stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive).

Absolute URLs in pages are built from the request's ``Host`` header, so a replica works on any
port. Pages carry ``ETag`` and ``Last-Modified``; conditional GET and HEAD requests get ``304 Not
Modified`` (see routes.not_modified). Requests are not logged to stderr; their paths are kept in
``ReplicaServer.request_log`` and (path, status) in ``response_log``. ``POST
/__replica__/advance?new=N&edited=M`` lets time pass on the site (``ReplicaSite.advance``) and
answers the change as JSON, for loopback clients only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qs, urlsplit

from archiver.replica.generator import ReplicaSite

ADMIN: Final = "/__replica__/"
"""The prefix of the admin endpoints (loopback clients only; not logged)."""
ADVANCE: Final = ADMIN + "advance"


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

    def do_POST(self) -> None:
        if urlsplit(self.path).path == ADVANCE and self._from_loopback():
            self._advance()
            return
        self.server.log_request_path(self.path)
        self._send(405, "text/plain; charset=utf-8", b"Method Not Allowed\n", [("Allow", "GET, HEAD")])

    def _respond(self, *, send_body: bool) -> None:
        self.server.log_request_path(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        reply = self.server.site.respond(
            self.path, f"http://{host}",
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
        )
        if reply.status == 304:
            self.server.log_response(self.path, reply.status)
            self.send_response(reply.status)
            for name, value in reply.headers():
                self.send_header(name, value)
            self.end_headers()
            return
        self._send(reply.status, reply.content_type, reply.body, reply.headers(), send_body=send_body)

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: list[tuple[str, str]],
        *,
        send_body: bool = True,
        log: bool = True,
    ) -> None:
        if log:
            self.server.log_response(self.path, status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _from_loopback(self) -> bool:
        address = ipaddress.ip_address(str(self.client_address[0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return address.is_loopback

    def _advance(self) -> None:
        """``POST /__replica__/advance?new=N&edited=M[&seed=S][&at=ISO-8601]``: the Change as JSON
        (400 and ``{"error": ...}`` for bad parameters). Not logged."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # a form body is accepted and ignored
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        payload: dict[str, Any]
        try:
            at = _instant(query["at"]) if "at" in query else None
            seed = _integer(query, "seed") if "seed" in query else None
            change = self.server.site.advance(
                _integer(query, "new"), _integer(query, "edited"), at=at, seed=seed
            )
        except ValueError as exc:
            status, payload = 400, {"error": str(exc)}
        else:
            status, payload = 200, {**change.as_json(), "articles": self.server.site.n_articles}
        body = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
        self._send(status, "application/json; charset=utf-8", body, [], log=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's signature)
        """Silence: no line on stderr per request."""


def _integer(query: dict[str, str], name: str) -> int:
    """The query parameter ``name`` as an integer (0 when absent); ValueError if it is not one."""
    text = query.get(name, "0").strip()
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {text!r}") from None


def _instant(text: str) -> datetime:
    """An ISO 8601 time with an offset (``2026-11-28T17:00:00Z``); ValueError otherwise."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"at must be an ISO 8601 time with an offset, got {text!r}") from None


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows its site and logs request paths."""

    daemon_threads = True
    request_queue_size = 128  # a crawler opens many connections at once

    def __init__(self, address: tuple[str, int], site: ReplicaSite) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.request_log: list[str] = []
        self.response_log: list[tuple[str, int]] = []
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

    def log_response(self, path: str, status: int) -> None:
        with self._lock:
            self.response_log.append((path, status))

    def clear_log(self) -> None:
        with self._lock:
            self.request_log.clear()
            self.response_log.clear()


class ReplicaServer:
    """``site`` served on ``host:port`` (port 0: a free port) in a daemon thread.

    A context manager (start on enter, stop on exit). ``request_log`` lists the path (with query)
    of every request received, in arrival order (conditional ones too); ``response_log`` the
    (path, status) of every response, in the order they were sent (200, 304, 404, 503, ...).
    Both are appended under a lock; requests to the admin endpoint are in neither.
    """

    def __init__(self, site: ReplicaSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.host = host
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.request_log: list[str] = []
        self.response_log: list[tuple[str, int]] = []

    def start(self) -> Self:
        """Bind and serve in the background; returns self. RuntimeError if already started."""
        if self._server is not None:
            raise RuntimeError("the replica server is already running")
        self._server = _Server((self.host, self._requested_port), self.site)
        self.request_log = self._server.request_log
        self.response_log = self._server.response_log
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
            self.response_log.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(  # noqa: PLR0917 (the CLI's options)
    port: int, articles: int, seed: int, defects: int = 0, new: int = 0, edited: int = 0
) -> None:
    """Serve a replica of ``articles`` articles (``defects`` of them defective) on
    127.0.0.1:``port`` until interrupted; with ``new`` or ``edited``, advanced once first
    (``ReplicaSite.advance(new, edited)``, default ``at``, seeded by the step).

    ValueError for a bad ``new``/``edited``; OSError when the port cannot be bound;
    KeyboardInterrupt propagates after the socket closes.
    """
    server = _Server(("127.0.0.1", port), advanced_site(articles, seed, defects, new, edited))
    try:
        server.serve_forever()
    finally:
        server.server_close()


def advanced_site(articles: int, seed: int, defects: int = 0, new: int = 0, edited: int = 0) -> ReplicaSite:
    """``ReplicaSite(articles, seed, defects=defects)``, advanced once if ``new`` or ``edited``."""
    site = ReplicaSite(articles, seed=seed, defects=defects)
    if new or edited:
        site.advance(new, edited)
    return site
