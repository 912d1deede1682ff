"""Ideas and votes between kiosks and the real reference centre on loopback ("le par et le pour")."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from datetime import timedelta

import pytest

import sync.client
from kiosk.domain.consultations import BallotError
from kiosk.domain.ideas import IdeaError
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.store.database import transaction
from kiosk.store.migrations import MIGRATION_22_PULL_PROTOCOL_3
from kiosk.store.outbox import counts
from tests.factories import CLAIRE_CARD, KARIM_CARD, NOW, households_document, staff_document

pytestmark = pytest.mark.both_databases  # the centre's urn, ideas, guided votes, on SQLite and PostgreSQL


def consultation_document(closes_in_hours: int = 2, grace_hours: int = 24) -> dict:
    return {
        "consultation_id": "C-MOBILITE",
        "question_fr": "Quelle navette pour venir au site ?",
        "question_en": "Which shuttle to come to the site?",
        "kind": "choice",
        "choices": [
            {"code": "tramway", "fr": "Le tramway", "en": "The tram"},
            {"code": "velos", "fr": "Des vélos", "en": "Bicycles"},
            {"code": "autocar", "fr": "Un autocar", "en": "A coach"},
        ],
        "electorate": "ouvrants_droit",
        "scope_level": "cmcas",
        "scope_name": "CMCAS Lyon",
        "opens_at": (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (NOW + timedelta(hours=closes_in_hours)).strftime("%Y-%m-%dT%H:%M"),
        "grace_hours": grace_hours,
    }


@pytest.fixture
def consultation(centre, tmp_path):
    path = tmp_path / "consultation.json"
    path.write_text(json.dumps(consultation_document()), encoding="utf-8")
    code, _, err = centre.cli("--now", NOW.strftime("%Y-%m-%dT%H:%M"), "publish-consultation", str(path))
    assert code == 0, err
    return "C-MOBILITE"


def move_centre_clock(centre, when) -> None:
    centre.now = when
    centre.restart()


def assert_no_row_links_a_person_to_a_choice(tables: dict[str, list[dict]]) -> None:
    for table, rows in tables.items():
        for row in rows:
            values = " ".join(str(v) for v in row.values())
            names_someone = any(p in values.replace('"', " ").split() or p in row.values() for p in ("P1", "P4"))
            names_a_choice = any(c in values for c in ("tramway", "velos", "autocar"))
            assert not (names_someone and names_a_choice), (table, row)


def ballot_op(household_id: str, person_id: str, choice: str) -> dict:
    return {
        "op_id": str(uuid.uuid4()),
        "kind": "vote.cast",
        "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": {
            "ballot_id": str(uuid.uuid4()),
            "consultation_id": "C-MOBILITE",
            "household_id": household_id,
            "person_id": person_id,
            "choice": [choice],
        },
    }


def test_one_person_one_vote_across_kiosks_counted_after_closing_and_secret(centre, make_kiosk, clock, consultation):
    desk, lobby = make_kiosk("desk"), make_kiosk("lobby")
    desk.sync()
    lobby.sync()
    claire_at_desk = desk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    assert [c.consultation_id for c in desk.services.consultations.open_for(claire_at_desk)] == [consultation]
    receipt = desk.services.consultations.vote(BENEFICIARY, consultation, claire_at_desk, ["tramway"], "1234")
    assert desk.services.consultations.open_for(claire_at_desk) == []  # answered here: no longer offered
    desk.sync()
    assert counts(desk.services.db) == {"pending": 0, "parked": 0}

    # The lobby kiosk is cut off while Karim votes, and Claire tries a second time there.
    karim = lobby.services.identity.identify(BENEFICIARY, KARIM_CARD, "1234")
    lobby.services.consultations.vote(BENEFICIARY, consultation, karim, ["velos"], "1234")
    claire_at_lobby = lobby.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    lobby.services.consultations.vote(BENEFICIARY, consultation, claire_at_lobby, ["autocar"], "1234")
    # It comes back after closing time, within the grace period: ballots cast before closing count.
    move_centre_clock(centre, NOW + timedelta(hours=5))
    report = lobby.sync()
    assert report.parked == 0
    news = lobby.services.consultations.take_news(lobby.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234"))
    assert len(news) == 1 and "déjà voté" in news[0].message.message("fr")
    assert lobby.services.consultations.take_news(claire_at_lobby) == []  # told once
    # Back at the desk, she is told there too: a refusal reaches every kiosk of the site, never with a choice.
    desk.sync()
    told = desk.services.consultations.take_news(claire_at_desk)
    assert len(told) == 1 and "déjà voté" in told[0].message.message("fr")
    assert desk.services.consultations.take_news(claire_at_desk) == []
    assert centre.query("SELECT * FROM vote_refusals")[0].keys() == {
        "ballot_id",
        "consultation_id",
        "site_id",
        "person_id",
        "reason",
    }
    # Refused (she had voted at the desk), the consultation is not offered to her again here.
    assert lobby.services.consultations.open_for(claire_at_lobby) == []
    with pytest.raises(BallotError, match="already"):
        lobby.services.consultations.vote(BENEFICIARY, consultation, claire_at_lobby, ["velos"], "1234")
    # Counts stay secret until counting has ended.
    assert lobby.services.consultations.with_results() == []
    code, out, _ = centre.cli("--now", (NOW + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"), "results", consultation)
    assert code == 0 and "participants_so_far: 2" in out and "tramway" not in out

    move_centre_clock(centre, NOW + timedelta(hours=27))
    desk.sync()
    (closed,) = desk.services.consultations.with_results()
    assert dict(closed.results.votes) == {"tramway": 1, "velos": 1, "autocar": 0}
    assert (closed.results.participants, closed.results.electorate) == (2, 2)  # Claire and Karim hold the rights
    assert closed.results.participation_percent == 100
    # Once the results are out, the kiosk forgets who took part there.
    assert desk.services.db.execute("SELECT count(*) FROM ballots").fetchone()[0] == 0

    # No table at the centre holds a person beside a choice; the operation log keeps no choice.
    tables = centre.tables()
    assert_no_row_links_a_person_to_a_choice({table: centre.query(f"SELECT * FROM {table}") for table in tables})
    for row in centre.query("SELECT payload FROM operations WHERE kind = 'vote.cast'"):
        assert "choice" not in json.loads(row["payload"])
    # Nor does the kiosk: its record of who took part has no choice, its outbox is empty.
    assert "choice" not in {c[1] for c in desk.services.db.execute("PRAGMA table_info(ballots)").fetchall()}
    assert receipt.code and len(receipt.code) == 9


@pytest.mark.sqlite_only  # the centre's file and its WAL (PostgreSQL's WAL: docs/sync-protocol.md)
def test_a_copy_of_the_centres_files_taken_after_several_ballots_links_no_one_to_a_choice(
    centre, make_kiosk, consultation, tmp_path
):
    voters = [
        {
            "household_id": f"H-V{n}",
            "tier": 3,
            "cmcas": "CMCAS Lyon",
            "slvie": "SLVie Lyon Part-Dieu",
            "members": [
                {
                    "person_id": f"P-V{n}",
                    "first_name": "Voter",
                    "last_name": f"Number {n}",
                    "birth_date": "1980-01-01",
                    "role": "ouvrant_droit",
                    "card_number": None,
                    "pin_hash": None,
                }
            ],
        }
        for n in range(10)
    ]
    centre.load_households(households_document()["households"] + voters)
    desk, lobby = make_kiosk("desk"), make_kiosk("lobby")
    desk.sync()
    lobby.sync()
    claire = desk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    desk.services.consultations.vote(BENEFICIARY, consultation, claire, ["tramway"], "1234")
    desk.sync()  # one push, one commit per ballot: the worst case for a replay of the WAL
    karim = lobby.services.identity.identify(BENEFICIARY, KARIM_CARD, "1234")
    lobby.services.consultations.vote(BENEFICIARY, consultation, karim, ["velos"], "1234")
    lobby.sync()
    other = centre.enroll(name="Borne du hall")
    codes = ["tramway", "velos", "autocar"]
    for n in range(10):
        answer = other.push_one(ballot_op(f"H-V{n}", f"P-V{n}", codes[n % 3]))
        assert answer["ballot"]["state"] == "counted"
    assert centre.query("SELECT count(*) AS n FROM vote_participations")[0]["n"] == 12

    # A copy of the running centre's files, as a backup or a thief would take them.
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(f"{centre.db_path}{suffix}", copy / f"central.sqlite3{suffix}")
    assert (copy / "central.sqlite3-wal").stat().st_size == 0  # no commit-by-commit history to replay
    raw = (copy / "central.sqlite3").read_bytes()
    conn = sqlite3.connect(copy / "central.sqlite3")
    conn.row_factory = sqlite3.Row
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert_no_row_links_a_person_to_a_choice({t: [dict(r) for r in conn.execute(f"SELECT * FROM {t}")] for t in tables})
    # No running count anywhere: each choice lies in the urn under a random key, with no time and no order.
    columns = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    assert not [t for t, names in columns.items() if {"votes", "points"} & set(names)]
    assert columns["vote_urn"] == ["consultation_id", "ballot_key", "choice"]
    keys = [r[0] for r in conn.execute("SELECT ballot_key FROM vote_urn")]
    conn.close()
    assert len(keys) == 12
    # Nor in the file's bytes: each ballot is there once, placed in the order of its random key,
    # not in the order the ballots came in (which the operation log's times would match with people).
    assert all(raw.count(key.encode()) == 1 for key in keys)
    by_place = sorted(keys, key=lambda key: raw.index(key.encode()))
    assert by_place in (sorted(keys), sorted(keys, reverse=True))

    # Nothing gives the counts before closing: not the results command, not what the kiosks pull.
    code, out, _ = centre.cli("--now", (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "results", consultation)
    assert code == 0 and "participants_so_far: 12" in out and "tramway" not in out and "velos" not in out
    assert desk.services.consultations.with_results() == []
    changes, _ = other.pull_all()
    assert changes[("consultation", consultation)]["results"] is None
    move_centre_clock(centre, NOW + timedelta(hours=27))
    desk.sync()
    (closed,) = desk.services.consultations.with_results()
    assert dict(closed.results.votes) == {"tramway": 5, "velos": 4, "autocar": 3}


def test_a_kiosk_of_another_site_cannot_vote_for_this_sites_household(centre, make_kiosk, consultation):
    elsewhere = centre.enroll(site="SLVIE-MARSEILLE", name="Borne de Marseille")
    answer = elsewhere.push_one(ballot_op("H1", "P1", "autocar"))
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "vote_other_site"
    assert "autre point SLVie" in answer["reason"]["fr"] and "another SLVie point" in answer["reason"]["en"]
    assert centre.query("SELECT count(*) AS n FROM vote_participations")[0]["n"] == 0
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    kiosk.services.consultations.vote(BENEFICIARY, consultation, claire, ["tramway"], "1234")
    kiosk.sync()  # the real Claire votes at her own site's kiosk, and is not told she already voted
    assert kiosk.services.consultations.take_news(claire) == []
    assert centre.query("SELECT count(*) AS n FROM vote_participations")[0]["n"] == 1


def test_a_ballot_is_refused_at_the_kiosk_before_anything_is_written(centre, make_kiosk, consultation):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    with pytest.raises(BallotError):
        kiosk.services.consultations.vote(BENEFICIARY, consultation, claire, ["metro"], "1234")
    with pytest.raises(Exception, match="Wrong code"):
        kiosk.services.consultations.vote(BENEFICIARY, consultation, claire, ["tramway"], "9999")
    julien = kiosk.services.identity.identify(BENEFICIARY, "1000000000025", "1234")
    with pytest.raises(BallotError, match="not open to you"):
        kiosk.services.consultations.vote(BENEFICIARY, consultation, julien, ["tramway"], "1234")
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}


def test_an_idea_is_answered_at_the_centre_and_found_by_its_code_or_on_identification(centre, make_kiosk):
    desk, lobby = make_kiosk("desk"), make_kiosk("lobby")
    desk.sync()
    claire = desk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    signed = desk.services.ideas.leave(BENEFICIARY, "concierge", "Un casier réfrigéré pour les courses du soir", claire)
    anonymous = desk.services.ideas.leave(BENEFICIARY, "site_life", "Des bancs à l'ombre près de l'entrée")
    with pytest.raises(IdeaError, match="at least 3 letters"):
        desk.services.ideas.leave(BENEFICIARY, "concierge", "Ok !")
    assert desk.services.ideas.leave(BENEFICIARY, "activities", "Piscine").text == "Piscine"  # one word is an idea
    desk.sync()
    code, out, err = centre.cli("ideas", "--unanswered")
    assert code == 0 and signed.code in out and anonymous.code in out
    code, _, err = centre.cli(
        "answer-idea", anonymous.code, "--text", "Deux bancs seront posés en mars.", "--by", "SLVie Lyon Part-Dieu"
    )
    assert code == 0, err
    centre.cli(
        "answer-idea", signed.idea_id, "--text", "Nous étudions un casier avec le prestataire.", "--by", "CMCAS Lyon"
    )
    lobby.sync()  # the other kiosk of the site finds the answer with the code alone
    found = lobby.services.ideas.find(anonymous.code.lower().replace("-", " "))
    assert found.answer == "Deux bancs seront posés en mars." and found.answered_by == "SLVie Lyon Part-Dieu"
    # Claire comes back to the other kiosk: the answer to her signed idea is told there.
    at_lobby = lobby.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    (told,) = lobby.services.ideas.take_news(at_lobby)
    assert told.idea.idea_id == signed.idea_id and "Nous étudions un casier" in told.message.message("fr")
    desk.sync()
    news = desk.services.ideas.take_news(claire)
    assert [n.idea.idea_id for n in news] == [signed.idea_id] and "CMCAS Lyon" in news[0].message.message("fr")
    assert desk.services.ideas.take_news(claire) == []
    with pytest.raises(IdeaError, match="not valid"):
        lobby.services.ideas.find("ABCD-EFGH")


def test_assisted_mode_records_a_guided_vote_without_its_choice(centre, make_kiosk, consultation):
    centre.load_staff(staff_document())
    kiosk = make_kiosk()
    kiosk.sync()
    lina = kiosk.services.staff.sign_in_with_badge("9000000000019", "2468")
    claire = kiosk.services.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    kiosk.services.consultations.vote(Actor(lina), consultation, claire, ["velos"], "1234")
    (entry,) = [e for e in kiosk.services.audit.entries() if e.action == "vote.guided"]
    assert entry.subject == "P1" and entry.target == consultation and "velos" not in json.dumps(entry.as_dict())
    kiosk.sync()
    assert centre.query("SELECT count(*) AS n FROM vote_participations")[0]["n"] == 1
    assert centre.query("SELECT count(*) AS n FROM audit_entries WHERE entry LIKE ?", "%vote.guided%")[0]["n"] == 1


def claire_votes_at_the_desk_then_again_at_the_lobby(make_kiosk, consultation):
    """Two kiosks of the site; Claire's ballot at the desk is sent, her second one at the lobby not yet."""
    desk, lobby = make_kiosk("desk"), make_kiosk("lobby")
    desk.sync()
    lobby.sync()
    claire_at_desk = desk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    desk.services.consultations.vote(BENEFICIARY, consultation, claire_at_desk, ["tramway"], "1234")
    desk.sync()
    claire_at_lobby = lobby.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    lobby.services.consultations.vote(BENEFICIARY, consultation, claire_at_lobby, ["autocar"], "1234")
    return desk, lobby, claire_at_desk


