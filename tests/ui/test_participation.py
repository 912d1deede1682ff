"""« Participer » at the kiosk, walked as a person would: an idea left without a name and its answer found
with the code, a vote with one's own PIN and its receipt, a ranking ordered with the arrows, the news
of an answer or of a refused second ballot on identification, a past activity appreciated with faces,
and an offer showing what participants thought.

Buttons inside a page that scrolls are pressed with `click()` (see tests/ui/test_concierge_request.py).
The centre's side of the same journeys is tested against the real centre in tests/sync/test_participation_sync.py;
here what a pull brings is written with the store function the sync engine uses.
"""

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.appreciation import OfferAppreciation, PublishedComment
from kiosk.domain.consultations import BallotState
from kiosk.domain.ideas import Idea
from kiosk.services.actor import BENEFICIARY
from kiosk.store import bookings as booking_store
from kiosk.store import participation as participation_store
from kiosk.store.database import transaction
from kiosk.store.outbox import counts, pending_operations
from tests.factories import CLAIRE_CARD, NOW
from tests.ui.conftest import tap
from tests.ui.test_booking_flow import button_named, identify


def test_an_idea_left_without_a_name_gets_a_code_and_its_answer_is_found_with_it(qtbot, window, services):
    tap(qtbot, window.screens["home"].tiles["participate"])
    assert window.current_screen() == "participate"
    window.screens["participate"].leave_idea.click()
    form = window.screens["idea"]
    assert window.current_screen() == "idea" and "sans nom" in form.signature.text()

    form.send.click()
    assert form.error.text() == "Choisissez un thème."
    button_named(form.themes, "Vie du site").click()
    qtbot.keyClicks(form.words.edit, "Pi !")
    form.send.click()
    assert form.error.text() == (
        "Votre idée est trop courte : écrivez au moins 3 lettres (un mot suffit, par exemple « Piscine »)."
    )
    assert counts(services.db)["pending"] == 0  # nothing written for a refused idea
    form.words.clear()
    qtbot.keyClicks(form.words.edit, "Piscine")  # one real word is an idea
    assert form.words.count.text() == "7 / 500 caractères"
    form.send.click()
    assert window.current_screen() == "idea_done"
    (operation,) = pending_operations(services.db)
    assert operation["kind"] == "idea.create" and operation["payload"]["person_id"] is None
    done = window.screens["idea_done"]
    idea = participation_store.load_idea(services.db, operation["payload"]["idea_id"])
    assert idea.code in done.code.text() and idea.text == "Piscine"
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)  # the receipt is printed at once
    assert done.status.text() == (  # no printer here: said plainly, of her receipt
        "Aucune imprimante n'est configurée sur cette borne. Le reçu est conservé : demandez à un correspondant de"
        " l'imprimer.\nVotre idée est bien envoyée, même sans reçu. Notez le code affiché ci-dessus."
    )

    # The SLVie answers at the centre; the next pull brings the answer.
    with transaction(services.db):
        participation_store.record_pulled_idea(
            services.db,
            Idea(
                **{
                    **idea.__dict__,
                    "answer": "Deux bancs seront posés en mars.",
                    "answered_by": "SLVie Lyon Part-Dieu",
                    "answered_at": datetime(2026, 11, 25, 9, 0),
                }
            ),
        )
    window.go_home()
    window.show_screen("participate")
    window.screens["participate"].find_answer.click()
    lookup = window.screens["idea_lookup"]
    qtbot.keyClicks(lookup.code, idea.code.lower().replace("-", ""))
    lookup.search.click()
    assert lookup.answer.text() == "Réponse de SLVie Lyon Part-Dieu : Deux bancs seront posés en mars."
    lookup.code.setText("ABCD-EFGH")
    lookup.search.click()
    assert "pas valable" in lookup.error.text() and not lookup.result.isVisible()


def test_an_identified_person_chooses_to_sign_their_idea_or_to_stay_anonymous(qtbot, window, services):
    window.with_identity(("idea",))
    identify(qtbot, window, card=CLAIRE_CARD)
    form = window.screens["idea"]
    sign, anonymous = form.signing.buttons()
    assert sign.text() == "Signer mon idée (Claire Martin)" and sign.isChecked()  # signed unless she says otherwise
    assert form.signature.text().startswith("Envoyée au nom de Claire Martin")
    anonymous.click()
    assert anonymous.text() == "Rester anonyme"
    assert form.signature.text().startswith("Envoyée sans nom : personne ne saura qu'elle vient de vous")
    button_named(form.themes, "Solidarité").click()
    qtbot.keyClicks(form.words.edit, "Une collecte de jouets")
    qtbot.keyClick(form.words.edit, Qt.Key.Key_Return)  # a field of several lines: Enter starts a new one
    qtbot.keyClicks(form.words.edit, "en fin d'annee")
    form.send.click()
    (operation,) = pending_operations(services.db)
    assert operation["payload"]["person_id"] is None and operation["payload"]["household_id"] is None
    assert operation["payload"]["text"] == "Une collecte de jouets en fin d'annee"
    assert "Tapez-le plus tard" in window.screens["idea_done"].next_step.text()


