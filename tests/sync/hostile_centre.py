"""A hostile centre on loopback: it stands where the centre should be and answers whatever a test tells it.

Each request goes to `answer(exchange)` when one is set, else on to the real reference
centre unchanged. The exchange can fetch the real centre's answer to build a bad one
from it, write any bytes to the kiosk's socket, drip them, or say nothing at all.
Every request is recorded (method, path, whether it carried a token).
"""

from __future__ import annotations

import socketserver
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests


@dataclass
class Seen:
    method: str
    path: str
    authorised: bool


class Exchange:
    def __init__(self, sock, upstream_url: str, method: str, target: str, headers: dict[str, str], body: bytes):
        self.sock, self.upstream_url = sock, upstream_url
        self.method, self.target, self.headers, self.body = method, target, headers, body
        split = urlsplit(target)
        self.path = split.path
        self.query = {k: v[0] for k, v in parse_qs(split.query).items()}

    def upstream(self, target: str | None = None) -> requests.Response:
        """The real centre's answer to this request (or to `target` with the same token)."""
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
        return requests.request(
            self.method,
            f"{self.upstream_url}{target or self.target}",
            headers=headers,
            data=self.body or None,
            timeout=10,
            allow_redirects=False,
        )

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None, length: int | None = None) -> None:
        head = [
            f"HTTP/1.1 {status} Whatever",
            "Connection: close",
            "Content-Type: application/json",
            f"Content-Length: {len(body) if length is None else length}",
        ]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.raw(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def drip(self, data: bytes, every: float, until: float) -> None:
        """One byte at a time; gives up (closes) after `until` seconds."""
        stop = time.monotonic() + until
        for byte in data:
            if time.monotonic() > stop:
                return
            try:
                self.sock.sendall(bytes([byte]))
            except OSError:
                return
            time.sleep(every)


class HostileCentre:
    def __init__(self, upstream_url: str):
        self.upstream_url = upstream_url
        self.answer = None
        self.seen: list[Seen] = []
        centre = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                centre._handle(self)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler: socketserver.StreamRequestHandler) -> None:
        line = handler.rfile.readline(65536).decode("latin-1").strip()
        if not line:
            return
        method, target, _ = line.split(" ", 2)
        headers = {}
        while header := handler.rfile.readline(65536).decode("latin-1").strip():
            name, _, value = header.partition(":")
            headers[name.strip()] = value.strip()
        length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
        body = handler.rfile.read(length) if length else b""
        exchange = Exchange(handler.connection, self.upstream_url, method, target, headers, body)
        self.seen.append(Seen(method, exchange.path, any(k.lower() == "authorization" for k in headers)))
        if self.answer is None:
            real = exchange.upstream()
            exchange.send(real.status_code, real.content)
        else:
            self.answer(exchange)
