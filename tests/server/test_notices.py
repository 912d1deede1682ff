"""The centre's e-mail notices, read from a real SMTP server on loopback (aiosmtpd): "votre pressing est
prêt", the reminder two days before an activity, a holiday request's outcome; in the person's language, in
plain text and HTML; retried while the server is down, recorded when refused, never sent twice; and
forgotten, address and all, when consent is taken back."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect

from sync.server import notices
from sync.server.clock import local_now
from sync.server.db import Database
from sync.server.mailer import MailSettings, compose, send_due
from tests.server.data import booking_op, cancel_op, catalog, martin_family, offer, session, state_of
from tests.server.test_concierge_and_audit import create, move, op

CLAIRE, JULIEN = "P-1-1", "P-1-2"
CLAIRE_ADDRESS, JULIEN_ADDRESS = "claire.martin@orange.fr", "julien.martin@gmail.com"


class Clock:
    """The real time, moved on by the test."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return local_now() + self.ahead


def consent(person_id: str, address: str, language: str = "fr", household_id: str = "H-1") -> dict:
    payload = {
        "person_id": person_id,
        "household_id": household_id,
        "address": address,
        "language": language,
        "staff_id": None,
    }
    return op("notice.consent", payload)


def withdraw(person_id: str, household_id: str = "H-1") -> dict:
    return op("notice.withdraw", {"person_id": person_id, "household_id": household_id, "staff_id": None})


@pytest.fixture
def centre(central_server):
    central_server.load_catalog(
        catalog(
            [
                offer(
                    "SOON",
                    [session("SOON-1", days=1.5, capacity=10)],
                    title="Visite du musée des Confluences",
                    cancel_days_before=1,
                ),
                offer("LATER", [session("LATER-1", days=5, capacity=10)]),
            ]
        )
    )
    central_server.load_households([martin_family()])
    return central_server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender(centre, smtp_server, clock):
    """One pass of the centre's sender, as its thread runs it, on the centre's database file."""
    settings = MailSettings(host="127.0.0.1", port=smtp_server.port, security="none", sender="avis@slvie.example")

    def send():
        db = Database(centre.db_path)  # opened anew each time: a sender restarted between passes
        try:
            return send_due(db, settings, clock)
        finally:
            db.close()

    send.settings = settings
    return send


def ready_request(kiosk, person_id: str = CLAIRE) -> str:
    request = create(person_id=person_id)
    request_id = request["payload"]["request_id"]
    kiosk.push_one(request)
    for to in ("taken", "at_provider", "ready"):
        assert kiosk.push_one(move(request_id, to))["concierge_request"]["state"] == to
    return request_id


def everything_stored(centre) -> str:
    db = Database(centre.db_path, pooled=False)
    try:
        tables = inspect(db.engine).get_table_names()
    finally:
        db.close()
    return "\n".join(repr(row) for table in tables for row in centre.query(f'SELECT * FROM "{table}"'))


