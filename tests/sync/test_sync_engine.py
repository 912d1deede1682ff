"""The sync engine against the real reference server over loopback, with faults in between."""

from __future__ import annotations

import json
import uuid

import pytest

from kiosk.domain.booking import BookingState
from kiosk.domain.catalog import parse_offer
from kiosk.domain.document import DocumentReader
from kiosk.domain.search import OfferQuery
from kiosk.services.actor import BENEFICIARY
from kiosk.store.database import transaction
from kiosk.store.outbox import counts, enqueue, parked_operations, pending_operations
from kiosk.store.state import read_state
from sync import engine as engine_module
from sync.client import TransientError
from sync.engine import CycleReport, Page, PageReading, PageRejected, SyncEngine
from tests.factories import NOW, holder, offer, session

pytestmark = pytest.mark.both_databases  # the sync engine against the centre on SQLite and PostgreSQL


def claire(kiosk):
    return kiosk.services.identity.identify(BENEFICIARY, "1000000000017", "1234").household


def centre_bookings(centre, kiosk_name="audit"):
    """Every booking the centre holds for the default site, as a fresh kiosk would pull them."""
    client = centre.enroll(name=kiosk_name)
    entities, _ = client.pull_all()
    return {key[1]: value for key, value in entities.items() if key[0] == "booking" and value}


def test_a_first_sync_fills_an_empty_kiosk(make_kiosk):
    kiosk = make_kiosk()
    assert kiosk.services.catalog.offer_count() == 0
    report = kiosk.sync()
    assert report.pulled > 0 and report.pages >= 1
    assert kiosk.services.catalog.offer("T1").title == "Théâtre : Le Malade imaginaire"
    # Pulled offers are searchable as people type: plurals, typos, this site's first.
    found = kiosk.services.catalog.search(OfferQuery(text="theatres")).offers
    assert {o.id for o in found} == {"T1", "T2"}
    assert [o.id for o in kiosk.services.catalog.search(OfferQuery(text="piscnie")).offers] == ["P1"]
    assert [s.name_fr for s in kiosk.services.catalog.concierge_services()] == ["Pressing"]
    assert claire(kiosk).tier == 3  # households of the site arrive with their PIN hashes
    again = kiosk.sync()
    assert again.pulled == 0 and again.pushed == 0


def test_a_booking_made_offline_reaches_the_centre_once(make_kiosk, centre):
    kiosk = make_kiosk()
    kiosk.sync()
    centre.stop()  # the network is down: the kiosk still confirms inside its allocation
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1", "P2"])
    assert booking.state == BookingState.CONFIRMED
    with pytest.raises(TransientError):
        kiosk.sync()
    assert counts(kiosk.services.db)["pending"] == 1
    centre.start()
    report = kiosk.sync()
    assert report.applied == 1
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED
    kiosk.sync()
    held = centre_bookings(centre)
    assert list(held) == [booking.booking_id] and held[booking.booking_id]["state"] == "confirmed"
    assert centre.seat_problems() == []


@pytest.mark.parametrize("fault", ["drop_request", "drop_response", "error500", "delay:6"])
def test_a_push_broken_on_the_way_is_retried_and_applied_once(make_kiosk, centre, proxy, fault):
    kiosk = make_kiosk()
    kiosk.sync()
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1"])
    (operation,) = pending_operations(kiosk.services.db)
    proxy.inject(fault)  # the push of the next cycle breaks (a 6 s delay outlasts the kiosk's 5 s timeout)
    with pytest.raises(TransientError):
        kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 1, "parked": 0}  # kept to retry, not given up
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED
    kiosk.sync()
    # The kiosk: its voucher still holds, nothing waits, nothing parked.
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}, parked_operations(kiosk.services.db)
    local = kiosk.services.bookings.booking(booking.booking_id)
    assert (local.state, local.holds_site_seats) == (BookingState.CONFIRMED, True)
    session = next(s for s in kiosk.services.catalog.offer("T1").sessions if s.id == "T1-S1")
    assert session.site_taken == 1
    # The centre: the booking once, confirmed, and its operation on record once with that answer.
    held = centre_bookings(centre)
    assert list(held) == [booking.booking_id] and held[booking.booking_id]["state"] == "confirmed"
    (on_record,) = centre.query("SELECT op_id, result FROM operations")
    assert on_record["op_id"] == operation["op_id"]
    assert json.loads(on_record["result"])["booking"]["state"] == "confirmed"
    assert centre.seat_problems() == []


