"""Concierge requests at the services level: from the beneficiary's form to the hand-over by a correspondent,
the lifecycle rules, pickup codes, and forms filled with empty, huge or hostile values."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from kiosk.domain.concierge import (
    ConciergeFormError,
    RequestState,
    TransitionRefused,
    ready_made_reason,
)
from kiosk.domain.voucher import VoucherKind, VoucherState, decode_payload, encode_payload, verify_payload
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.concierge import ConciergeLimit, PickupCodeError, RequestNotFound, UnknownService
from kiosk.services.staff import StaffSessionExpired
from kiosk.services.vouchers import NoVoucher
from kiosk.signing_key import load_or_create_signing_key
from kiosk.store.outbox import pending_operations
from tests.factories import KARIM_CARD, NOW, holder


def pressing(desk, **extra) -> dict:
    day = desk.concierge.form("pressing").form.field("day").options[0].code
    return {"garments": ["chemise", "pantalon"], "quantity": 3, "day": day, **extra}


def printed_payload(desk, request) -> str:
    voucher = desk.vouchers.pickup_voucher(request)
    return encode_payload(voucher, load_or_create_signing_key(desk.data_dir))


def request_day(offer) -> str:
    return offer.form.field("day").options[0].code


def kinds(desk) -> list[str]:
    return [op["kind"] for op in pending_operations(desk.db)]


def test_a_request_from_submission_to_hand_over_across_both_roles(desk, claire, lina, clock):
    # The beneficiary, alone: a form, a price, a receipt with a pickup code.
    offer = desk.concierge.form("pressing")
    assert offer.service.name_fr == "Pressing" and offer.service.price_cents == 450
    assert [f.name for f in offer.form.fields] == ["garments", "quantity", "day", "note"]
    assert desk.concierge.estimate("pressing", pressing(desk)).total_cents == 3 * 450
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk, note="Col amidonné"))
    assert request.state is RequestState.SUBMITTED and request.estimate_cents == 1350
    assert request.created_by is None and request.note == "Col amidonné"
    receipt = desk.vouchers.pickup_voucher(request)
    assert receipt.kind is VoucherKind.PICKUP and receipt.state is VoucherState.REQUEST
    assert receipt.short_code == request.short_code and receipt.title == "Pressing × 3"
    assert receipt.start.date() == request.collect_on and receipt.start.hour == 8
    payload = printed_payload(desk, request)
    assert desk.vouchers.write_pdf(receipt, "fr").exists()
    assert kinds(desk) == ["audit.append", "concierge.create"]  # Lina's sign-in, then the request
    assert [e.action for e in desk.audit.entries()] == ["staff.sign_in"]  # a beneficiary's request is not audited

    # The correspondent works the queue.
    queue = desk.concierge.queue(Actor(lina), states=[RequestState.SUBMITTED], service_id="pressing")
    line = next(item for item in queue if item.request.request_id == request.request_id)
    assert line.person_name == "Claire Martin" and RequestState.TAKEN in line.moves
    assert ("Vêtements", "Chemise, Pantalon") in line.details("fr") and ("Garments", "Shirt, Trousers") in line.details(
        "en"
    )
    assert (line.service_name.message("fr"), line.service_name.message("en")) == ("Pressing", "Dry cleaning")
    for target in (RequestState.TAKEN, RequestState.AT_PROVIDER, RequestState.READY):
        clock.now += timedelta(hours=5)
        request = desk.concierge.move(Actor(lina), request.request_id, target)
    assert request.state is RequestState.READY

    # Back at the kiosk, the kiosk says it first.
    again = desk.identity.identify(BENEFICIARY, "1000000000017", "1234")
    notices = desk.concierge.ready_for(again.household)
    assert [n.request.request_id for n in notices if n.request.service_id == "pressing"][-1] == request.request_id
    assert notices[-1].message.message("fr") == "Votre pressing est prêt." and notices[-1].message.message("en")

    # The correspondent scans the ticket printed at submission and hands the item over.
    found = desk.concierge.find_by_pickup(Actor(lina), payload)
    assert found.request_id == request.request_id
    done = desk.concierge.hand_over(Actor(lina), found.request_id)
    assert done.state is RequestState.HANDED_OVER
    assert request.request_id not in [n.request.request_id for n in desk.concierge.ready_for(again.household)]
    assert kinds(desk).count("concierge.transition") == 4
    moves = [e for e in desk.audit.entries() if e.action == "concierge.move"]
    assert [(e.details["from"], e.details["to"]) for e in moves] == [
        ("submitted", "taken"),
        ("taken", "at_provider"),
        ("at_provider", "ready"),
        ("ready", "handed_over"),
    ]
    assert all(e.subject == "P1" and e.target == request.request_id and e.staff_id == "S1" for e in moves)
    assert desk.audit.verify() is None
    with pytest.raises(NoVoucher):
        desk.vouchers.pickup_voucher(done)  # nothing left to collect


def test_the_transition_operation_carries_what_the_centre_needs(desk, claire, lina):
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    desk.concierge.move(Actor(lina), request.request_id, RequestState.TAKEN)
    desk.concierge.move(Actor(lina), request.request_id, RequestState.REFUSED, ready_made_reason("not_accepted"))
    create, *_, refusal = [op for op in pending_operations(desk.db) if op["kind"].startswith("concierge.")]
    assert create["payload"] == {
        "request_id": request.request_id,
        "service_id": "pressing",
        "household_id": "H1",
        "person_id": "P1",
        "answers": request.answers,
        "quantity": 3,
        "estimate_cents": 1350,
        "collect_on": request.collect_on.isoformat(),
        "note": "",
        "created_by": None,
    }
    assert refusal["payload"] == {
        "request_id": request.request_id,
        "from_state": "taken",
        "to_state": "refused",
        "actor": "correspondent",
        "staff_id": "S1",
        "reason": {
            "code": "not_accepted",
            "fr": "Article non accepté (matière, état ou taille).",
            "en": "Item not accepted (material, condition or size).",
        },
    }
    assert desk.concierge.request(request.request_id).reason == ready_made_reason("not_accepted")
    refused = [e for e in desk.audit.entries() if e.action == "concierge.move"][-1]
    assert refused.details == {"from": "taken", "to": "refused", "reason_code": "not_accepted"}


def test_an_illegal_move_is_refused_and_changes_nothing(desk, claire, lina):
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    before = kinds(desk)
    with pytest.raises(TransitionRefused) as caught:
        desk.concierge.hand_over(Actor(lina), request.request_id)  # not ready yet
    assert "ne peut pas passer" in caught.value.fr and caught.value.en
    with pytest.raises(TransitionRefused) as caught:
        desk.concierge.move(Actor(lina), request.request_id, RequestState.REFUSED)  # a refusal needs its reason
    assert "raison" in caught.value.fr
    desk.concierge.move(Actor(lina), request.request_id, RequestState.CANCELLED, ready_made_reason("never_dropped"))
    with pytest.raises(TransitionRefused) as caught:
        desk.concierge.move(Actor(lina), request.request_id, RequestState.TAKEN)
    assert "ne peut plus changer" in caught.value.fr
    assert desk.concierge.request(request.request_id).state is RequestState.CANCELLED
    assert kinds(desk) == before + ["concierge.transition", "audit.append"]


def test_a_beneficiary_cancels_only_while_the_request_is_submitted(desk, claire, lina):
    first = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    cancelled = desk.concierge.cancel(BENEFICIARY, claire, first.request_id)
    assert cancelled.state is RequestState.CANCELLED and cancelled.reason.code == "beneficiary"
    second = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    desk.concierge.move(Actor(lina), second.request_id, RequestState.TAKEN)
    with pytest.raises(TransitionRefused) as caught:
        desk.concierge.cancel(BENEFICIARY, claire, second.request_id)
    assert "adressez-vous au correspondant" in caught.value.fr
    karim = desk.identity.identify(BENEFICIARY, KARIM_CARD, "1234")
    with pytest.raises(RequestNotFound):
        desk.concierge.cancel(BENEFICIARY, karim, second.request_id)  # not his to cancel


def test_a_request_and_its_operation_are_one_write(desk, claire, monkeypatch):
    from kiosk.services import concierge as module

    def broken(*args, **kwargs):
        raise OSError("disk full")

    count = len(desk.concierge.requests_for(claire.household))
    monkeypatch.setattr(module, "enqueue", broken)
    with pytest.raises(OSError):
        desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    assert len(desk.concierge.requests_for(claire.household)) == count
    assert kinds(desk) == []


def test_a_move_its_operation_and_its_audit_entry_are_one_write(desk, claire, lina, monkeypatch):
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    entries = len(desk.audit.entries())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(desk.audit, "record", broken)
    with pytest.raises(OSError):
        desk.concierge.move(Actor(lina), request.request_id, RequestState.TAKEN)
    assert desk.concierge.request(request.request_id).state is RequestState.SUBMITTED
    assert kinds(desk) == ["audit.append", "concierge.create"] and len(desk.audit.entries()) == entries


def test_the_queue_filters_by_state_and_service(desk, claire, lina):
    desk.concierge.submit(BENEFICIARY, claire, "colis", {"direction": "retrait", "carrier": "ups"})
    everything = desk.concierge.queue(Actor(lina))
    assert everything and all(item.request.is_open for item in everything)
    assert {i.request.state for i in everything} >= {RequestState.SUBMITTED, RequestState.READY}  # demo requests
    parcels = desk.concierge.queue(Actor(lina), service_id="colis")
    assert parcels and {i.request.service_id for i in parcels} == {"colis"}
    ready = desk.concierge.queue(Actor(lina), states=[RequestState.READY])
    assert ready and all(
        i.request.state is RequestState.READY and i.moves[0] is RequestState.HANDED_OVER for i in ready
    )
    closed = desk.concierge.queue(Actor(lina), states=[RequestState.REFUSED, RequestState.HANDED_OVER])
    assert closed and all(i.moves == () for i in closed)
    desk.staff.sign_out()
    with pytest.raises(StaffSessionExpired):
        desk.concierge.queue(Actor(lina))


def test_pickup_codes_typed_scanned_forged_or_from_elsewhere(desk, claire, lina, tmp_path):
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    payload = printed_payload(desk, request)
    typed = request.short_code.lower().replace("-", " ")
    assert desk.concierge.find_by_pickup(Actor(lina), typed).request_id == request.request_id

    claims, _, _ = decode_payload(payload)
    elsewhere = dataclasses.replace(desk.vouchers.pickup_voucher(request), site_id="SLVIE-MARSEILLE")
    other_site = encode_payload(elsewhere, load_or_create_signing_key(desk.data_dir))
    other_kiosk = encode_payload(desk.vouchers.pickup_voucher(request), load_or_create_signing_key(tmp_path / "k2"))
    tampered = payload.replace(":1350:", ":1:")  # the price changed on the ticket
    assert tampered != payload and verify_payload(tampered, []).claims is not None
    booking = desk.bookings.book(BENEFICIARY, holder(claire.household), "T1", "T1-S1", ["P1"])
    booking_voucher = encode_payload(desk.vouchers.voucher(booking), load_or_create_signing_key(desk.data_dir))
    cases = [
        (other_site, "autre point conciergerie"),
        (tampered, "modifié ou mal lu"),
        (other_kiosk, "autre borne"),
        (booking_voucher, "bon de réservation"),
        (payload[:60], "illisible"),
        ("ZZZZ-ZZZZ", "pas valable"),
        ("", "Scannez le ticket"),
        ("S" * 5000, "trop long"),
        ("Z" * 401, "trop long"),
        ("Z" * 400, "pas valable"),  # 400 characters are still read
    ]
    for text, words in cases:
        with pytest.raises(PickupCodeError) as caught:
            desk.concierge.find_by_pickup(Actor(lina), text)
        assert words in caught.value.fr, (text[:40], caught.value.fr)
        assert caught.value.en
    assert claims.reference == request.request_id


def test_a_pickup_code_for_a_request_this_kiosk_does_not_know(desk, claire, lina):
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    ghost = dataclasses.replace(desk.vouchers.pickup_voucher(request), reference="00000000-0000-4000-8000-000000000000")
    with pytest.raises(PickupCodeError) as caught:
        desk.concierge.find_by_pickup(Actor(lina), encode_payload(ghost, load_or_create_signing_key(desk.data_dir)))
    assert "pas connu de cette borne" in caught.value.fr
    with pytest.raises(PickupCodeError) as caught:
        desk.concierge.find_by_pickup(Actor(lina), ghost.short_code)
    assert "Aucune demande" in caught.value.fr


@pytest.mark.parametrize(
    "answers, field, words",
    [
        ({}, "garments", "Choisissez « Vêtements »"),
        ({"garments": [], "quantity": 1}, "garments", "Choisissez"),
        ({"garments": ["chemise"], "quantity": 0}, "quantity", "de 1 à 30"),
        ({"garments": ["chemise"], "quantity": 31}, "quantity", "de 1 à 30"),
        ({"garments": ["chemise"], "quantity": "3; DROP TABLE concierge_requests"}, "quantity", "nombre entier"),
        ({"garments": ["chemise"], "quantity": True}, "quantity", "nombre entier"),
        ({"garments": ["chemise"], "quantity": 10**30}, "quantity", "de 1 à 30"),
        ({"garments": ["<script>"], "quantity": 2}, "garments", "dans la liste"),
        ({"garments": "chemise' OR 1=1 --", "quantity": 2}, "garments", "dans la liste"),
        ({"garments": ["chemise"] * 10_000, "quantity": 2}, "garments", "dans la liste"),
        ({"garments": ["chemise"], "quantity": 2, "day": "2026-11-24"}, "day", "plus proposé"),  # too soon
        ({"garments": ["chemise"], "quantity": 2, "day": "1999-01-01"}, "day", "plus proposé"),
        ({"garments": ["chemise"], "quantity": 2, "note": "<img src=x onerror=alert(1)>"}, "note", "< ou >"),
        ({"garments": ["chemise"], "quantity": 2, "note": "x" * 201}, "note", "trop long"),
        ({"garments": ["chemise"], "quantity": 2, "note": "é" * 10_000_000}, "note", "trop long"),
        ({"garments": ["chemise"], "quantity": 2, "note": 42}, "note", "doit être un texte"),
        ({"garments": ["chemise"], "quantity": 2, "admin": True}, None, "réponse inattendue"),
    ],
)
def test_a_form_with_empty_huge_or_hostile_values_is_refused_and_nothing_is_written(
    desk, claire, answers, field, words
):
    if field != "day" and "day" not in answers and answers:
        answers = {**answers, "day": desk.concierge.form("pressing").form.field("day").options[0].code}
    count = len(desk.concierge.requests_for(claire.household))
    with pytest.raises(ConciergeFormError) as caught:
        desk.concierge.submit(BENEFICIARY, claire, "pressing", answers)
    assert words in caught.value.fr and caught.value.en
    assert caught.value.field == field
    assert len(desk.concierge.requests_for(claire.household)) == count and kinds(desk) == []


def test_hostile_but_harmless_text_is_kept_clean(desk, claire):
    note = "\u202eÉtiquette\x00 à\tl'envers\u200b\r\nmerci 🙂 \x1b[31m ; DROP TABLE x; --"
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk, note=note))
    assert request.note == "Étiquette à l'envers merci 🙂 [31m ; DROP TABLE x; --"
    stored = desk.concierge.request(request.request_id)
    assert stored.note == request.note and stored.answers == request.answers
    parcel = desk.concierge.submit(
        BENEFICIARY, claire, "colis", {"direction": "depot", "carrier": "autre", "reference": "  6A 1234\n5678  "}
    )
    assert parcel.answers["reference"] == "6A 1234 5678" and parcel.estimate_cents == 0
    assert json.dumps(parcel.answers)  # only JSON values are kept


def test_every_demo_service_has_a_form_a_price_and_its_hours(desk, claire):
    services = desk.concierge.services()
    assert len(services) == 14
    for service in services:
        offer = desk.concierge.form(service.id)
        assert offer.form.fields[-1].name == "note" and service.hours_fr and service.hours_en
        for f in offer.form.fields:
            assert f.label("fr") and f.label("en")
            if f.kind in ("day", "weekdays", "choice", "choices"):
                assert f.options, (service.id, f.name)
    assert desk.concierge.form("cordonnerie").service.price_cents is None  # "sur devis"
    shoes = desk.concierge.submit(
        BENEFICIARY,
        claire,
        "cordonnerie",
        {"work": "talons", "quantity": 2, "day": desk.concierge.form("cordonnerie").form.field("day").options[0].code},
    )
    assert shoes.estimate_cents is None
    assert desk.vouchers.pickup_voucher(shoes).total_cents is None
    velo = desk.concierge.form("entretien_velo").form.field("day")
    assert all(d.text("fr").startswith("mercredi") for d in velo.options)  # drop-off on Wednesdays only
    rdv = desk.concierge.submit(BENEFICIARY, claire, "prise_rdv", {"what": "dentiste", "days": ["wed", "mon", "wed"]})
    assert rdv.answers["days"] == ["mon", "wed"] and rdv.collect_on is None
    assert desk.concierge.describe(rdv, "fr") == [
        ("Rendez-vous chez", "Dentiste"),
        ("Jours qui vous conviennent", "lundi, mercredi"),
    ]


def test_an_unknown_service_and_a_service_added_by_the_centre(desk, claire, lina):
    with pytest.raises(UnknownService):
        desk.concierge.form("teleportation")
    desk.db.execute(
        "INSERT INTO concierge_services VALUES ('lavage_auto', 99, 'Lavage auto', 'Car wash', '', '',"
        " 1500, 'le lavage', 'per wash', 'Vendredi', 'Friday', 'courses.svg')"
    )
    offer = desk.concierge.form("lavage_auto")
    assert [f.name for f in offer.form.fields] == ["what", "quantity", "day", "note"]
    request = desk.concierge.submit(
        BENEFICIARY,
        claire,
        "lavage_auto",
        {"what": "Citadine grise", "quantity": 1, "day": offer.form.field("day").options[0].code},
    )
    assert request.estimate_cents == 1500
    for target in (RequestState.TAKEN, RequestState.READY):
        desk.concierge.move(Actor(lina), request.request_id, target)
    (notice,) = [n for n in desk.concierge.ready_for(claire.household) if n.request.request_id == request.request_id]
    assert (notice.message.message("fr"), notice.message.message("en")) == (
        "Votre demande « Lavage auto » est prête.",
        "Your 'Car wash' request is ready.",
    )
    for_her = desk.concierge.submit(
        Actor(lina), claire, "lavage_auto", {"what": "Break", "quantity": 1, "day": request_day(offer)}
    )
    (entry,) = [e for e in desk.audit.entries() if e.action == "concierge.create"]
    assert (entry.target, entry.details) == (for_her.request_id, {"service_id": "lavage_auto"})


def test_a_household_cannot_flood_the_desk(desk, claire):
    count = sum(r.is_open for r in desk.concierge.requests_for(claire.household))
    for _ in range(20 - count):
        desk.concierge.submit(BENEFICIARY, claire, "colis", {"direction": "retrait", "carrier": "ups"})
    with pytest.raises(ConciergeLimit):
        desk.concierge.submit(BENEFICIARY, claire, "colis", {"direction": "retrait", "carrier": "ups"})


def test_requests_in_progress_count_however_many_were_handled_since(desk, claire, clock):
    count = sum(r.is_open for r in desk.concierge.requests_for(claire.household))
    for _ in range(20 - count):
        desk.concierge.submit(BENEFICIARY, claire, "colis", {"direction": "retrait", "carrier": "ups"})
    handed = desk.db["concierge_requests"].get(desk.concierge.requests_for(claire.household)[0].request_id)
    for index in range(100):  # a hundred requests handed over since: the twenty still count
        clock.now += timedelta(minutes=1)
        desk.db["concierge_requests"].insert(
            {
                **handed,
                "request_id": f"00000000-0000-4000-8000-{index:012d}",
                "state": "handed_over",
                "created_at": clock.now.isoformat(),
            }
        )
    with pytest.raises(ConciergeLimit):
        desk.concierge.submit(BENEFICIARY, claire, "colis", {"direction": "retrait", "carrier": "ups"})


def test_the_day_choices_follow_the_clock(desk, clock):
    clock.now = NOW.replace(hour=15, minute=59)  # Monday: bread ordered before 4 pm is there on Tuesday
    assert desk.concierge.form("depot_pain").form.field("day").options[0].code == "2026-11-24"
    clock.now = NOW.replace(hour=16, minute=0)
    assert desk.concierge.form("depot_pain").form.field("day").options[0].code == "2026-11-25"
    clock.now = NOW.replace(day=27)  # Friday: the next opening days skip the weekend
    codes = [o.code for o in desk.concierge.form("repassage").form.field("day").options]
    assert codes[:2] == ["2026-11-30", "2026-12-01"]
    assert desk.concierge.form("repassage").form.field("day").options[1].text("fr") == "mardi 1 décembre"


def test_a_typed_code_two_requests_share_leads_to_the_open_one_or_asks_for_the_ticket(desk, claire, lina, clock):
    # Short codes carry 35 bits: two requests of a site may share one (made to here by writing it).
    first = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    clock.now += timedelta(minutes=1)
    second = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    desk.db.execute(
        "UPDATE concierge_requests SET short_code = ? WHERE request_id = ?", [first.short_code, second.request_id]
    )
    with pytest.raises(PickupCodeError) as caught:
        desk.concierge.find_by_pickup(Actor(lina), first.short_code)
    assert caught.value.fr == "Plusieurs demandes ont ce code : scannez le QR code du ticket."
    desk.concierge.cancel(BENEFICIARY, claire, second.request_id)  # the newer one is closed: the open one is meant
    assert desk.concierge.find_by_pickup(Actor(lina), first.short_code).request_id == first.request_id


def test_a_request_unknown_here_or_of_another_site_is_not_found(desk, claire, lina):
    with pytest.raises(RequestNotFound):
        desk.concierge.move(Actor(lina), "00000000-0000-4000-8000-000000000000", RequestState.TAKEN)
    request = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    desk.db.execute(
        "UPDATE concierge_requests SET site_id = 'SLVIE-MARSEILLE' WHERE request_id = ?", [request.request_id]
    )
    with pytest.raises(RequestNotFound) as caught:
        desk.concierge.move(Actor(lina), request.request_id, RequestState.TAKEN)
    assert caught.value.fr == "Cette demande est introuvable à ce point conciergerie."


def test_the_queue_shows_two_hundred_requests_in_progress_at_most(desk, claire, lina, clock):
    first = desk.concierge.submit(BENEFICIARY, claire, "pressing", pressing(desk))
    row = desk.db["concierge_requests"].get(first.request_id)
    for index in range(1, 201):  # 201 in all: as many as a busy week at a large site, and one more
        clock.now += timedelta(seconds=1)
        desk.db["concierge_requests"].insert(
            {**row, "request_id": f"00000000-0000-4000-8000-{index:012d}", "created_at": clock.now.isoformat()}
        )
    queue = desk.concierge.queue(Actor(lina))
    assert len(queue) == 200  # the rest shows once the first are handled