def test_a_ready_pressing_is_told_once_in_the_persons_language_as_text_and_html(
    centre, kiosk, smtp_server, sender, clock
):
    assert kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS, "fr"))["outcome"] == "applied"
    assert kiosk.push_one(consent(JULIEN, JULIEN_ADDRESS, "en"))["outcome"] == "applied"
    ready_request(kiosk, CLAIRE)
    ready_request(kiosk, JULIEN)

    report = sender()

    assert (report.sent, report.waiting, report.refused) == (2, 0, 0)
    [french] = smtp_server.mailbox.to(CLAIRE_ADDRESS)
    assert french["Subject"] == "Votre pressing est prêt."
    assert french["Content-Language"] == "fr" and french["From"] == "SLVie <avis@slvie.example>"
    assert french.get_content_type() == "multipart/alternative"
    plain = french.get_body(("plain",)).get_content()
    page = french.get_body(("html",)).get_content()
    assert "Votre pressing est prêt." in plain and "8 h – 18 h" in plain and "Mes e-mails" in plain
    assert "<p>Votre pressing est prêt.</p>" in page and 'lang="fr"' in page
    assert "Claire" not in plain and "Martin" not in plain  # no name, nothing more than needed
    [english] = smtp_server.mailbox.to(JULIEN_ADDRESS)
    assert english["Subject"] == "Your dry cleaning is ready."
    assert "8 am – 6 pm" in english.get_body(("plain",)).get_content()
    [notice_id] = [r["notice_id"] for r in centre.query("SELECT notice_id FROM notices WHERE person_id = ?", CLAIRE)]
    assert french["Message-ID"] == f"<{notice_id}@slvie.example>"

    assert sender().sent == 0  # the sender again (a new process): nothing is sent twice
    assert len(smtp_server.mailbox.received) == 2
    db = Database(centre.db_path)
    assert notices.purge_done(db, clock() + timedelta(days=29)) == 0
    assert notices.purge_done(db, clock() + timedelta(days=31)) == 2  # the records of what was sent, after 30 days
    db.close()


def test_without_consent_there_is_no_notice(centre, kiosk, smtp_server, sender):
    ready_request(kiosk, CLAIRE)
    assert sender().sent == 0 and centre.query("SELECT * FROM notices") == []


def test_a_server_down_keeps_the_notice_and_tries_again_later_and_later(centre, kiosk, smtp_server, sender, clock):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    ready_request(kiosk)
    smtp_server.stop()

    assert sender().waiting == 1
    [notice] = centre.query("SELECT state, attempts, next_attempt_at, last_error FROM notices")
    assert notice["state"] == "waiting" and notice["attempts"] == 1 and "ConnectionRefused" in notice["last_error"]
    assert sender().waiting == 0  # not due again before its next try: no tight loop
    clock.ahead += timedelta(minutes=1, seconds=1)
    assert sender().waiting == 1
    [notice] = centre.query("SELECT attempts, next_attempt_at FROM notices")
    assert notice["attempts"] == 2  # the next try two minutes later: the wait doubles
    wait = datetime.fromisoformat(notice["next_attempt_at"]) - clock()
    assert timedelta(minutes=1, seconds=50) < wait <= timedelta(minutes=2)

    smtp_server.start()
    clock.ahead += timedelta(minutes=2)
    assert sender().sent == 1
    assert len(smtp_server.mailbox.to(CLAIRE_ADDRESS)) == 1
    assert centre.query("SELECT state, last_error FROM notices") == [{"state": "sent", "last_error": None}]


def test_a_temporary_refusal_waits_and_a_permanent_one_is_recorded(centre, kiosk, smtp_server, sender, clock):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    kiosk.push_one(consent(JULIEN, JULIEN_ADDRESS))
    smtp_server.mailbox.refuse = {JULIEN_ADDRESS}
    smtp_server.mailbox.busy = True
    ready_request(kiosk, CLAIRE)
    ready_request(kiosk, JULIEN)

    report = sender()

    assert (report.sent, report.waiting, report.refused) == (0, 1, 1)
    states = {r["person_id"]: r for r in centre.query("SELECT person_id, state, last_error FROM notices")}
    assert states[JULIEN]["state"] == "refused" and states[JULIEN]["last_error"] == "550 5.1.1 Mailbox unavailable"
    assert states[CLAIRE]["state"] == "waiting" and states[CLAIRE]["last_error"].startswith("451")
    smtp_server.mailbox.busy = False
    clock.ahead += timedelta(hours=2)
    assert (sender().sent, smtp_server.mailbox.to(JULIEN_ADDRESS)) == (1, [])  # the refused one is not tried again
    code, out, _ = centre.cli("notices")
    assert code == 0 and "refused" in out and "550 5.1.1" in out and JULIEN_ADDRESS not in out