def migrate_to_pull_protocol_3(kiosk) -> None:
    """What the kiosk's migration 22 does when it is updated."""
    with transaction(kiosk.services.db):
        for statement in MIGRATION_22_PULL_PROTOCOL_3:
            kiosk.services.db.execute(statement)


def test_a_kiosk_updated_to_pull_protocol_3_learns_the_refusal_it_was_not_sent_before(
    centre, make_kiosk, consultation, monkeypatch
):
    monkeypatch.setattr(sync.client, "PROTOCOL", 2)  # the desk runs the previous release
    desk, lobby, claire_at_desk = claire_votes_at_the_desk_then_again_at_the_lobby(make_kiosk, consultation)
    assert lobby.sync().parked == 0
    desk.sync()
    assert desk.services.consultations.take_news(claire_at_desk) == []  # not sent to the previous release

    monkeypatch.setattr(sync.client, "PROTOCOL", 3)  # updated: its database migrates, then it syncs
    migrate_to_pull_protocol_3(desk)
    desk.sync()
    told = desk.services.consultations.take_news(claire_at_desk)
    assert len(told) == 1 and "déjà voté" in told[0].message.message("fr")


def test_a_refusal_is_not_told_again_once_the_results_are_out_even_pulled_from_the_start(
    centre, make_kiosk, consultation
):
    desk, lobby, claire_at_desk = claire_votes_at_the_desk_then_again_at_the_lobby(make_kiosk, consultation)
    lobby.sync()
    desk.sync()
    assert len(desk.services.consultations.take_news(claire_at_desk)) == 1  # told once, at the desk too
    move_centre_clock(centre, NOW + timedelta(hours=27))  # closed, grace over: the results are out
    desk.sync()
    assert desk.services.db.execute("SELECT count(*) FROM ballots").fetchone()[0] == 0  # who took part: forgotten

    migrate_to_pull_protocol_3(desk)  # pulled again from the start (an update, a restored centre)
    desk.sync()
    hall = make_kiosk("hall")  # and a kiosk enrolled after the results
    hall.sync()
    for kiosk in (desk, hall):
        assert kiosk.services.db.execute("SELECT count(*) FROM ballots").fetchone()[0] == 0
        claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
        assert kiosk.services.consultations.take_news(claire) == []


