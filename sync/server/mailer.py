"""Sending the notices by SMTP: the configured server, the messages in the person's language, the retries.

Each pass plans the reminders now due, claims the notices due (their attempt recorded first,
sync/server/notices.py), writes each one as a multipart/alternative message (plain text and HTML, stdlib
`email`) with a Message-ID made from the notice's id, so a message sent again after a crash is the same
message, and hands it to the SMTP server. A server down, a 4xx or a lost connection: the notice waits for
its next try. A 5xx for the recipient or the message: recorded as refused, with the server's words.
Logs say how many, never to whom.
"""

from __future__ import annotations

import email
import email.policy
import html
import logging
import re
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime, formataddr
from typing import Literal

from kiosk.domain.concierge import form_for, ready_message
from kiosk.domain.notices import NoticeKind
from kiosk.i18n import Said, Texts
from sync.server import notices
from sync.server.clock import SITE_ZONE, Clock, parse_moment
from sync.server.db import Database

log = logging.getLogger("slvie.central.notices")
Security = Literal["starttls", "tls", "none"]
SEND_EVERY_SECONDS = 60.0
PURGE_EVERY_PASSES = 60


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server the centre sends through (`slvie-central --smtp-*`, README)."""

    host: str
    sender: str  # the From address, e.g. notices@slvie.example
    port: int = 587
    security: Security = "starttls"  # STARTTLS on 587, TLS from the start on 465, "none" on loopback only
    username: str = ""
    password: str = ""
    sender_name: str = "SLVie"
    timeout: float = 30.0  # seconds; below notices.FIRST_RETRY, so a claim is never taken twice
    ca_file: str = ""  # a CA bundle to verify the server with; the system's otherwise

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "slvie.invalid"


@dataclass
class SendReport:
    sent: int = 0
    waiting: int = 0  # failed for now: tried again later
    refused: int = 0  # refused for good (5xx)


def message_id(notice_id: str, settings: MailSettings) -> str:
    return f"<{notice_id}@{settings.domain}>"


def compose(claimed: notices.Claimed, settings: MailSettings, now: datetime) -> EmailMessage:
    """The notice as an e-mail in the person's language: plain text and the same words in HTML."""
    texts = Texts(claimed.language)
    subject, paragraphs = _words(claimed, texts)
    paragraphs = [texts("mail.hello"), *paragraphs, texts("mail.why"), texts("mail.signature")]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((settings.sender_name, settings.sender))
    message["To"] = claimed.address
    message["Date"] = format_datetime(now.replace(tzinfo=SITE_ZONE))
    message["Message-ID"] = message_id(claimed.notice_id, settings)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic reply to it
    message.set_content("\n\n".join(paragraphs) + "\n")
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in paragraphs)
    message.add_alternative(
        f'<!DOCTYPE html>\n<html lang="{claimed.language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n"
        f'<body style="font-family: sans-serif; font-size: 18px; line-height: 1.5">\n{body}</body></html>\n',
        subtype="html",
    )
    message["Content-Language"] = claimed.language  # after the content: setting it clears Content-* headers
    return message


def _words(claimed: notices.Claimed, texts: Texts) -> tuple[str, list[str]]:
    """The subject and the paragraphs that say what happened, in plain words."""
    facts = claimed.facts
    if claimed.kind is NoticeKind.READY:
        name = Said(facts["name_fr"], facts["name_en"])
        ready = ready_message(form_for(facts["service_id"]), name).message(texts.language)
        hours = Said(facts["hours_fr"], facts["hours_en"]).message(texts.language)
        lines = [ready, texts("mail.ready.collect")]
        if hours:
            lines.append(texts("mail.ready.hours", hours=hours))
        return ready, lines
    if claimed.kind is NoticeKind.REMINDER:
        when = texts.moment(parse_moment(facts["start"]))
        body = texts("mail.reminder.body", title=facts["title"], when=when, place=facts["place"])
        return texts("mail.reminder.subject", title=facts["title"]), [body, texts("mail.reminder.cancel")]
    outcome = facts["outcome"]
    lines = [texts(f"mail.holiday.{outcome}", title=facts["title"])]
    if outcome == "proposed" and facts.get("answer_before"):
        lines.append(texts("mail.holiday.answer_before", day=texts.day(parse_moment(facts["answer_before"]))))
    reason = Said(facts.get("reason_fr", ""), facts.get("reason_en", "")).message(texts.language)
    if outcome == "refused" and reason:
        lines.append(texts("mail.holiday.reason", reason=reason))
    lines.append(texts("mail.holiday.at_kiosk"))
    return texts("mail.holiday.subject", title=facts["title"]), lines


def connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    server: smtplib.SMTP
    if settings.security == "tls":
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
    if settings.username:
        server.login(settings.username, settings.password)
    return server


def send_due(db: Database, settings: MailSettings, clock: Clock) -> SendReport:
    """One pass: plan the reminders, then send every notice due, batch after batch, each tried once; the
    pass ends early when the server cannot be reached (what is left waits for its next try)."""
    report = SendReport()
    notices.plan_reminders(db, clock())
    while claimed := notices.claim_due(db, clock()):
        if not _send_batch(db, settings, clock, claimed, report):
            break
    if report.sent or report.waiting or report.refused:
        log.info("notices: %d sent, %d waiting, %d refused", report.sent, report.waiting, report.refused)
    return report


def _send_batch(
    db: Database, settings: MailSettings, clock: Clock, claimed: list[notices.Claimed], report: SendReport
) -> bool:
    """One connection for the batch; False when the server could not be reached or the connection was lost."""
    try:
        server = connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        log.warning(
            "SMTP server %s:%s unavailable (%s): %d notices wait", settings.host, settings.port, error, len(claimed)
        )
        for notice in claimed:
            notices.mark_failed(db, notice.notice_id, _said(error), False, clock())
        report.waiting += len(claimed)
        return False
    try:
        for index, notice in enumerate(claimed):
            try:
                server.send_message(compose(notice, settings, clock()))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                permanent = _code(error) >= 500
                said = _said(error).replace(notice.address, "[address]")  # a server may repeat it: not kept
                notices.mark_failed(db, notice.notice_id, said, permanent, clock())
                report.refused += permanent
                report.waiting += not permanent
                continue
            except (OSError, smtplib.SMTPException) as error:  # the connection is lost: the rest wait too
                for rest in claimed[index:]:
                    notices.mark_failed(db, rest.notice_id, _said(error), False, clock())
                report.waiting += len(claimed) - index
                return False
            notices.mark_sent(db, notice.notice_id, clock())
            report.sent += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return True


def _code(error: smtplib.SMTPException) -> int:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return min(code for code, _ in error.recipients.values())
    return int(getattr(error, "smtp_code", 0))


def _said(error: Exception) -> str:
    """What the server said (its code and words), or the kind of failure; never the address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, words = next(iter(error.recipients.values()))
        return f"{code} {words.decode('utf-8', 'replace')}"
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        return f"{error.smtp_code} {said.decode('utf-8', 'replace') if isinstance(said, bytes) else said}"
    return f"{type(error).__name__}: {error}"


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification that says a notice could not be delivered, for good."""

    notice_id: str
    said: str  # its status and the remote server's words, addresses taken out


_MESSAGE_ID = re.compile(r"^Message-ID:\s*<([0-9a-f-]{36})@[^>]+>", re.IGNORECASE | re.MULTILINE)
_ADDRESS = re.compile(r"<?[^\s<>@;]+@[^\s<>;]+>?")


def read_bounce(raw: bytes) -> Bounce | None:
    """The notice a bounce (RFC 3464 multipart/report, as a mail server sends back to the sender) is about,
    when it reports a failure; None for anything else (a delay, another message, not a report)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message.get_content_type() != "multipart/report":
        return None
    failed: list[str] = []
    original = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                if isinstance(block, Message) and str(block.get("Action", "")).strip().lower() == "failed":
                    failed.append(f"{block.get('Status', '')} {block.get('Diagnostic-Code', '')}".strip())
        elif kind in ("text/rfc822-headers", "message/rfc822"):
            original += str(part.get_payload(0) if kind == "message/rfc822" else part.get_content())
    found = _MESSAGE_ID.search(original)
    if not failed or found is None:
        return None
    return Bounce(found.group(1), _ADDRESS.sub("[address]", "; ".join(failed))[:300])


def sending_loop(db: Database, settings: MailSettings, clock: Clock, stop: threading.Event, every: float) -> None:
    """The centre's sender, in a thread of its own: a pass every `every` seconds, and old records purged."""
    passes = 0
    while not stop.is_set():
        try:
            send_due(db, settings, clock)
            if passes % PURGE_EVERY_PASSES == 0:
                notices.purge_done(db, clock())
        except Exception:
            log.exception("the notice sender failed; it tries again at its next pass")
        passes += 1
        stop.wait(every)