def test_a_long_text_shows_its_count_and_its_limit_and_is_refused_past_it(qtbot, window, services):
    window.show_screen("idea")
    form = window.screens["idea"]
    button_named(form.themes, "Autre").click()
    form.words.edit.setPlainText("a" * 501)
    assert form.words.count.text() == "501 / 500 caractères" and form.words.count.objectName() == "error"
    form.send.click()
    assert "500" in form.error.text() and counts(services.db)["pending"] == 0
    form.words.edit.setPlainText("a" * 500)
    assert form.words.count.objectName() == "muted"


def test_a_person_votes_with_their_own_pin_and_leaves_with_a_receipt(qtbot, window, services):
    window.show_screen("participate")
    window.screens["participate"].see_consultations.click()
    assert window.current_screen() == "identify"  # voting needs the person's card
    identify(qtbot, window)
    window.news.hide()
    assert window.current_screen() == "consultations"
    listing = window.screens["consultations"]
    answer = next(
        b
        for b in listing.findChildren(type(window.back_button))
        if b.accessibleName().startswith("Répondre : Quelle grande sortie")
    )
    answer.click()
    vote = window.screens["vote"]
    assert window.current_screen() == "vote"

    vote.send.click()
    assert vote.error.text() == "Choisissez une réponse."
    button_named(vote.ballot, "La Camargue").click()
    qtbot.keyClicks(vote.pin, "9999")
    vote.send.click()
    assert vote.error.text().startswith("Code faux") and vote.pin.text() == ""
    assert counts(services.db)["pending"] == 0
    qtbot.keyClicks(vote.pin, "1234")
    vote.send.click()
    assert window.current_screen() == "vote_done"
    done = window.screens["vote_done"]
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    assert "Code du reçu" in done.code.text() and "Camargue" not in done.code_hint.text()
    # No printer here: the message speaks of her receipt, never of a voucher ("bon").
    assert done.status.text() == (
        "Aucune imprimante n'est configurée sur cette borne. Le reçu est conservé : demandez à un correspondant de"
        " l'imprimer.\nVotre vote est bien enregistré, même sans reçu."
    )
    window.access_bar.language.click()
    done.print_button.click()
    qtbot.waitUntil(lambda: done.print_button.isEnabled(), timeout=10_000)
    assert done.status.text().startswith("No printer is configured on this kiosk. The receipt is kept")
    assert "voucher" not in done.status.text()
    window.access_bar.language.click()
    (operation,) = pending_operations(services.db)
    assert operation["kind"] == "vote.cast" and operation["payload"]["choice"] == ["camargue"]

    window.go_back()  # the consultation is no longer offered to her here
    window.show_screen("consultations")
    assert not any(
        b.accessibleName().startswith("Répondre : Quelle grande sortie")
        for b in listing.findChildren(type(window.back_button))
    )


def test_a_ranking_is_ordered_with_the_arrows(qtbot, window, services):
    window.with_identity(("consultations",))
    identify(qtbot, window, card=CLAIRE_CARD)
    window.show_screen("vote", "DEMO-PRIORITES")
    ranking = window.screens["vote"].ballot
    assert ranking.value() == ["enfants", "culture", "solidarite", "sport"]
    next(
        b for b in ranking.findChildren(type(window.back_button)) if b.accessibleName() == "Monter : Plus de sport"
    ).click()
    assert ranking.value() == ["enfants", "culture", "sport", "solidarite"]
    assert not next(
        b
        for b in ranking.findChildren(type(window.back_button))
        if b.accessibleName() == "Monter : Plus de sorties pour les enfants"
    ).isEnabled()


def test_a_refused_second_ballot_and_an_answered_idea_are_told_on_identification(qtbot, window, services):
    claire = services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")
    receipt = services.consultations.vote(BENEFICIARY, "DEMO-SORTIE-ETE", claire, ["annecy"], "1234")
    idea = services.ideas.leave(BENEFICIARY, "concierge", "Un casier réfrigéré pour les courses", claire)
    with transaction(services.db):
        participation_store.settle_ballot(
            services.db,
            receipt.ballot_id,
            BallotState.REFUSED,
            "vous aviez déjà voté à cette consultation.",
            "you had already voted.",
        )
        participation_store.record_pulled_idea(
            services.db,
            Idea(
                **{
                    **idea.__dict__,
                    "answer": "Nous étudions la question.",
                    "answered_by": "CMCAS Lyon",
                    "answered_at": NOW,
                }
            ),
        )
    window.with_identity(("home",))
    identify(qtbot, window, card=CLAIRE_CARD)
    assert window.news.isVisible()
    message = window.news.message.text()
    assert "n'a pas été compté : vous aviez déjà voté" in message
    assert "CMCAS Lyon a répondu à votre idée" in message
    window.reset_session()
    window.with_identity(("home",))
    identify(qtbot, window, card=CLAIRE_CARD)
    said = window.news.message.text() if window.news.isVisible() else ""
    assert "compté" not in said and "répondu" not in said  # each told once


