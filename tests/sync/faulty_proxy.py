"""A proxy between a kiosk and the central server that breaks exchanges on demand.

Each request takes the next fault from a queue (none left: it passes through):
- "drop_request": the connection dies while the request is being sent; the centre sees nothing;
- "drop_response": the centre gets and applies the request, the answer never comes back;
- "error500": the proxy answers 500 without forwarding;
- "delay:SECONDS": the request waits, then passes;
- ("replace", bytes): the centre answers, the kiosk receives these bytes as the body instead.
Loopback only; every connection is closed after one exchange.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections import deque


def _read_http_message(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def _close_after_one(message: bytes) -> bytes:
    head, _, body = message.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n" + body


def _with_body(response: bytes, body: bytes) -> bytes:
    head, _, _ = response.partition(b"\r\n\r\n")
    lines = [
        line for line in head.split(b"\r\n") if not line.lower().startswith((b"content-length:", b"transfer-encoding:"))
    ]
    return b"\r\n".join(lines + [b"Content-Length: " + str(len(body)).encode()]) + b"\r\n\r\n" + body


class FaultyProxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.faults: deque = deque()
        self.requests_seen = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def inject(self, *faults) -> None:
        with self.lock:
            self.faults.extend(faults)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_fault(self):
        with self.lock:
            self.requests_seen += 1
            return self.faults.popleft() if self.faults else None

    def _handle(self, client: socket.socket) -> None:
        request = _read_http_message(client)
        if not request:
            return
        fault = self._next_fault()
        if fault == "drop_request":
            client.close()
            return
        if fault == "error500":
            body = b'{"error": {"code": "proxy", "fr": "panne", "en": "failure"}}'
            client.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            client.close()
            return
        if isinstance(fault, str) and fault.startswith("delay:"):
            time.sleep(float(fault.split(":", 1)[1]))
        try:
            with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30) as upstream:
                upstream.sendall(_close_after_one(request))
                response = _read_until_closed(upstream)
        except OSError:
            client.close()
            return
        if fault == "drop_response":
            client.close()
            return
        if isinstance(fault, tuple) and fault[0] == "replace":
            response = _with_body(response, fault[1])
        client.sendall(response)
        client.close()
