"""Appreciation of an activity between a kiosk and the real reference centre on loopback: given offline after
the activity, once per booking, moderated at the centre, the outcome told to the author, the published
appreciation shown with the offer, the organisers' CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from kiosk.domain.appreciation import AppreciationError, Moderation
from kiosk.domain.booking import BookingState
from kiosk.services.actor import BENEFICIARY
from tests.factories import CLAIRE_CARD, KARIM_CARD, NOW

pytestmark = pytest.mark.both_databases  # the centre's appreciations, moderation, on SQLite and PostgreSQL


RATINGS = {"overall": 5, "organisation": 4, "place": 3, "value": 4}


def test_an_appreciation_is_given_moderated_and_its_outcome_seen_at_the_kiosk(centre, make_kiosk, clock):
    kiosk = make_kiosk()
    kiosk.sync()
    services = kiosk.services
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    karim = services.identity.identify(BENEFICIARY, KARIM_CARD, "1234")
    hers = services.bookings.book(BENEFICIARY, claire, "T1", "T1-S1", ["P1"])
    his = services.bookings.book(BENEFICIARY, karim, "T1", "T1-S1", ["P4"])
    kiosk.sync()
    assert services.bookings.booking(hers.booking_id).state is BookingState.CONFIRMED
    assert services.appreciations.to_appreciate(claire) == []  # not over yet
    with pytest.raises(AppreciationError):
        services.appreciations.give(BENEFICIARY, hers.booking_id, claire, RATINGS, [], "")

    # Six days later the play is over; the kiosk is offline when they give their appreciation.
    clock.now = NOW + timedelta(days=6)
    (item,) = services.appreciations.to_appreciate(claire)
    assert item.booking.booking_id == hers.booking_id and item.title == "Théâtre : Le Malade imaginaire"
    news = services.appreciations.take_news(claire)
    assert any("Donnez votre avis" in n.message.message("fr") for n in news)
    with pytest.raises(AppreciationError, match="The place"):
        services.appreciations.give(BENEFICIARY, hers.booking_id, claire, {**RATINGS, "place": 0}, [], "")
    with pytest.raises(AppreciationError, match="< or >"):
        services.appreciations.give(BENEFICIARY, hers.booking_id, claire, RATINGS, [], "<b>super</b>")
    given = services.appreciations.give(
        BENEFICIARY, hers.booking_id, claire, RATINGS, [0, 2], "Les comédiens étaient drôles"
    )
    assert given.comment == "Très bonne ambiance. À refaire ! Les comédiens étaient drôles"
    with pytest.raises(AppreciationError, match="already given"):
        services.appreciations.give(BENEFICIARY, hers.booking_id, claire, RATINGS, [], "")  # once per booking
    services.appreciations.give(
        BENEFICIARY,
        his.booking_id,
        karim,
        {"overall": 3, "organisation": 2, "place": 5, "value": 2},
        [],
        "Salle un peu froide",
    )

    centre.now = NOW + timedelta(days=6)
    centre.restart()
    report = kiosk.sync()
    assert report.parked == 0
    rows = {r["person_id"]: r for r in centre.query("SELECT * FROM appreciations")}
    assert rows["P1"]["moderation"] == "pending" and rows["P1"]["author"] == "Claire M."
    code, _, err = centre.cli(
        "moderate",
        rows["P1"]["id"],
        "refuse",
        "--reason-fr",
        "Le commentaire cite une personne.",
        "--reason-en",
        "The comment names a person.",
    )
    assert code == 0, err
    code, _, err = centre.cli("moderate", rows["P4"]["id"], "publish")
    assert code == 0, err
    kiosk.sync()

    told = services.appreciations.take_news(services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234"))
    assert any("n'est pas publié : Le commentaire cite une personne." in n.message.message("fr") for n in told)
    assert not any("n'est pas publié" in n.message.message("fr") for n in services.appreciations.take_news(claire))
    published = services.appreciations.for_offer("T1")
    assert published.count == 2
    assert dict(published.averages) == {"overall": 40, "organisation": 30, "place": 40, "value": 30}
    assert [(c.author, c.comment) for c in published.comments] == [("Karim B.", "Salle un peu froide")]

    code, out, _ = centre.cli("appreciation-results", "--offer", "T1")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert (row["session_id"], row["count"], row["average_overall"]) == ("T1-S1", "2", "4.0")
    assert (row["comments_published"], row["comments_refused"]) == ("1", "1")
    assert {a.moderation for a in [given]} == {Moderation.PENDING}


def test_the_centre_refuses_an_appreciation_of_someone_who_did_not_take_part(centre, make_kiosk, clock):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = kiosk.services.bookings.book(BENEFICIARY, claire, "T1", "T1-S1", ["P2"])  # Julien goes, not Claire
    kiosk.sync()
    clock.now = NOW + timedelta(days=6)
    assert kiosk.services.appreciations.to_appreciate(claire) == []
    enrolled = centre.enroll(name="hostile")
    answer = enrolled.push_one(
        {
            "op_id": "0b5a3c1e-7f43-4a7e-9a11-2c1f0f4c0a01",
            "kind": "appreciation.create",
            "created_at": (NOW + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%S"),
            "payload": {
                "appreciation_id": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                "booking_id": booking.booking_id,
                "person_id": "P1",
                "ratings": RATINGS,
                "comment": "",
            },
        }
    )
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "appreciation_not_allowed"


def test_a_kiosk_of_another_site_cannot_give_an_appreciation_for_this_sites_booking(centre, make_kiosk, clock):
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = kiosk.services.bookings.book(BENEFICIARY, claire, "T1", "T1-S1", ["P1"])
    kiosk.sync()
    clock.now = NOW + timedelta(days=6)
    elsewhere = centre.enroll(site="SLVIE-MARSEILLE", name="Borne de Marseille")
    answer = elsewhere.push_one(
        {
            "op_id": "5d0f7a2e-1c3b-4e8a-9f6d-2b4c6e8a0c12",
            "kind": "appreciation.create",
            "created_at": (NOW + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%S"),
            "payload": {
                "appreciation_id": "8e2f3a4b-5c6d-4e7f-9a0b-1c2d3e4f5a6b",
                "booking_id": booking.booking_id,
                "person_id": "P1",
                "ratings": {"overall": 1, "organisation": 1, "place": 1, "value": 1},
                "comment": "",
            },
        }
    )
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "appreciation_other_site"
    assert "autre point SLVie" in answer["reason"]["fr"] and "another SLVie point" in answer["reason"]["en"]
    assert centre.query("SELECT count(*) AS n FROM appreciations")[0]["n"] == 0
    # Claire herself gives hers at her site's kiosk: taken, not refused as given already.
    kiosk.services.appreciations.give(BENEFICIARY, booking.booking_id, claire, RATINGS, [], "")
    centre.now = NOW + timedelta(days=6)
    centre.restart()
    assert kiosk.sync().parked == 0
    assert [r["person_id"] for r in centre.query("SELECT person_id FROM appreciations")] == ["P1"]


@pytest.mark.both_databases  # the centre's query of a site's appreciations joins their bookings
def test_an_appreciation_given_twice_offline_is_told_and_its_moderation_reaches_every_kiosk_of_the_site(
    centre, make_kiosk, clock
):
    first, second = make_kiosk("k1"), make_kiosk("k2")
    first.sync()
    claire = first.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = first.services.bookings.book(BENEFICIARY, claire, "T1", "T1-S1", ["P1"])
    first.sync()
    second.sync()
    clock.now = centre.now = NOW + timedelta(days=6)
    centre.restart()

    # Both kiosks are offline; Claire gives her appreciation at one, and again at the other.
    at_first = first.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    at_second = second.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    first.services.appreciations.give(BENEFICIARY, booking.booking_id, at_first, RATINGS, [], "Très bien reçus")
    second.services.appreciations.give(BENEFICIARY, booking.booking_id, at_second, RATINGS, [1], "")
    assert first.sync().parked == 0
    assert second.sync().parked == 1  # the centre had hers already: the second is not taken…

    # …and she is told so at her next identification there, once, with the centre's reason.
    told = [n.message.message("fr") for n in second.services.appreciations.take_news(at_second)]
    assert (
        "Votre avis sur « Théâtre : Le Malade imaginaire » n'a pas été pris en compte : "
        "Un avis a déjà été donné pour cette réservation." in told
    )
    assert not any(
        "pris en compte" in n.message.message("fr") for n in second.services.appreciations.take_news(at_second)
    )

    # The comment given at the first kiosk is refused at the centre: she learns it at the second one too.
    (row,) = centre.query("SELECT id FROM appreciations")
    code, _, err = centre.cli(
        "moderate", row["id"], "refuse", "--reason-fr", "Hors sujet.", "--reason-en", "Off topic."
    )
    assert code == 0, err
    second.sync()
    told = [n.message.message("fr") for n in second.services.appreciations.take_news(at_second)]
    assert any("n'est pas publié : Hors sujet." in message for message in told)
    assert second.services.appreciations.to_appreciate(at_second) == []  # given: never offered again


def test_a_past_activity_is_brought_up_once_and_then_waits_in_the_list(centre, make_kiosk, clock):
    kiosk = make_kiosk()
    kiosk.sync()
    services = kiosk.services
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = services.bookings.book(BENEFICIARY, claire, "T1", "T1-S1", ["P1"])
    kiosk.sync()
    clock.now = NOW + timedelta(days=6)
    asked = [n.message.message("fr") for n in services.appreciations.take_news(claire)]
    assert asked == ["Comment s'est passé « Théâtre : Le Malade imaginaire » ? Donnez votre avis dans « Participer »."]
    clock.now = NOW + timedelta(days=7)  # she closed the banner ("plus tard"), and comes back the next day
    assert services.appreciations.take_news(claire) == []  # not asked again…
    (waiting,) = services.appreciations.to_appreciate(claire)  # …but it waits in « Donner mon avis »
    assert waiting.booking.booking_id == booking.booking_id


def test_a_kiosk_not_updated_yet_is_sent_an_appreciation_as_it_knows_it(centre, make_kiosk, clock):
    """A centre updated before its kiosks wedges none: a kiosk validates pages strictly (a field it does not
    know refuses the page), so one of protocol 2 is sent the appreciation's id and moderation only."""
    kiosk = make_kiosk()
    kiosk.sync()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    booking = kiosk.services.bookings.book(BENEFICIARY, claire, "T1", "T1-S1", ["P1"])
    kiosk.sync()
    clock.now = centre.now = NOW + timedelta(days=6)
    centre.restart()
    claire = kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    kiosk.services.appreciations.give(BENEFICIARY, booking.booking_id, claire, RATINGS, [], "Très bien reçus")
    assert kiosk.sync().parked == 0
    (row,) = centre.query("SELECT id FROM appreciations")

    other = centre.enroll(name="Borne du hall")
    earlier = other.pull_all(protocol=2)[0][("appreciation", row["id"])]
    assert earlier == {"appreciation_id": row["id"], "state": "pending", "reason": None}
    now = other.pull_all(protocol=3)[0][("appreciation", row["id"])]
    assert now["booking_id"] == booking.booking_id and now["person_id"] == "P1" and now["state"] == "pending"
