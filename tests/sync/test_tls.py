"""TLS is verified (DESIGN.md section 3): the kiosk's client against the reference server over HTTPS on loopback.

A throw-away CA and server certificates are made here; the reference app runs under
uvicorn with them in a subprocess (`slvie-central` has no TLS options, so uvicorn is
started here on `create_app` directly). The client must refuse the server
without the site's CA bundle, accept it with the bundle, and refuse a certificate
issued by that same CA for another host name — and when it refuses, nothing reaches
the server.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sync.client import CentralClient, TransientError
from tests.factories import NOW, households_document, sample_catalog
from tests.server.central import REPO_ROOT, CentralServer, free_port

SERVE = """
import sys

import uvicorn

from sync.server.app import create_app
from sync.server.clock import frozen_clock
from sync.server.db import Database
from datetime import datetime

db_path, port, certfile, keyfile, now = sys.argv[1:6]
app = create_app(Database(db_path), frozen_clock(datetime.fromisoformat(now)))
uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile)
"""


# -- certificates ------------------------------------------------------------------------------


def _write_key(key, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return path


def _write_cert(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


class Authority:
    """A throw-away certificate authority, and certificates it issues for a server."""

    def __init__(self, folder: Path, name: str = "SLVie test CA"):
        self.folder = folder
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.bundle = _write_cert(self.cert, folder / f"{name.replace(' ', '-')}.pem")

    def issue(self, stem: str, dns: list[str] = (), ips: list[str] = ()) -> tuple[Path, Path]:
        """(certificate file, key file) for a server known by these names and addresses."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        names = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (list(dns) + list(ips))[0])]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return _write_cert(cert, self.folder / f"{stem}.pem"), _write_key(key, self.folder / f"{stem}.key")


# -- an HTTPS reference server -----------------------------------------------------------------


class TlsServer:
    """The reference app under uvicorn with a certificate, on loopback, in its own process."""

    def __init__(self, db_path: Path, certfile: Path, keyfile: Path, ca_bundle: Path):
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.log_path = db_path.with_name(f"tls-{self.port}.log")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        }
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    SERVE,
                    str(db_path),
                    str(self.port),
                    str(certfile),
                    str(keyfile),
                    NOW.isoformat(),
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait(ca_bundle)

    def _wait(self, ca_bundle: Path, timeout: float = 20.0) -> None:
        """Until /v1/health answers over TLS (checked against the CA, whatever name the certificate bears)."""
        context = ssl.create_default_context(cafile=str(ca_bundle))
        context.check_hostname = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"TLS server exited at start:\n{self.log()}")
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=1, context=context)
            try:
                connection.request("GET", "/v1/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"TLS server did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(autouse=True)
def no_bundle_from_the_environment(monkeypatch):
    """requests would otherwise take a CA bundle from these: the tests must see the client's own setting."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def authority(tmp_path) -> Authority:
    folder = tmp_path / "pki"
    folder.mkdir()
    return Authority(folder)


@pytest.fixture
def central(tmp_path) -> CentralServer:
    """The central database (administered in-process; served over HTTPS by `serve`)."""
    server = CentralServer(tmp_path / "central.sqlite3", now=NOW)
    server.load_catalog(sample_catalog())
    server.load_households(households_document()["households"])
    return server


@pytest.fixture
def serve(central, authority):
    started = []

    def start(dns: list[str] = (), ips: list[str] = ("127.0.0.1",)) -> TlsServer:
        certfile, keyfile = authority.issue(f"server-{len(started)}", dns=list(dns), ips=list(ips))
        server = TlsServer(central.db_path, certfile, keyfile, authority.bundle)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def enrolled_kiosks(central: CentralServer) -> str:
    code, out, err = central.cli("kiosks")
    assert code == 0, err
    return out.strip()


def assert_certificate_refused(error: TransientError) -> None:
    assert "TLS" in str(error)
    assert "certificate" in error.en and "certificat" in error.fr


# -- the tests ---------------------------------------------------------------------------------


def test_without_the_site_ca_bundle_the_client_refuses_the_server(central, serve):
    server = serve()
    code = central.enroll_code()
    client = CentralClient(server.url)  # the system's trust store only: it does not know this CA
    try:
        with pytest.raises(TransientError) as refused:
            client.health()
        assert_certificate_refused(refused.value)
        with pytest.raises(TransientError) as refused:
            client.enroll(code, "Borne sans CA")
        assert_certificate_refused(refused.value)
    finally:
        client.close()
    # Nothing was exchanged: no kiosk was enrolled, and the one-time code is still unspent.
    assert enrolled_kiosks(central) == ""


def test_with_the_site_ca_bundle_the_client_talks_to_the_server(central, serve, authority):
    server = serve()
    code = central.enroll_code()
    refused = CentralClient(server.url)
    try:
        with pytest.raises(TransientError):
            refused.enroll(code, "Borne sans CA")
    finally:
        refused.close()

    anonymous = CentralClient(server.url, ca_bundle=str(authority.bundle))
    try:
        assert anonymous.health()["status"] == "ok"
        enrolment = anonymous.enroll(code, "Borne avec CA")  # the same code: the refused try never arrived
    finally:
        anonymous.close()
    client = CentralClient(server.url, enrolment.token, ca_bundle=str(authority.bundle))
    try:
        assert client.me()["kiosk_id"] == enrolment.kiosk_id
        page = client.changes(0, 500)
        assert {c["id"] for c in page["changes"] if c["kind"] == "offer"} >= {"T1", "P1"}
        (result,) = client.push(
            [
                {
                    "op_id": str(uuid.uuid4()),
                    "kind": "booking.create",
                    "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%S"),
                    "payload": {
                        "booking_id": str(uuid.uuid4()),
                        "session_id": "T1-S1",
                        "household_id": "H1",
                        "participants": ["P1"],
                        "tier": 3,
                        "total_cents": 1100,
                        "kiosk_state": "confirmed",
                    },
                }
            ]
        )["results"]
        assert result["outcome"] == "applied" and result["booking"]["state"] == "confirmed"
    finally:
        client.close()
    assert enrolment.kiosk_id in enrolled_kiosks(central)


def test_a_certificate_for_another_host_is_refused_even_from_the_site_ca(central, serve, authority):
    elsewhere = serve(dns=["central.example.org"], ips=())  # a valid certificate of the CA, for another name
    code = central.enroll_code()
    client = CentralClient(elsewhere.url, ca_bundle=str(authority.bundle))
    try:
        with pytest.raises(TransientError) as refused:
            client.enroll(code, "Borne trompée")
        assert_certificate_refused(refused.value)
    finally:
        client.close()
    assert enrolled_kiosks(central) == ""

    right = serve()  # the same centre with a certificate for 127.0.0.1: the code was never spent
    client = CentralClient(right.url, ca_bundle=str(authority.bundle))
    try:
        assert client.enroll(code, "Borne").kiosk_id
    finally:
        client.close()


def test_a_certificate_from_another_ca_is_refused(central, serve, tmp_path):
    server = serve()
    other_folder = tmp_path / "other-pki"
    other_folder.mkdir()
    other = Authority(other_folder, "Another CA")
    client = CentralClient(server.url, ca_bundle=str(other.bundle))
    try:
        with pytest.raises(TransientError) as refused:
            client.health()
        assert_certificate_refused(refused.value)
    finally:
        client.close()


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_site_ca_bundle_wins_over_a_bundle_named_in_the_environment(
    central, serve, authority, tmp_path, monkeypatch, variable
):
    server = serve()
    other_folder = tmp_path / "other-pki"
    other_folder.mkdir()
    monkeypatch.setenv(variable, str(Authority(other_folder, "Another CA").bundle))
    client = CentralClient(server.url, ca_bundle=str(authority.bundle))
    try:
        assert client.health()["status"] == "ok"
    finally:
        client.close()


def test_without_a_site_bundle_one_named_in_the_environment_is_still_used(central, serve, authority, monkeypatch):
    """As before the site's bundle was made to win: a kiosk set up with REQUESTS_CA_BUNDLE alone keeps working."""
    server = serve()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(authority.bundle))
    client = CentralClient(server.url)
    try:
        assert client.health()["status"] == "ok"
    finally:
        client.close()


