"""Ideas and votes between kiosks and the real reference centre on loopback ("le par et le pour")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kiosk.domain.consultations import BallotError
from kiosk.domain.ideas import IdeaError
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.store.outbox import counts
from tests.factories import CLAIRE_CARD, KARIM_CARD, NOW, staff_document


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
    assert len(news) == 1 and "déjà voté" in news[0].message_fr
    assert lobby.services.consultations.take_news(claire_at_lobby) == []  # told once
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
    tables = [row["name"] for row in centre.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in centre.query(f"SELECT * FROM {table}"):
            values = " ".join(str(v) for v in row.values())
            names_someone = any(p in values.replace('"', " ").split() or p in row.values() for p in ("P1", "P4"))
            names_a_choice = any(c in values for c in ("tramway", "velos", "autocar"))
            assert not (names_someone and names_a_choice), (table, row)
    for row in centre.query("SELECT payload FROM operations WHERE kind = 'vote.cast'"):
        assert "choice" not in json.loads(row["payload"])
    # Nor does the kiosk: its record of who took part has no choice, its outbox is empty.
    assert "choice" not in {c[1] for c in desk.services.db.execute("PRAGMA table_info(ballots)").fetchall()}
    assert receipt.code and len(receipt.code) == 9


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
    with pytest.raises(IdeaError):
        desk.services.ideas.leave(BENEFICIARY, "concierge", "Court")
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
    desk.sync()
    news = desk.services.ideas.take_news(claire)
    assert [n.idea.idea_id for n in news] == [signed.idea_id] and "CMCAS Lyon" in news[0].message_fr
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