def test_beyond_its_allocation_the_kiosk_asks_and_the_centre_decides(make_kiosk, centre):
    centre.set_allocation("T1-S1", "DEMO-LYON-PARTDIEU", 1)  # before the kiosk holds any of it in its lease
    kiosk = make_kiosk()
    kiosk.sync()
    household = claire(kiosk)
    first = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"])
    second = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P2"])
    assert (first.state, second.state) == (BookingState.CONFIRMED, BookingState.REQUESTED)
    kiosk.sync()
    # The session has places outside the sites' allocations: the centre confirms the request.
    assert kiosk.services.bookings.booking(second.booking_id).state == BookingState.CONFIRMED


def test_an_operation_the_centre_refuses_is_parked_and_does_not_block_the_rest(make_kiosk, centre):
    kiosk = make_kiosk()
    kiosk.sync()
    household = claire(kiosk)
    with transaction(kiosk.services.db):  # an operation the centre can never apply: its session is unknown there
        enqueue(
            kiosk.services.db,
            "booking.create",
            {
                "booking_id": str(uuid.uuid4()),
                "session_id": "NO-SUCH-SESSION",
                "household_id": "H1",
                "participants": ["P1"],
                "tier": 3,
                "total_cents": 0,
                "kiosk_state": "requested",
            },
            NOW,
        )
    fine = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"])
    report = kiosk.sync()
    assert (report.applied, report.parked) == (1, 1)
    assert kiosk.services.bookings.booking(fine.booking_id).state == BookingState.CONFIRMED
    (parked,) = parked_operations(kiosk.services.db)
    assert parked["payload"]["session_id"] == "NO-SUCH-SESSION" and parked["reason"]["fr"]
    assert kiosk.sync().pushed == 0  # parked for a correspondent, not retried for ever


def test_the_same_person_booked_on_two_kiosks_is_refused_by_the_centre(make_kiosk, centre):
    first, second = make_kiosk("k1"), make_kiosk("k2")
    first.sync()
    second.sync()
    one = first.services.bookings.book(BENEFICIARY, holder(claire(first)), "T1", "T1-S1", ["P1"])
    two = second.services.bookings.book(BENEFICIARY, holder(claire(second)), "T1", "T1-S1", ["P1"])
    first.sync()
    second.sync()
    refused = second.services.bookings.booking(two.booking_id)
    assert first.services.bookings.booking(one.booking_id).state == BookingState.CONFIRMED
    assert refused.state == BookingState.REFUSED and "Claire" in refused.reason_fr
    session = next(s for s in second.services.catalog.offer("T1").sessions if s.id == "T1-S1")
    assert session.site_taken == 0  # the refused booking's seat went back to this kiosk's own lease
    assert centre.seat_problems() == []


def test_a_withdrawn_offer_disappears_from_the_kiosk(make_kiosk, centre):
    kiosk = make_kiosk()
    kiosk.sync()
    centre.withdraw_offer("P1")
    kiosk.sync()
    assert kiosk.services.catalog.offer("P1") is None
    assert kiosk.services.catalog.offer("T1") is not None
    assert kiosk.services.catalog.search(OfferQuery(text="piscine")).offers == ()


def test_a_cancellation_gives_the_place_back_at_the_centre(make_kiosk, centre):
    kiosk = make_kiosk()
    kiosk.sync()
    household = claire(kiosk)
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T1", "T1-S1", ["P1"])
    kiosk.sync()
    kiosk.services.bookings.cancel(BENEFICIARY, holder(household), booking.booking_id)
    kiosk.sync()
    assert centre_bookings(centre)[booking.booking_id]["state"] == "cancelled"
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CANCELLED


