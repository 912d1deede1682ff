"""« Participer » at the kiosk, walked as a person would: an idea left without a name and its answer found
with the code, a vote with one's own PIN and its receipt, a ranking ordered with the arrows, the news
of an answer or of a refused second ballot on identification.

Buttons inside a page that scrolls are pressed with `click()` (see tests/ui/test_concierge_request.py).
The centre's side of the same journeys is tested against the real centre in tests/sync/test_participation_sync.py;
here what a pull brings is written with the store function the sync engine uses.
"""

from datetime import datetime

from kiosk.domain.consultations import BallotState
from kiosk.domain.ideas import Idea
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
    qtbot.keyClicks(form.words, "Des bancs")
    form.send.click()
    assert "trop court" in form.error.text()
    assert counts(services.db)["pending"] == 0  # nothing written for a refused idea
    form.words.clear()
    qtbot.keyClicks(form.words, "Des bancs a l'ombre devant le site")
    form.send.click()
    assert window.current_screen() == "idea_done"
    (operation,) = pending_operations(services.db)
    assert operation["kind"] == "idea.create" and operation["payload"]["person_id"] is None
    done = window.screens["idea_done"]
    idea = participation_store.load_idea(services.db, operation["payload"]["idea_id"])
    assert idea.code in done.code.text()

    # The SLVie answers at the centre; the next pull brings the answer.
    with transaction(services.db):
        participation_store.record_pulled_idea(services.db, Idea(
            **{**idea.__dict__, "answer": "Deux bancs seront posés en mars.", "answered_by": "SLVie Lyon Part-Dieu",
               "answered_at": datetime(2026, 11, 25, 9, 0)}))
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


def test_a_person_votes_with_their_own_pin_and_leaves_with_a_receipt(qtbot, window, services):
    window.show_screen("participate")
    window.screens["participate"].see_consultations.click()
    assert window.current_screen() == "identify"  # voting needs the person's card
    identify(qtbot, window)
    window.news.hide()
    assert window.current_screen() == "consultations"
    listing = window.screens["consultations"]
    answer = next(b for b in listing.findChildren(type(window.back_button))
                  if b.accessibleName().startswith("Répondre : Quelle grande sortie"))
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
    (operation,) = pending_operations(services.db)
    assert operation["kind"] == "vote.cast" and operation["payload"]["choice"] == ["camargue"]

    window.go_back()  # the consultation is no longer offered to her here
    window.show_screen("consultations")
    assert not any(b.accessibleName().startswith("Répondre : Quelle grande sortie")
                   for b in listing.findChildren(type(window.back_button)))


def test_a_ranking_is_ordered_with_the_arrows(qtbot, window, services):
    window.with_identity(("consultations",))
    identify(qtbot, window, card=CLAIRE_CARD)
    window.show_screen("vote", "DEMO-PRIORITES")
    ranking = window.screens["vote"].ballot
    assert ranking.value() == ["enfants", "culture", "solidarite", "sport"]
    next(b for b in ranking.findChildren(type(window.back_button))
         if b.accessibleName() == "Monter : Plus de sport").click()
    assert ranking.value() == ["enfants", "culture", "sport", "solidarite"]
    assert not next(b for b in ranking.findChildren(type(window.back_button))
                    if b.accessibleName() == "Monter : Plus de sorties pour les enfants").isEnabled()


def test_a_refused_second_ballot_and_an_answered_idea_are_told_on_identification(qtbot, window, services):
    claire = services.identity.identify(CLAIRE_CARD, "1234")
    receipt = services.consultations.vote("DEMO-SORTIE-ETE", claire, ["annecy"], "1234")
    idea = services.ideas.leave("concierge", "Un casier réfrigéré pour les courses", claire)
    with transaction(services.db):
        participation_store.settle_ballot(services.db, receipt.ballot_id, BallotState.REFUSED,
                                          "vous aviez déjà voté à cette consultation.", "you had already voted.")
        participation_store.record_pulled_idea(services.db, Idea(
            **{**idea.__dict__, "answer": "Nous étudions la question.", "answered_by": "CMCAS Lyon",
               "answered_at": NOW}))
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