def test_a_sender_stopped_between_the_servers_yes_and_its_record_sends_the_same_message(
    centre, kiosk, smtp_server, sender, clock
):
    import smtplib

    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    ready_request(kiosk)
    # What a sender killed right after the SMTP server's "250" leaves: the attempt recorded, no "sent".
    db = Database(centre.db_path)
    [claimed] = notices.claim_due(db, clock())
    db.close()
    with smtplib.SMTP("127.0.0.1", smtp_server.port) as server:
        server.send_message(compose(claimed, sender.settings, clock()))

    assert sender().sent == 0  # not before the retry time: a sender still talking to the server is not raced
    clock.ahead += timedelta(minutes=1, seconds=1)
    assert sender().sent == 1
    first, again = smtp_server.mailbox.to(CLAIRE_ADDRESS)
    assert first["Message-ID"] == again["Message-ID"]  # one message for the person's mail system, not two
    clock.ahead += timedelta(hours=3)
    assert sender().sent == 0 and len(smtp_server.mailbox.received) == 2


def test_a_reminder_two_days_before_an_activity_booked(centre, kiosk, smtp_server, sender, clock):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS, "fr"))
    kiosk.push_one(consent(JULIEN, JULIEN_ADDRESS, "en"))
    assert state_of(kiosk.push_one(booking_op("SOON-1", [CLAIRE, "P-1-3"]))) == "confirmed"
    assert state_of(kiosk.push_one(booking_op("LATER-1", [CLAIRE]))) == "confirmed"

    assert sender().sent == 2  # Claire and Julien, of the household that booked; not yet for the later one

    [french] = smtp_server.mailbox.to(CLAIRE_ADDRESS)
    assert french["Subject"] == "Rappel : « Visite du musée des Confluences » dans deux jours"
    text = french.get_body(("plain",)).get_content()
    assert "Salle des fêtes" in text and "Annulez à la borne" in text
    [english] = smtp_server.mailbox.to(JULIEN_ADDRESS)
    assert english["Subject"] == 'Reminder: "Visite du musée des Confluences" in two days'
    assert sender().sent == 0
    clock.ahead += timedelta(days=3, hours=1)  # the later activity is two days away now
    assert sender().sent == 2
    assert len(smtp_server.mailbox.received) == 4


def test_a_reminder_that_could_not_leave_before_the_activity_is_dropped(centre, kiosk, smtp_server, sender, clock):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    kiosk.push_one(booking_op("SOON-1", [CLAIRE]))
    smtp_server.stop()
    sender()
    smtp_server.start()
    clock.ahead += timedelta(days=2)
    assert sender().sent == 0
    assert centre.query("SELECT state FROM notices") == [{"state": "expired"}]


def test_each_outcome_of_a_holiday_request_is_told_once_with_its_date(centre, kiosk, smtp_server, sender, clock):
    kiosk.push_one(consent(JULIEN, JULIEN_ADDRESS, "en"))
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS, "fr"))

    def tell(outcome: str, answer_before: str | None = None) -> int:
        db = Database(centre.db_path)
        try:
            with db.write() as conn:
                return notices.holiday_outcome(
                    conn, "H-1", "HOLIDAY-1", "Séjour à Superbesse", outcome, answer_before, "", "", clock()
                )
        finally:
            db.close()

    assert tell("waitlisted") == 2 and tell("waitlisted") == 0  # the household's two consents, once
    assert tell("proposed", "2027-03-01T00:00:00") == 2  # then a place from the waiting list
    assert sender().sent == 4
    waiting, proposed = smtp_server.mailbox.to(JULIEN_ADDRESS)
    assert waiting["Subject"] == proposed["Subject"] == 'Your holiday request "Séjour à Superbesse": the answer'
    assert "on the waiting list" in waiting.get_body(("plain",)).get_content()
    text = proposed.get_body(("plain",)).get_content()
    assert "a place is offered to you" in text and "before Monday 1 March 2027" in text
    [french, _] = smtp_server.mailbox.to(CLAIRE_ADDRESS)
    assert "liste d'attente" in french.get_body(("plain",)).get_content()


