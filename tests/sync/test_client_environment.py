"""What the kiosk's environment may and may not change in how its client talks to the centre.

- A proxy named in the standard variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) is used: a
  site behind a proxy still syncs (the client reads them itself, since requests' own
  reading of the environment is off).
- ~/.netrc adds nothing: a call without the kiosk's token carries no other credential.
- The CA bundle is the site's own or the system's, whatever REQUESTS_CA_BUNDLE says
  (over real TLS in test_tls.py).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.client import CentralClient

PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)


class Recorder:
    """A loopback HTTP server answering every GET with a health document, keeping what it was sent."""

    def __init__(self, name: str):
        self.requests: list[tuple[str, dict]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = json.dumps({"status": "ok", "time": "2026-11-23T10:00:00", "via": name}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in PROXY_VARIABLES + ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc but the tests' own
    return monkeypatch


@pytest.fixture
def servers():
    made = []

    def make(name: str) -> Recorder:
        made.append(Recorder(name))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_a_proxy_from_the_environment_is_used(clean_environment, servers):
    centre, proxy = servers("centre"), servers("proxy")
    clean_environment.setenv("HTTP_PROXY", proxy.url)
    client = CentralClient(centre.url)
    try:
        assert client.health()["via"] == "proxy"
    finally:
        client.close()
    assert centre.requests == []
    ((path, _),) = proxy.requests
    assert path == f"{centre.url}/v1/health"  # a forward proxy gets the centre's absolute address


def test_no_proxy_is_honoured(clean_environment, servers):
    centre, proxy = servers("centre"), servers("proxy")
    clean_environment.setenv("HTTP_PROXY", proxy.url)
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    client = CentralClient(centre.url)
    try:
        assert client.health()["via"] == "centre"
    finally:
        client.close()
    assert proxy.requests == []


def test_without_proxy_variables_the_centre_is_reached_directly(clean_environment, servers):
    centre = servers("centre")
    client = CentralClient(centre.url)
    try:
        assert client.health()["via"] == "centre"
    finally:
        client.close()


@pytest.mark.parametrize("where", ["home", "NETRC"])
def test_a_netrc_file_adds_no_credential(clean_environment, servers, tmp_path, where):
    centre = servers("centre")
    netrc = tmp_path / (".netrc" if where == "home" else "other-netrc")
    netrc.write_text("machine 127.0.0.1 login someone password hunter2hunter2\n", encoding="utf-8")
    netrc.chmod(0o600)
    if where == "NETRC":
        clean_environment.setenv("NETRC", str(netrc))
    client = CentralClient(centre.url)
    try:
        client.health()
    finally:
        client.close()
    ((_, headers),) = centre.requests
    assert "authorization" not in headers


def test_the_token_is_the_only_credential_sent(clean_environment, servers, tmp_path):
    centre = servers("centre")
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2hunter2\n", encoding="utf-8")
    netrc.chmod(0o600)
    client = CentralClient(centre.url, "slvk_" + "T" * 43)
    try:
        client.me()
    finally:
        client.close()
    ((_, headers),) = centre.requests
    assert headers["authorization"] == "Bearer slvk_" + "T" * 43
