"""Holiday-stay wishes at the kiosk: up to three ranked wishes sent offline (an operation in the outbox), every bad
wish refused with its reason and nothing written, a correspondent's action audited, and the centre's proposal
accepted or declined before its date."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from kiosk.config import KioskConfig
from kiosk.domain.stay_wishes import StayRequest, StayRequestState, Wish, WishRefused
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.context import open_services
from kiosk.store import stay_requests as stay_store
from kiosk.store.database import transaction
from kiosk.store.outbox import pending_operations
from tests.factories import CLAIRE_CARD, LINA_BADGE, LINA_PIN, NOW, STAY_CAMPAIGN, staff_document, wishes_catalog


@pytest.fixture
def kiosk(tmp_path, households_file, clock):
    catalog_path = tmp_path / "wishes-catalog.json"
    catalog_path.write_text(json.dumps(wishes_catalog(), ensure_ascii=False), encoding="utf-8")
    staff_path = tmp_path / "staff.json"
    staff_path.write_text(json.dumps(staff_document()), encoding="utf-8")
    services = open_services(
        tmp_path / "kiosk",
        KioskConfig(),
        demo=True,
        clock=clock,
        demo_catalog=catalog_path,
        demo_households=households_file,
        demo_staff=staff_path,
    )
    yield services
    services.close()


@pytest.fixture
def claire(kiosk):
    return kiosk.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")


def stay_ops(kiosk) -> list[dict]:
    return [op for op in pending_operations(kiosk.db) if op["kind"].startswith("stay.")]


def written(kiosk) -> tuple[int, int, int]:
    requests = kiosk.db.execute("SELECT count(*) FROM stay_requests").fetchone()[0]
    return requests, len(pending_operations(kiosk.db)), len(kiosk.audit.entries())


def test_three_ranked_wishes_are_kept_in_order_and_wait_in_the_outbox(kiosk, claire):
    wishes = [
        Wish("V1", "V1-S2", ("P1", "P2", "P3")),
        Wish("V1", "V1-S1", ("P1", "P2", "P3")),
        Wish("V2", "V2-S1", ("P3",)),
    ]
    request = kiosk.wishes.send(BENEFICIARY, claire, wishes)
    assert (request.state, request.campaign, request.wishes) == (StayRequestState.SENT, STAY_CAMPAIGN, tuple(wishes))
    assert kiosk.wishes.requests(claire.household) == [request]
    [op] = stay_ops(kiosk)
    assert op["kind"] == "stay.request" and op["payload"]["request_id"] == request.request_id
    assert [w["session_id"] for w in op["payload"]["wishes"]] == ["V1-S2", "V1-S1", "V2-S1"]
    assert kiosk.audit.entries() == []  # the person alone: nothing audited
    # The stays on offer for wishes: open ones only (Biarritz closed yesterday), soonest first.
    assert [o.id for o in kiosk.wishes.open_stays()] == ["V1", "V2"]  # S1 is asked for outside any campaign


@pytest.mark.parametrize(
    ("wishes", "french", "english"),
    [
        ([], "au moins un séjour", "at least one stay"),
        (
            [
                Wish("V1", "V1-S1", ("P1",)),
                Wish("V1", "V1-S2", ("P1",)),
                Wish("V2", "V2-S1", ("P3",)),
                Wish("S1", "S1-S1", ("P1",)),
            ],
            "3 vœux au plus",
            "at most 3 wishes",
        ),
        ([Wish("V1", "V1-S1", ("P1",)), Wish("V1", "V1-S1", ("P2",))], "déjà demandé", "already asked for"),
        ([Wish("V9", "V9-S1", ("P1",))], "sont closes", "are closed"),
        ([Wish("V1", "V2-S1", ("P1",))], "ne sont pas celles du séjour", "are not those of the stay"),
        ([Wish("V1", "V1-S1", ("P1", "P5"))], "n'est pas de votre foyer", "not in your household"),
        ([Wish("V1", "V1-S1", ())], "choisissez qui part", "choose who is going"),
        ([Wish("V2", "V2-S1", ("P1",))], "Claire ne peut pas y participer", "Claire cannot take part"),
        ([Wish("T1", "T1-S1", ("P1",))], "n'est plus proposé sur demande", "no longer offered by request"),
        ([Wish("S1", "S1-S1", ("P1",))], "n'est plus proposé sur demande", "no longer offered by request"),
    ],
)
def test_bad_wishes_are_refused_with_the_reason_and_nothing_is_written(kiosk, claire, wishes, french, english):
    before = written(kiosk)
    with pytest.raises(WishRefused) as refused:
        kiosk.wishes.send(BENEFICIARY, claire, wishes)
    assert french in refused.value.fr and english in refused.value.en
    assert written(kiosk) == before


def test_one_request_per_household_and_campaign(kiosk, claire):
    kiosk.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S1", ("P1",))])
    before = written(kiosk)
    with pytest.raises(WishRefused) as refused:
        kiosk.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S2", ("P1",))])
    assert "déjà envoyé ses vœux" in refused.value.fr
    assert written(kiosk) == before


def test_a_correspondent_sends_wishes_for_someone_and_it_is_audited(kiosk):
    lina = Actor(kiosk.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN))
    claire = kiosk.identity.identify(lina, CLAIRE_CARD, person_present=True, person_agrees=True)
    request = kiosk.wishes.send(lina, claire, [Wish("V1", "V1-S1", ("P1", "P2"))])
    entry = kiosk.audit.entries()[-1]
    assert (entry.action, entry.staff_id, entry.subject, entry.target) == (
        "stay.request",
        "S1",
        "H1",
        request.request_id,
    )
    assert entry.details == {"wishes": 1, "campaign": STAY_CAMPAIGN}


def the_centre_proposes(kiosk, request: StayRequest, rank: int, days: int = 10) -> None:
    with transaction(kiosk.db):
        kiosk.db.execute("DELETE FROM outbox WHERE kind = 'stay.request'")  # as once the centre took it
        stay_store.record_pulled_request(
            kiosk.db,
            StayRequest(
                request.request_id,
                request.household_id,
                request.campaign,
                request.wishes,
                StayRequestState.PROPOSED,
                request.created_at,
                proposed_rank=rank,
                answer_by=NOW + timedelta(days=days),
                reason_fr="Votre vœu n° 2 vous est proposé.",
                reason_en="Your wish 2 is offered to you.",
            ),
        )


def test_a_proposal_is_told_once_then_accepted_offline(kiosk, claire):
    request = kiosk.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S1", ("P1",)), Wish("V1", "V1-S2", ("P1",))])
    the_centre_proposes(kiosk, request, rank=2)
    [news] = kiosk.wishes.take_news(claire)
    assert (
        news.good
        and "Séjour en famille à Valloire" in news.message.message("fr")
        and "Accept" in news.message.message("en")
    )
    assert kiosk.wishes.take_news(claire) == []
    proposed = kiosk.wishes.request(request.request_id)
    assert proposed is not None and proposed.proposed_wish == Wish("V1", "V1-S2", ("P1",))
    accepted = kiosk.wishes.answer(BENEFICIARY, claire, request.request_id, accept=True)
    assert accepted.state is StayRequestState.ACCEPTED
    [op] = stay_ops(kiosk)
    assert (op["kind"], op["payload"]) == ("stay.answer", {"request_id": request.request_id, "accept": True})
    # Answered already: a second answer is refused.
    with pytest.raises(WishRefused):
        kiosk.wishes.answer(BENEFICIARY, claire, request.request_id, accept=False)


def test_an_expired_proposal_cannot_be_accepted_and_nothing_is_written(kiosk, claire, clock):
    request = kiosk.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S1", ("P1",))])
    the_centre_proposes(kiosk, request, rank=1, days=3)
    clock.now = NOW + timedelta(days=4)
    assert kiosk.wishes.request(request.request_id).shown_state(clock.now) is StayRequestState.EXPIRED
    before = written(kiosk)
    with pytest.raises(WishRefused) as refused:
        kiosk.wishes.answer(BENEFICIARY, claire, request.request_id, accept=True)
    assert "ne peut plus être acceptée" in refused.value.fr and "can no longer be accepted" in refused.value.en
    assert written(kiosk) == before


def test_someone_else_cannot_answer_a_households_proposal(kiosk, claire):
    request = kiosk.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S1", ("P1",))])
    the_centre_proposes(kiosk, request, rank=1)
    karim = kiosk.identity.identify(BENEFICIARY, "1000000000033", "1234")
    with pytest.raises(WishRefused):
        kiosk.wishes.answer(BENEFICIARY, karim, request.request_id, accept=True)


def test_the_recap_reads_the_wishes_back_with_who_goes_and_when_the_campaign_closes(kiosk, claire):
    request = kiosk.wishes.send(BENEFICIARY, claire, [Wish("V1", "V1-S2", ("P1", "P2")), Wish("V2", "V2-S1", ("P3",))])
    recap = kiosk.wishes.recap(request, claire, "SLVie Lyon Part-Dieu")
    assert recap.request == request and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", recap.code)
    assert (recap.household_name, recap.site_name) == ("Claire Martin", "SLVie Lyon Part-Dieu")
    assert recap.wishes_until == NOW + timedelta(days=30)  # the campaign's closing: the answer comes after
    assert recap.printed_at == NOW
    assert [(line.rank, line.title, line.names) for line in recap.lines] == [
        (1, "Séjour en famille à Valloire", ("Claire", "Julien")),
        (2, "Colo voile à Carnac (6–12 ans)", ("Léa",)),
    ]
    assert recap.lines[0].start == datetime(2027, 7, 8, 10, 42)
