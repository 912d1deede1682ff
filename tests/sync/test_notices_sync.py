"""E-mail notices from the kiosk to the person's mailbox: consent given at the kiosk (offline first), synced
to the real reference centre on loopback, which sends "votre pressing est prêt" through a real SMTP server
(aiosmtpd) with its own sender; consent taken back at the kiosk, and the address gone from both databases."""

from __future__ import annotations

import time

import pytest

from kiosk.domain.concierge import RequestState
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.store.outbox import counts, parked_operations
from sync.client import TransientError
from sync.server.db import Database
from tests.factories import CLAIRE_CARD, LINA_BADGE, LINA_PIN, NOW, households_document, sample_catalog, staff_document
from tests.server.central import CentralServer
from tests.server.conftest import smtp_server  # noqa: F401 (a fixture)
from tests.sync.test_concierge_sync import pressing

pytestmark = pytest.mark.both_databases  # the centre's consents and notices, on SQLite and PostgreSQL


ADDRESS = "claire.martin@orange.fr"


@pytest.fixture
def centre(tmp_path, central_database, smtp_server):
    """The reference centre serving the API and sending the notices through the loopback SMTP server."""
    options = ("--smtp-host", "127.0.0.1", "--smtp-port", str(smtp_server.port), "--smtp-security", "none")
    options += ("--smtp-from", "avis@slvie.example", "--notices-every", "0.2")
    server = CentralServer(central_database, now=NOW, options=options, log_path=tmp_path / "central.log")
    server.start()
    server.load_catalog(sample_catalog())
    server.load_households(households_document()["households"])
    server.load_staff(staff_document())
    yield server
    server.stop()


def received(smtp_server, seconds: float = 30.0) -> list:
    deadline = time.monotonic() + seconds
    while not smtp_server.mailbox.received and time.monotonic() < deadline:
        time.sleep(0.1)
    return smtp_server.mailbox.received


def stored(db) -> str:
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
    return "\n".join(repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"').fetchall())


def everything_at_the_centre(centre) -> str:
    tables = centre.tables()
    return "\n".join(repr(row) for table in tables for row in centre.query(f'SELECT * FROM "{table}"'))


def test_a_consent_given_offline_reaches_the_centre_which_says_the_pressing_is_ready(
    centre,
    make_kiosk,
    proxy,
    smtp_server,
):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    proxy.inject("drop_request")  # offline: the consent waits in the outbox
    kiosk.services.notices.consent(BENEFICIARY, claire, ADDRESS, "fr")
    with pytest.raises(TransientError):
        kiosk.sync()
    assert centre.query("SELECT * FROM notice_consents") == []
    assert "orange.fr" not in stored(kiosk.services.db)  # in its operation, sealed, and masked (sealed) otherwise

    request = kiosk.services.concierge.submit(BENEFICIARY, claire, "pressing", pressing(kiosk))
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    for target in (RequestState.TAKEN, RequestState.AT_PROVIDER, RequestState.READY):
        kiosk.services.concierge.move(Actor(lina), request.request_id, target)
    kiosk.sync()

    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert "orange.fr" not in stored(kiosk.services.db)  # the centre has it: the kiosk keeps it masked, sealed
    assert kiosk.services.notices.consent_of(claire).masked_address == "c•••@orange.fr"
    [message] = received(smtp_server)
    assert message["To"] == ADDRESS and message["Subject"] == "Votre pressing est prêt."
    deadline = time.monotonic() + 10  # recorded just after the server's yes
    while centre.query("SELECT state FROM notices") != [{"state": "sent"}] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert centre.query("SELECT state FROM notices") == [{"state": "sent"}]
    centre.restart()  # killed and started again: its sender does not send it twice
    time.sleep(2)  # ten passes of the restarted sender
    assert len(smtp_server.mailbox.received) == 1


def test_taking_consent_back_at_the_kiosk_deletes_the_address_at_the_centre(centre, make_kiosk):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    kiosk.services.notices.consent(BENEFICIARY, claire, ADDRESS, "en")
    kiosk.sync()
    assert centre.query("SELECT address, language FROM notice_consents") == [{"address": ADDRESS, "language": "en"}]

    kiosk.services.notices.withdraw(BENEFICIARY, claire)
    kiosk.sync()

    assert centre.query("SELECT * FROM notice_consents") == []
    assert ADDRESS not in everything_at_the_centre(centre)
    assert "orange.fr" not in stored(kiosk.services.db)
    assert kiosk.services.notices.consent_of(claire) is None


def test_a_consent_the_centre_refuses_is_parked_with_its_reason_and_no_longer_shown(centre, make_kiosk):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    gone = Database(centre.db_path, pooled=False)  # the household's people gone at the centre
    with gone.write() as conn:
        conn.execute("DELETE FROM persons WHERE household_id = ?", (claire.household.household_id,))
    gone.close()
    kiosk.services.notices.consent(BENEFICIARY, claire, ADDRESS, "fr")

    kiosk.sync()

    [parked] = parked_operations(kiosk.services.db)
    assert parked["kind"] == "notice.consent" and parked["reason"]["fr"]
    assert parked["payload"]["address"] == "c•••@orange.fr"
    assert kiosk.services.notices.consent_of(claire) is None
    assert ADDRESS not in stored(kiosk.services.db)