class Redirecting:
    """An HTTPS server on loopback with a certificate of the site's CA, answering every request with a 307
    to `target` — or, as that target, recording what reaches it (method, path, Authorization header)."""

    def __init__(self, certfile: Path, keyfile: Path, target: str | None = None):
        import http.server
        import threading

        seen: list[tuple[str, str, str | None]] = []
        self.seen = seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                seen.append((self.command, self.path, self.headers.get("Authorization")))
                if target is None:
                    body = b'{"changes": [], "cursor": 0, "more": false, "epoch": "stolen-epoch-0001"}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                else:
                    body = b""
                    self.send_response(307)
                    self.send_header("Location", f"{target}{self.path}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_to_another_host_over_tls_is_refused_and_never_carries_the_token(authority):
    """Both hosts hold valid certificates of the site's CA: TLS alone would let the kiosk follow."""
    other = Redirecting(*authority.issue("other-host", dns=["localhost"]))
    redirecting = Redirecting(
        *authority.issue("redirecting", ips=["127.0.0.1"]), target=f"https://localhost:{other.port}"
    )
    client = CentralClient(
        f"https://127.0.0.1:{redirecting.port}",
        "slvk_secret-token-never-elsewhere",
        ca_bundle=str(authority.bundle),
        timeout=(2, 5),
    )
    try:
        for call in (lambda: client.changes(0, 10), lambda: client.push([]), client.me):
            with pytest.raises(TransientError) as refused:
                call()
            assert "redirects elsewhere" in refused.value.en and "redirections" in refused.value.fr
        assert [method for method, _, _ in redirecting.seen] == ["GET", "POST", "GET"]
        assert all(auth == "Bearer slvk_secret-token-never-elsewhere" for _, _, auth in redirecting.seen)
        assert other.seen == []  # the other host was never asked anything, so never saw the token
    finally:
        client.close()
        redirecting.close()
        other.close()