def test_pulled_figures_never_give_away_seats_taken_offline(make_kiosk, centre, proxy):
    kiosk = make_kiosk()
    kiosk.sync()
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1", "P2"])
    proxy.inject("drop_request")  # the push fails, the pull of the same cycle never happens…
    with pytest.raises(TransientError):
        kiosk.sync()
    kiosk.engine.pull(CycleReport())  # …and a pull alone comes in before the push gets through
    session = next(s for s in kiosk.services.catalog.offer("T1").sessions if s.id == "T1-S1")
    assert session.site_taken == 2  # the centre does not know them yet; the kiosk keeps them
    assert counts(kiosk.services.db) == {"pending": 1, "parked": 0}
    assert centre_bookings(centre) == {} and centre.query("SELECT 1 FROM operations") == []
    kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert kiosk.services.bookings.booking(booking.booking_id).state == BookingState.CONFIRMED
    assert [b["state"] for b in centre_bookings(centre).values()] == ["confirmed"]
    assert len(centre.query("SELECT 1 FROM operations")) == 1
    session = next(s for s in kiosk.services.catalog.offer("T1").sessions if s.id == "T1-S1")
    assert session.site_taken == 2  # counted once, now by the centre


@pytest.mark.parametrize("fault", ["drop_response", "error500", ("replace", b"not json")])
def test_a_pull_broken_after_two_pages_keeps_them_asks_no_further_and_finishes_next_time(make_kiosk, proxy, fault):
    """Pages come two changes at a time; the next is fetched while one is written."""
    reference = make_kiosk("reference")
    kiosk = make_kiosk()
    reference.engine.pull_page = 2
    complete = reference.sync()
    assert complete.pages > 3
    kiosk.engine.pull_page = 2
    proxy.requests_seen = 0
    proxy.inject(None, None, None, fault)  # nothing to push: the leases' renewal, then every request is a page
    with pytest.raises((TransientError, PageRejected)):
        kiosk.sync()
    assert proxy.requests_seen == 4  # nothing was asked for past the broken page
    kept = int(read_state(kiosk.services.db, "sync_cursor"))
    assert 0 < kept < complete.cursor  # the two good pages are written, with their cursor
    kiosk.sync()
    assert int(read_state(kiosk.services.db, "sync_cursor")) == complete.cursor
    assert kiosk.services.catalog.offer_count() == reference.services.catalog.offer_count()
    assert claire(kiosk).tier == 3
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}


def test_an_answer_too_large_is_refused_and_changes_nothing(make_kiosk, monkeypatch):
    kiosk = make_kiosk()
    monkeypatch.setattr("sync.client.MAX_RESPONSE_BYTES", 2_000)  # the first page of the sample is larger
    with pytest.raises(TransientError) as refused:
        kiosk.sync()
    assert refused.value.fr == "Réponse trop grande du serveur central."
    assert refused.value.en == "Answer from the central server too large."
    assert read_state(kiosk.services.db, "sync_cursor") is None
    assert kiosk.services.catalog.offer_count() == 0
    monkeypatch.undo()
    assert kiosk.sync().pulled > 0


@pytest.mark.parametrize(
    "page, why",
    [
        (b"not json", "unreadable"),
        (json.dumps({"changes": "x", "cursor": 1, "more": False}).encode(), "envelope"),
        (
            json.dumps(
                {
                    "changes": [{"seq": 1, "kind": "offer", "id": "T1", "data": {"id": "T1"}}],
                    "cursor": 1,
                    "more": False,
                    "price_tiers": 7,
                }
            ).encode(),
            "offer",
        ),
        (json.dumps({"changes": [], "cursor": -5, "more": False}).encode(), "backwards"),
    ],
)
def test_a_bad_page_from_the_centre_changes_nothing(make_kiosk, proxy, page, why):
    kiosk = make_kiosk()
    kiosk.sync()
    cursor = read_state(kiosk.services.db, "sync_cursor")
    before = kiosk.services.catalog.offer_count()
    proxy.inject(None, ("replace", page))  # nothing to push: the leases' renewal, then the pull
    with pytest.raises((PageRejected, TransientError)):
        kiosk.sync()
    assert read_state(kiosk.services.db, "sync_cursor") == cursor
    assert kiosk.services.catalog.offer_count() == before
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert kiosk.sync().pulled == 0  # and the next cycle carries on