def book_the_past_concert(services):
    """Claire's place at last week's concert, as the centre confirmed it (what a pull brings)."""
    with transaction(services.db):
        booking_store.record_pulled_booking(
            services.db,
            {
                "booking_id": "5f0c2a4e-1b7d-4c3e-9a8f-6d5e4c3b2a10",
                "session_id": "OLD-S1",
                "household_id": "H1",
                "participants": ["P1"],
                "state": "confirmed",
                "reason": None,
                "total_cents": 1100,
            },
            "OLD",
            NOW,
        )
    return "5f0c2a4e-1b7d-4c3e-9a8f-6d5e4c3b2a10"


def test_a_past_activity_is_appreciated_with_faces_and_a_ready_made_phrase(qtbot, window, services):
    booking_id = book_the_past_concert(services)
    window.with_identity(("home",))
    identify(qtbot, window, card=CLAIRE_CARD)
    assert "Comment s'est passé « Concert passé » ?" in window.news.message.text()  # invited, never stopped
    window.news.hide()
    window.show_screen("participate")
    window.screens["participate"].appreciate.click()
    listing = window.screens["appreciate"]
    next(
        b
        for b in listing.findChildren(type(window.back_button))
        if b.accessibleName() == "Donner mon avis : Concert passé"
    ).click()
    form = window.screens["appreciation"]
    assert window.current_screen() == "appreciation" and form.title.text() == "Concert passé"

    form.scales[0].faces()[4].click()
    form.send.click()
    assert form.error.text() == "Répondez à « L'accueil et l'organisation »."
    assert counts(services.db)["pending"] == 0
    for scale in form.scales[1:]:
        next(face for face in scale.faces() if face.accessibleName() == "Satisfait").click()
    assert form.scales[1].faces()[3].accessibleName() == "Satisfait"
    button_named(form.phrases, "À refaire !").click()
    form.send.click()
    assert window.current_screen() == "appreciate" and window.notice.isVisible()
    (operation,) = pending_operations(services.db)
    assert operation["kind"] == "appreciation.create" and operation["payload"]["booking_id"] == booking_id
    assert operation["payload"]["ratings"] == {"overall": 5, "organisation": 4, "place": 4, "value": 4}
    assert operation["payload"]["comment"] == "À refaire !"
    assert "Aucune activité passée" in " ".join(w.text() for w in listing.findChildren(type(window.hello)))


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768), (1280, 800), (1080, 1920)])
@pytest.mark.parametrize("larger", [False, True])
def test_the_five_faces_sit_on_one_line_and_their_words_are_never_cut(qtbot, window, services, width, height, larger):
    book_the_past_concert(services)
    window.resize(width, height)
    if larger:
        window.access_bar.larger.setChecked(True)
    window.with_identity(("appreciate",))
    identify(qtbot, window, card=CLAIRE_CARD)
    window.show_screen("appreciation", "5f0c2a4e-1b7d-4c3e-9a8f-6d5e4c3b2a10")
    qtbot.wait(50)
    for scale in window.screens["appreciation"].scales:
        faces = scale.faces()
        assert len({face.geometry().top() for face in faces}) == 1  # one line, read from left to right
        assert [face.geometry().left() for face in faces] == sorted(face.geometry().left() for face in faces)
        for face in faces:
            words = face.words
            assert words.geometry().bottom() <= face.height() and words.width() <= face.width()
            needed = words.heightForWidth(words.width())
            assert words.height() >= needed  # wrapped onto a second line at most, never cut


def test_the_offer_shows_what_participants_thought(qtbot, window, services):
    with transaction(services.db):
        participation_store.upsert_offer_appreciation(
            services.db,
            OfferAppreciation(
                "T1",
                12,
                {"overall": 43, "organisation": 40, "place": 35, "value": 38},
                (PublishedComment("Karim B.", date(2026, 11, 20), "Salle un peu froide"),),
            ),
        )
    window.show_screen("detail", "T1")
    shown = [w.text() for w in window.screens["detail"].content.findChildren(type(window.hello))]
    assert "L'avis des participants (12)" in shown and "Dans l'ensemble : 4,3 sur 5" in shown
    assert "Karim B., le 20 novembre 2026 : Salle un peu froide" in shown


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768), (1280, 800), (1080, 1920)])
@pytest.mark.parametrize("contrast, larger", [(False, False), (True, False), (False, True)])
def test_the_participer_tile_is_seen_on_the_home_screen_without_scrolling(
    qtbot, window, width, height, contrast, larger
):
    window.resize(width, height)
    window.access_bar.contrast.setChecked(contrast)
    window.access_bar.larger.setChecked(larger)
    window.go_home()
    home = window.screens["home"]
    viewport = home.page.area.viewport()

    def seen_whole(tile) -> bool:
        corners = (tile.mapTo(viewport, tile.rect().topLeft()), tile.mapTo(viewport, tile.rect().bottomRight()))
        words = tile.title.height() >= tile.title.heightForWidth(tile.title.width())  # its title never cut
        return words and all(viewport.rect().contains(corner) for corner in corners)

    # Once the screen has settled (layouts run after the resize and the style), every tile is in view, whole.
    scroll = home.page.area.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() == 0 and all(seen_whole(t) for t in home.tiles.values()), timeout=3000)
