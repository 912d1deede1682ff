"""Personal data at rest: sealed with the machine's data key, so the database file alone gives nothing away."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.data_key import CREDENTIAL_NAME, KEY_FILE_NAME, KeySource, load_data_key
from kiosk.domain.household import parse_households
from kiosk.store import connection, lockout
from kiosk.store import households as household_store
from kiosk.store import staff as staff_store
from kiosk.store.database import DATABASE_FILE, open_database
from kiosk.store.lockout import CARDS
from kiosk.store.migrations import MIGRATIONS
from kiosk.store.sealing import can_unseal
from tests.factories import CLAIRE_CARD, LINA_BADGE, households_document, staff_document


@pytest.fixture
def db(tmp_path):
    opened = open_database(tmp_path / DATABASE_FILE)
    household_store.replace_households(opened, parse_households(households_document()))
    from kiosk.domain.staff import parse_staff

    staff_store.replace_staff(opened, parse_staff(staff_document()))
    yield opened
    opened.close()


def file_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith(DATABASE_FILE))


def test_names_birth_dates_cards_and_pin_hashes_never_reach_the_disk_in_clear(db, tmp_path):
    on_disk = file_bytes(tmp_path)
    for secret in ("Claire", "Martin", "Benali", "1978-04-02", CLAIRE_CARD, LINA_BADGE, "$argon2id$"):
        assert secret.encode() not in on_disk, secret
    _, person = household_store.find_card_holder(db, CLAIRE_CARD)  # the kiosk itself reads them
    assert (person.first_name, person.card_number, str(person.birth_date)) == ("Claire", CLAIRE_CARD, "1978-04-02")
    assert person.pin_hash.startswith("$argon2id$") and staff_store.find_by_badge(db, LINA_BADGE).staff_id == "S1"


def test_the_database_file_without_its_machines_key_is_of_no_use(db, tmp_path):
    db.close()
    thief = sqlite3.connect(tmp_path / DATABASE_FILE)  # what someone with the file alone sees
    first, card = thief.execute("SELECT first_name, card_number FROM persons WHERE person_id = 'P1'").fetchone()
    assert first.startswith("s1:") and card != CLAIRE_CARD and len(card) == 40
    thief.close()
    elsewhere = tmp_path / "another-machine"
    elsewhere.mkdir()
    (tmp_path / DATABASE_FILE).rename(elsewhere / DATABASE_FILE)
    moved = open_database(elsewhere / DATABASE_FILE)  # another machine makes its own key
    try:
        assert not can_unseal(moved.conn)
        assert household_store.find_card_holder(moved, CLAIRE_CARD) is None  # the index does not match either
        with pytest.raises(connection.OperationalError):
            household_store.load_household(moved, "H1")
    finally:
        moved.close()


def test_a_value_moved_to_another_persons_row_does_not_open(db):
    db.execute(
        "UPDATE persons SET last_name = (SELECT last_name FROM persons WHERE person_id = 'P4') WHERE person_id = 'P1'"
    )
    with pytest.raises(connection.OperationalError):
        household_store.load_household(db, "H1")


def test_a_database_of_the_previous_schema_is_sealed_by_its_migration(tmp_path):
    path = tmp_path / DATABASE_FILE
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:13]:
        for statement in script:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 13")
    conn.execute("INSERT INTO households VALUES ('H1', 3, 'CMCAS', 'SLVie')")
    conn.execute(
        "INSERT INTO persons VALUES ('P1', 'H1', 0, 'Claire', 'Martin', '1978-04-02', 'ouvrant_droit', "
        f"'{CLAIRE_CARD}', '$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaA')"
    )
    conn.execute(f"INSERT INTO pin_failures VALUES ('{CLAIRE_CARD}', 2, NULL)")
    conn.close()
    db = open_database(path)
    try:
        raw = db.execute("SELECT first_name, card_number, card_sealed FROM persons").fetchone()
        assert raw[0].startswith("s1:") and raw[1] != CLAIRE_CARD and raw[2].startswith("s1:")
        assert household_store.load_household(db, "H1").members[0].last_name == "Martin"
        assert lockout.read_failures(db, CARDS, CLAIRE_CARD).failures == 2
    finally:
        db.close()


def test_the_key_comes_from_the_machine_when_systemd_gives_it(tmp_path, monkeypatch):
    assert load_data_key(tmp_path).source is KeySource.FILE and (tmp_path / KEY_FILE_NAME).stat().st_mode & 0o077 == 0
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / CREDENTIAL_NAME).write_bytes(b"k" * 32)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    key = load_data_key(tmp_path / "data")
    assert key.source is KeySource.MACHINE and key.secret == b"k" * 32
    assert not (tmp_path / "data" / KEY_FILE_NAME).exists()


def test_doctor_says_whether_the_key_is_bound_to_the_machine_and_opens_the_data(db, tmp_path, monkeypatch):
    from kiosk.doctor import run_checks

    def personal_data():
        checks = run_checks(None, tmp_path, client_factory=lambda *a: None).checks
        return next(c for c in checks if c.id == "personal_data")

    assert personal_data().status == "warning" and "not bound to the machine" in personal_data().en
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / CREDENTIAL_NAME).write_bytes((tmp_path / KEY_FILE_NAME).read_bytes())
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    assert personal_data().status == "ok"
    (credentials / CREDENTIAL_NAME).write_bytes(b"x" * 32)  # another machine's key
    assert personal_data().status == "problem" and "does not open" in personal_data().en
