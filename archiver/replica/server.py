"""Serve a ReplicaSite over HTTP on loopback (stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive).

Absolute URLs in pages are built from the request's ``Host`` header, so a replica works on any
port. Pages carry ``ETag`` and ``Last-Modified``; conditional GET and HEAD requests get ``304 Not
Modified`` (see routes.not_modified). Requests are not logged to stderr; their paths are kept in
``ReplicaServer.request_log``, (path, status) in ``response_log`` and Host headers in ``host_log``.
With a ``FaultSpec`` (archiver/replica/faults.py) pages misbehave; the transport faults (hang,
reset, truncate, drip) are carried out here, the faults applied kept in ``fault_log``. ``POST
/__replica__/advance?new=N&edited=M`` lets time pass on the site (``ReplicaSite.advance``) and
answers the change as JSON, for loopback clients only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import struct
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qs, urlsplit

from archiver.replica.faults import Action, FaultRuntime, FaultSpec
from archiver.replica.generator import ReplicaSite

ADMIN: Final = "/__replica__/"
"""The prefix of the admin endpoints (loopback clients only; not logged)."""
ADVANCE: Final = ADMIN + "advance"
DRIP_CHUNKS: Final = 10
STOP_POLL_S: Final = 0.05
"""How often (seconds) a serving thread checks for stop(): a stop takes at most this long."""


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
        self.server.log_request_path(self.path, self.headers.get("Host") or "")
        self._send(405, "text/plain; charset=utf-8", b"Method Not Allowed\n", [("Allow", "GET, HEAD")])

    def _respond(self, *, send_body: bool) -> None:
        self.server.log_request_path(self.path, self.headers.get("Host") or "")
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        conditional = (self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"))
        faults = self.server.faults
        if faults is not None:
            action = faults.action(self.server.site, self.path, f"http://{host}", conditional)
            if action is not None:
                self._fault(action, send_body=send_body)
                return
        reply = self.server.site.respond(
            self.path, f"http://{host}", if_none_match=conditional[0], if_modified_since=conditional[1],
            role=self.server.role,
        )
        if reply.status == 304:
            self._not_modified(reply.headers())
            return
        self._send(reply.status, reply.content_type, reply.body, reply.headers(), send_body=send_body)

    def _not_modified(self, headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> None:
        self.server.log_response(self.path, 304)
        self.send_response(304)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()

    def _fault(self, action: Action, *, send_body: bool) -> None:  # noqa: PLR0911 (one return a transport)
        """Answer with ``action`` (see faults.Action for each transport)."""
        if action.log:
            self.server.log_fault(action.log_path, action.mode)
        stop = self.server.stopping
        if action.transport in {"hang", "reset"}:
            self.close_connection = True
            if action.transport == "hang":
                stop.wait(action.delay)
                return
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()  # its reference would keep the socket open
            self.connection.close()  # with linger 0: a reset, no FIN
            return
        if action.status == 304:
            self._not_modified(action.headers)
            return
        if action.transport == "cutclose":  # issue 17: a close-delimited page cut in half
            self.server.log_response(self.path, action.status)
            self.close_connection = True
            self.send_response(action.status)
            self.send_header("Content-Type", action.content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            if send_body:
                self.wfile.write(action.body[: len(action.body) // 2])
            return
        whole = send_body and action.transport == "send"
        self._send(action.status, action.content_type, action.body, list(action.headers), send_body=whole)
        if not send_body or action.transport == "send":
            return
        if action.transport == "truncate":
            self.close_connection = True
            self.wfile.write(action.body[: len(action.body) // 2])
            return
        step = max(1, -(-len(action.body) // DRIP_CHUNKS))  # bytes per chunk
        for start in range(0, len(action.body), step):
            if start and stop.wait(action.delay / (DRIP_CHUNKS - 1)):
                self.close_connection = True
                return
            self.wfile.write(action.body[start : start + step])

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

    def __init__(
        self, address: tuple[str, int], site: ReplicaSite, faults: FaultSpec | None = None,
        *, role: str = "info", shared: _Server | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.role = role
        """Which host this listener stands in for: ``info`` or ``pro``."""
        self.faults = FaultRuntime(faults) if faults is not None else None
        self.stopping = threading.Event()
        """Set when the server stops: a hanging or dripping response ends."""
        self.request_log: list[str] = shared.request_log if shared else []
        self.response_log: list[tuple[str, int]] = shared.response_log if shared else []
        self.host_log: list[str] = shared.host_log if shared else []
        self.fault_log: list[tuple[str, str]] = shared.fault_log if shared else []
        self._lock: threading.Lock = shared._lock if shared else threading.Lock()
        self._connections: set[socket.socket] = set()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer (a size cap, a timeout) is normal here: stay quiet."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

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

    def log_request_path(self, path: str, host: str) -> None:
        with self._lock:
            self.request_log.append(path)
            self.host_log.append(host)

    def log_fault(self, path: str, mode: str) -> None:
        with self._lock:
            self.fault_log.append((path, mode))

    def log_response(self, path: str, status: int) -> None:
        with self._lock:
            self.response_log.append((path, status))

    def clear_log(self) -> None:
        with self._lock:
            self.request_log.clear()
            self.response_log.clear()
            self.host_log.clear()
            self.fault_log.clear()


class ReplicaServer:
    """``site`` served on two loopback listeners, ``host:port`` (the .info stand-in, ``base_url``) and
    ``host:pro_port`` (the .pro stand-in, ``pro_base_url``; port 0: free ports), in daemon threads.

    A context manager (start on enter, stop on exit). ``request_log`` lists the path (with query)
    of every request received, in arrival order (conditional ones too); ``response_log`` the
    (path, status) of every response, in the order they were sent (200, 304, 404, 503, ...).
    Both are appended under a lock; requests to the admin endpoint are in neither. ``host_log``
    lists the ``Host`` header of each request of ``request_log`` ("" when absent).

    ``faults`` (a ``FaultSpec``, settable while serving; None: none) makes pages misbehave (see
    docs/replica.md, "Fault modes"); setting it restarts the per-path request counters.
    ``fault_log`` lists (path, mode) for each response a fault changed: the article's path without
    query for article faults (a redirect chain or loop once, at its first request), the request's
    path for listing modes.
    """

    def __init__(
        self, site: ReplicaSite, host: str = "127.0.0.1", port: int = 0, *, faults: FaultSpec | None = None,
        pro_port: int = 0,
    ) -> None:
        self.site = site
        self.host = host
        self._requested_port = port
        self._requested_pro_port = pro_port
        self._faults = faults
        self._server: _Server | None = None
        self._pro: _Server | None = None
        self._threads: list[threading.Thread] = []
        self.request_log: list[str] = []
        self.response_log: list[tuple[str, int]] = []
        self.host_log: list[str] = []
        self.fault_log: list[tuple[str, str]] = []

    @property
    def faults(self) -> FaultSpec | None:
        """The fault spec in force (None: pages are served normally)."""
        return self._faults

    @faults.setter
    def faults(self, spec: FaultSpec | None) -> None:
        self._faults = spec
        for server in (self._server, self._pro):
            if server is not None:
                server.faults = FaultRuntime(spec) if spec is not None else None

    def start(self) -> Self:
        """Bind both listeners and serve in the background; returns self. RuntimeError if already
        started."""
        if self._server is not None:
            raise RuntimeError("the replica server is already running")
        self._server = _Server((self.host, self._requested_port), self.site, self._faults)
        self._pro = _Server(
            (self.host, self._requested_pro_port), self.site, self._faults, role="pro", shared=self._server
        )
        self.request_log = self._server.request_log
        self.response_log = self._server.response_log
        self.host_log = self._server.host_log
        self.fault_log = self._server.fault_log
        self.site.pair(self.base_url, self.pro_base_url)
        self._threads = [
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": STOP_POLL_S},
                             name=f"replica-{server.role}-{port}", daemon=True)
            for server, port in ((self._server, self.port), (self._pro, self.pro_port))
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close both sockets (idempotent)."""
        for server in (self._server, self._pro):
            if server is None:
                continue
            server.stopping.set()
            server.shutdown()
            server.server_close()
            server.close_connections()
        for thread in self._threads:
            thread.join(timeout=5)
        self._server = self._pro = None
        self._threads = []

    @property
    def port(self) -> int:
        """The .info listener's port. RuntimeError before start()."""
        if self._server is None:
            raise RuntimeError("the replica server is not running")
        return int(self._server.server_address[1])

    @property
    def pro_port(self) -> int:
        """The .pro listener's port. RuntimeError before start()."""
        if self._pro is None:
            raise RuntimeError("the replica server is not running")
        return int(self._pro.server_address[1])

    def _url(self, port: int) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """The .info stand-in: ``http://127.0.0.1:54321`` (no trailing slash)."""
        return self._url(self.port)

    @property
    def pro_base_url(self) -> str:
        """The .pro stand-in: ``http://127.0.0.1:54322`` (no trailing slash)."""
        return self._url(self.pro_port)

    @property
    def base_urls(self) -> tuple[str, str]:
        """(info, pro): both hosts, the primary first."""
        return self.base_url, self.pro_base_url

    def clear_log(self) -> None:
        """Forget the requests logged so far (all four logs, both listeners)."""
        if self._server is not None:
            self._server.clear_log()
        else:
            for log in (self.request_log, self.response_log, self.host_log, self.fault_log):
                log.clear()

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
    port: int, articles: int, seed: int, defects: int = 0, new: int = 0, edited: int = 0,
    faults: FaultSpec | None = None, redesign_from: date | datetime | str | None = None,
    on_ready: Callable[[str, str], None] | None = None,
) -> None:
    """Serve a replica of ``articles`` articles (``defects`` of them defective) on
    127.0.0.1:``port`` (the .info stand-in) and 127.0.0.1:``port + 1`` (the .pro stand-in) until
    interrupted; its ``advance`` (the admin endpoint) dates edits by the machine's clock; with
    ``new`` or ``edited``, advanced once first
    (``ReplicaSite.advance(new, edited)``, default ``at``, seeded by the step); with ``faults``,
    pages misbehave as that spec says; with ``redesign_from`` (a date or ``"all"``), pages from
    then on are in the second template (``ReplicaSite(redesign_from=...)``); ``on_ready`` is
    called with the two base URLs once both are bound (the ports really got, also for port 0).

    ValueError for a bad ``new``/``edited``; OSError when the port cannot be bound;
    KeyboardInterrupt propagates after the socket closes.
    """
    site = advanced_site(articles, seed, defects, new, edited, redesign_from=redesign_from)
    site.clock = lambda: datetime.now(UTC)
    server = _Server(("127.0.0.1", port), site, faults)
    pro = _Server(("127.0.0.1", port + 1 if port else 0), site, faults, role="pro", shared=server)
    site.pair(f"http://127.0.0.1:{server.server_address[1]}", f"http://127.0.0.1:{pro.server_address[1]}")
    thread = threading.Thread(target=pro.serve_forever, kwargs={"poll_interval": STOP_POLL_S},
                              name="replica-pro", daemon=True)
    thread.start()
    try:
        if on_ready is not None:
            on_ready(f"http://127.0.0.1:{server.server_address[1]}",
                     f"http://127.0.0.1:{pro.server_address[1]}")
        server.serve_forever(poll_interval=STOP_POLL_S)
    finally:
        for each in (server, pro):
            each.stopping.set()
        pro.shutdown()
        for each in (server, pro):
            each.server_close()


def advanced_site(
    articles: int, seed: int, defects: int = 0, new: int = 0, edited: int = 0,
    *, redesign_from: date | datetime | str | None = None,
) -> ReplicaSite:
    """``ReplicaSite(articles, seed, defects=defects, redesign_from=redesign_from)``, advanced
    once if ``new`` or ``edited``."""
    site = ReplicaSite(articles, seed=seed, defects=defects, redesign_from=redesign_from)
    if new or edited:
        site.advance(new, edited)
    return site