@pytest.mark.both_databases  # the refusals the centre keeps, read for a site's kiosks on each database
def test_a_refused_ballot_reaches_every_kiosk_of_the_site_without_its_choice(centre, consultation):
    desk, lobby = centre.enroll(name="Borne de l'accueil"), centre.enroll(name="Borne du hall")
    first, second = ballot_op("H1", "P1", "tramway"), ballot_op("H1", "P1", "autocar")
    assert desk.push_one(first)["ballot"]["state"] == "counted"
    refused = lobby.push_one(second)["ballot"]
    assert refused["state"] == "refused" and refused["reason"]["code"] == "already_voted"
    changes, _ = desk.pull_all(protocol=3)  # the desk, which did not cast it, learns it to tell Claire there
    told = changes[("ballot_refusal", second["payload"]["ballot_id"])]
    assert told == {
        "ballot_id": second["payload"]["ballot_id"],
        "consultation_id": consultation,
        "person_id": "P1",
        "reason": refused["reason"],
    }
    assert ("ballot_refusal", first["payload"]["ballot_id"]) not in changes  # a counted ballot is never sent
    # A kiosk not updated yet refuses a page with a kind of change it does not know: it is sent none.
    earlier, _ = desk.pull_all(protocol=2)
    assert ("consultation", consultation) in earlier and not [key for key in earlier if key[0] == "ballot_refusal"]
    elsewhere = centre.enroll(site="SLVIE-MARSEILLE", name="Borne de Marseille")
    assert not [key for key in elsewhere.pull_all(protocol=3)[0] if key[0] == "ballot_refusal"]  # nor to another site