def test_taking_consent_back_deletes_the_address_and_every_notice_not_sent(centre, kiosk, smtp_server, sender):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    ready_request(kiosk)
    smtp_server.stop()
    sender()  # the notice waits for the server
    assert CLAIRE_ADDRESS in everything_stored(centre)

    assert kiosk.push_one(withdraw(CLAIRE))["outcome"] == "applied"

    assert centre.query("SELECT * FROM notice_consents") == []
    assert centre.query("SELECT * FROM notices") == []
    assert CLAIRE_ADDRESS not in everything_stored(centre)  # nor in the operations kept for good
    smtp_server.start()
    assert sender().sent == 0 and smtp_server.mailbox.received == []
    ready_request(kiosk)  # no consent any more: nothing new either
    assert centre.query("SELECT * FROM notices") == []


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        (consent(CLAIRE, "claire.martin.orange.fr"), "notice_address"),
        (consent("P-9-9", CLAIRE_ADDRESS), "participant_not_in_household"),
        (consent(CLAIRE, CLAIRE_ADDRESS, household_id="H-9"), "household_unknown"),
        (withdraw("P-9-9"), "participant_not_in_household"),
    ],
)
def test_the_centre_checks_what_a_kiosk_sends_again(centre, kiosk, operation, code):
    answer = kiosk.push_one(operation)
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == code
    assert answer["reason"]["fr"] and answer["reason"]["en"]
    assert centre.query("SELECT * FROM notice_consents") == []


def test_a_household_of_another_site_is_refused(centre, kiosk):
    elsewhere = centre.enroll(site="SLVIE-MARSEILLE")
    answer = elsewhere.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "household_other_site"


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_notices_go_encrypted_and_logged_in_and_wait_when_the_server_cannot_be_trusted(
    centre, kiosk, tmp_path, clock, security
):
    from tests.server.smtp import SmtpServer
    from tests.sync.test_tls import Authority

    authority = Authority(tmp_path)
    server = SmtpServer(authority.issue("smtp", ips=["127.0.0.1"]), implicit_tls=security == "tls")
    server.start()
    try:
        kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
        ready_request(kiosk)
        settings = MailSettings(
            host="127.0.0.1",
            port=server.port,
            security=security,
            sender="avis@slvie.example",
            username="notices",
            password="wrong",
            ca_file=str(authority.bundle),
        )
        db = Database(centre.db_path)
        assert send_due(db, settings, clock).waiting == 1  # refused login: the notice waits
        [notice] = centre.query("SELECT state, last_error FROM notices")
        assert notice["state"] == "waiting" and notice["last_error"].startswith("535")
        clock.ahead += timedelta(minutes=2)
        untrusted = dataclasses.replace(settings, password="s3cret-pass", ca_file="")  # the system's CAs only
        assert send_due(db, untrusted, clock).waiting == 1
        assert "CERTIFICATE_VERIFY_FAILED" in centre.query("SELECT last_error FROM notices")[0]["last_error"]
        clock.ahead += timedelta(minutes=5)
        assert send_due(db, dataclasses.replace(settings, password="s3cret-pass"), clock).sent == 1
        db.close()
        [message] = server.mailbox.to(CLAIRE_ADDRESS)
        assert message["Subject"] == "Votre pressing est prêt."
        assert server.mailbox.sessions == [(True, "notices")]
    finally:
        server.stop()


