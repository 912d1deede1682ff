"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can refuse or be down."""

from __future__ import annotations

import email
import email.policy
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.server.central import free_port


@dataclass
class Mailbox:
    """What the server accepted, and how it answers: `refuse` recipients get a 550, `busy` a 451 on DATA."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    busy: bool = False
    sessions: list[tuple[bool, str]] = field(default_factory=list)  # (over TLS, who logged in) per message

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.busy:
            return "451 4.3.0 Try again later"
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ""
        encrypted = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.sessions.append((encrypted, login))
        content = envelope.original_content or b""
        self.received.append(email.message_from_bytes(content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received if message["To"] == address]


class SmtpServer:
    """`start()` / `stop()` on the same port: a server down, then back. With a certificate, it asks for STARTTLS
    (or, `implicit_tls`, speaks TLS from the start) and a login, `user` / `password`, once encrypted."""

    def __init__(
        self,
        certificate: tuple[Path, Path] | None = None,
        implicit_tls: bool = False,
        user: str = "notices",
        password: str = "s3cret-pass",
    ) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None
        self.certificate, self.implicit_tls = certificate, implicit_tls
        self.user, self.password = user, password

    def _login(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user.encode(),
            self.password.encode(),
        )
        return AuthResult(success=ok, handled=False, auth_data=data)

    def start(self) -> None:
        if self.certificate is None:
            self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        else:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.certificate)
            secure = (
                {"ssl_context": context} if self.implicit_tls else {"tls_context": context, "require_starttls": True}
            )
            self.controller = Controller(
                self.mailbox,
                hostname="127.0.0.1",
                port=self.port,
                authenticator=self._login,
                auth_require_tls=not self.implicit_tls,  # aiosmtpd counts only STARTTLS as TLS for AUTH
                **secure,
            )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