def test_a_place_on_a_full_dates_waiting_list_is_confirmed_by_the_centre_when_one_frees_up(make_kiosk, centre):
    kiosk = make_kiosk()
    kiosk.sync()
    household = claire(kiosk)
    # 20 of 20 taken
    waiting = kiosk.services.bookings.book(BENEFICIARY, holder(household), "T2", "T2-S1", ["P1"], waitlist=True)
    assert (waiting.state, waiting.holds_site_seats) == (BookingState.WAITLISTED, False)
    kiosk.sync()
    # The centre keeps it waiting, and says so; the kiosk shows what the centre decided.
    assert centre_bookings(centre)[waiting.booking_id]["state"] == "waitlisted"
    assert kiosk.services.bookings.booking(waiting.booking_id).state == BookingState.WAITLISTED
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    centre.set_capacity("T2-S1", 21)  # a place frees up
    kiosk.sync()
    assert centre_bookings(centre, "audit-2")[waiting.booking_id]["state"] == "confirmed"
    assert kiosk.services.bookings.booking(waiting.booking_id).state == BookingState.CONFIRMED
    assert centre.seat_problems() == []


def test_the_kiosk_publishes_its_voucher_key_and_its_vouchers_verify_with_the_centres_keys(
    make_kiosk, centre, tmp_path, capsys
):
    import requests

    from kiosk.cli import main
    from kiosk.domain.voucher import encode_payload
    from kiosk.signing_key import load_or_create_signing_key, public_key_pem
    from sync.engine import SyncEngine

    kiosk = make_kiosk()
    key = load_or_create_signing_key(kiosk.services.data_dir)
    engine = SyncEngine(kiosk.services.db, kiosk.client, voucher_key=public_key_pem(key))
    engine.run_cycle()
    (published,) = requests.get(f"{centre.url}/v1/voucher-keys", timeout=10).json()["keys"]
    assert published["public_key"] == public_key_pem(key) and not published["revoked"]
    assert read_state(kiosk.services.db, "voucher_key_published") == public_key_pem(key)  # not sent again
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1"])
    payload = encode_payload(kiosk.services.vouchers.voucher(booking), key)
    # Someone who holds no kiosk file checks the voucher with the keys the centre publishes.
    assert main(["voucher", "verify", payload, "--centre", centre.url, "--data-dir", str(tmp_path / "elsewhere")]) == 0
    assert "VALIDE" in capsys.readouterr().out
    other = encode_payload(kiosk.services.vouchers.voucher(booking), load_or_create_signing_key(tmp_path / "thief"))
    assert main(["voucher", "verify", other, "--centre", centre.url, "--data-dir", str(tmp_path / "elsewhere")]) == 1
    assert "INVALIDE" in capsys.readouterr().out


def test_a_show_s_staff_away_from_the_kiosk_sees_from_the_centre_that_a_cancelled_booking_s_voucher_no_longer_holds(
    make_kiosk, centre, tmp_path, capsys
):
    import requests

    from kiosk.cli import main
    from kiosk.domain.voucher import encode_payload
    from kiosk.signing_key import load_or_create_signing_key, public_key_pem
    from sync.engine import SyncEngine

    kiosk = make_kiosk()
    key = load_or_create_signing_key(kiosk.services.data_dir)
    engine = SyncEngine(kiosk.services.db, kiosk.client, voucher_key=public_key_pem(key))
    engine.run_cycle()
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1"])
    payload = encode_payload(kiosk.services.vouchers.voucher(booking), key)
    elsewhere = ["--centre", centre.url, "--data-dir", str(tmp_path / "elsewhere")]
    # Not sent yet: the centre does not know it, the signature alone speaks.
    assert (
        requests.get(f"{centre.url}/v1/vouchers/{booking.booking_id}", timeout=10).json()["error"]["code"]
        == "voucher_unknown"
    )
    assert main(["voucher", "verify", payload, *elsewhere]) == 0
    engine.run_cycle()
    assert main(["voucher", "verify", payload, *elsewhere]) == 0
    assert "D'après le centre / As the centre knows: réservation confirmée" in capsys.readouterr().out
    kiosk.services.bookings.cancel(BENEFICIARY, holder(claire(kiosk)), booking.booking_id)
    engine.run_cycle()
    assert main(["voucher", "verify", payload, *elsewhere]) == 1
    out = capsys.readouterr().out
    assert "NE VAUT PLUS" in out and "annulé" in out and "cancelled" in out
    # The centre says a state, nothing of the people; and only for a well-formed reference.
    answer = requests.get(f"{centre.url}/v1/vouchers/{booking.booking_id}", timeout=10).json()
    assert answer == {"reference": booking.booking_id, "state": "cancelled"}
    assert requests.get(f"{centre.url}/v1/vouchers/%27%20OR%201=1", timeout=10).status_code == 404