def test_send_notices_reads_the_smtp_settings_and_the_password_file_from_the_command_line(centre, kiosk, tmp_path):
    from tests.server.smtp import SmtpServer
    from tests.sync.test_tls import Authority

    authority = Authority(tmp_path)
    server = SmtpServer(authority.issue("smtp", ips=["127.0.0.1"]))
    server.start()
    try:
        kiosk.push_one(consent(JULIEN, JULIEN_ADDRESS, "en"))
        ready_request(kiosk, JULIEN)
        assert centre.cli("send-notices")[0] == 2  # no SMTP server named: said, nothing sent
        in_clear = ("--smtp-host", "smtp.example.org", "--smtp-security", "none", "--smtp-from", "avis@slvie.example")
        assert centre.cli(*in_clear, "send-notices")[0] == 2  # no password in clear over the network
        password = tmp_path / "smtp-password"
        password.write_text("s3cret-pass\n", encoding="utf-8")
        code, out, err = centre.cli(
            *("--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-from", "avis@slvie.example"),
            *("--smtp-user", "notices", "--smtp-password-file", str(password), "--smtp-ca-file", str(authority.bundle)),
            "send-notices",
        )
        assert code == 0, err
        assert "1 sent, 0 waiting, 0 refused" in out
        assert [m["Subject"] for m in server.mailbox.to(JULIEN_ADDRESS)] == ["Your dry cleaning is ready."]
        assert server.mailbox.sessions == [(True, "notices")]  # STARTTLS by default
    finally:
        server.stop()


def bounce_of(message, status: str = "5.1.1", action: str = "failed") -> bytes:
    """What a recipient's mail system sends back to the sender when it cannot deliver (RFC 3464)."""
    address = message["To"]
    return (
        "From: MAILER-DAEMON@mx.orange.fr\nTo: avis@slvie.example\nSubject: Undelivered Mail Returned to Sender\n"
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.orange.fr\n\n"
        f"Final-Recipient: rfc822; {address}\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{address}>: Recipient address rejected\n\n"
        f"--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: {message['Message-ID']}\nTo: {address}\n\n--B--\n"
    ).encode()


def test_a_bounce_piped_to_the_centre_is_recorded_without_the_address(centre, kiosk, smtp_server, sender, tmp_path):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    ready_request(kiosk)
    sender()
    [message] = smtp_server.mailbox.to(CLAIRE_ADDRESS)
    delayed = tmp_path / "delayed.eml"
    delayed.write_bytes(bounce_of(message, "4.4.1", "delayed"))
    returned = tmp_path / "bounce.eml"
    returned.write_bytes(bounce_of(message))

    code, out, _ = centre.cli("record-bounce", str(delayed))
    assert code == 0 and "ignored" in out
    assert centre.query("SELECT state FROM notices") == [{"state": "sent"}]  # a delay is not a failure
    code, out, _ = centre.cli("record-bounce", str(returned))

    assert code == 0 and "Bounce recorded" in out
    [notice] = centre.query("SELECT state, last_error FROM notices")
    assert notice["state"] == "bounced"
    assert notice["last_error"] == "5.1.1 smtp; 550 5.1.1 [address]: Recipient address rejected"
    assert sender().sent == 0  # never sent again


def test_a_notice_no_longer_true_when_its_turn_comes_is_not_sent(centre, kiosk, smtp_server, sender, clock):
    kiosk.push_one(consent(CLAIRE, CLAIRE_ADDRESS))
    booked = booking_op("SOON-1", [CLAIRE])
    kiosk.push_one(booked)
    request_id = ready_request(kiosk)
    smtp_server.stop()
    assert sender().waiting == 2
    cancelled = kiosk.push_one(cancel_op(booked["payload"]["booking_id"]))  # before the reminder could leave
    assert state_of(cancelled) == "cancelled"
    assert kiosk.push_one(move(request_id, "handed_over", from_state="ready"))["outcome"] == "applied"
    smtp_server.start()
    clock.ahead += timedelta(minutes=2)

    assert sender().sent == 0 and smtp_server.mailbox.received == []
    assert [r["state"] for r in centre.query("SELECT state FROM notices")] == ["expired", "expired"]