def test_a_voucher_signed_by_a_kiosk_the_centre_revoked_no_longer_holds(make_kiosk, centre, tmp_path, capsys):
    from kiosk.cli import main
    from kiosk.domain.voucher import encode_payload
    from kiosk.signing_key import load_or_create_signing_key, public_key_pem
    from sync.engine import SyncEngine

    kiosk = make_kiosk()
    key = load_or_create_signing_key(kiosk.services.data_dir)
    engine = SyncEngine(kiosk.services.db, kiosk.client, voucher_key=public_key_pem(key))
    engine.run_cycle()
    booking = kiosk.services.bookings.book(BENEFICIARY, holder(claire(kiosk)), "T1", "T1-S1", ["P1"])
    payload = encode_payload(kiosk.services.vouchers.voucher(booking), key)
    elsewhere = ["--centre", centre.url, "--data-dir", str(tmp_path / "elsewhere")]
    assert main(["voucher", "verify", payload, *elsewhere]) == 0  # not sent yet: the signature speaks, and says so
    assert "ne connaît pas encore cette réservation" in capsys.readouterr().out
    kiosk_id = centre.query("SELECT id FROM kiosks")[0]["id"]
    assert centre.cli("revoke", kiosk_id)[0] == 0  # the kiosk was stolen
    assert main(["voucher", "verify", payload, *elsewhere]) == 1
    out = capsys.readouterr().out
    assert "NE VAUT PLUS" in out and "retirée par le centre" in out


def test_a_session_moving_between_offers_across_write_turns_is_written_whole(services, monkeypatch):
    """A large page is written in short turns; when a later offer of the page must give up a session an
    earlier one takes (a session moved from T1 to T2), the turn is refused and the rest is written together."""
    monkeypatch.setattr(engine_module, "WRITE_TURN_SECONDS", 0)  # every turn writes one run
    before = services.catalog.offer("T1")
    moved = offer(
        "T2", "Soirée théâtre d'improvisation", sessions=[session("T2-S1", days=40), session("T1-S1", days=5)]
    )
    fillers = [offer(f"F{n}", f"Atelier {n}", sessions=[session(f"F{n}-S1")]) for n in range(engine_module.WRITE_RUN)]
    emptied = offer("T1", before.title, sessions=[session("T1-S2", days=8)])
    reading = PageReading(7, {c.id for c in services.catalog.categories()})
    changes = [
        (
            "offer",
            document["id"],
            parse_offer(
                DocumentReader(document, "offer", PageRejected, "error.document.refused.page"), 7, reading.category_ids
            ),
        )
        for document in (moved, *fillers, emptied)
    ]
    SyncEngine(services.db, None)._apply_page(Page(changes, 99, False, 7, "epoch-test", ""))
    assert sorted(s.id for s in services.catalog.offer("T2").sessions) == ["T1-S1", "T2-S1"]
    assert [s.id for s in services.catalog.offer("T1").sessions] == ["T1-S2"]
    assert services.catalog.offer(f"F{engine_module.WRITE_RUN - 1}") is not None
    assert read_state(services.db, "sync_cursor") == "99"
