"""Concierge requests, correspondents and the audit log between kiosks and the real reference server on loopback."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import replace

import pytest
import requests

from kiosk.config import KioskConfig
from kiosk.doctor import run_checks
from kiosk.domain.audit import GENESIS_HASH, entry_from_dict, entry_hash, sign_entry
from kiosk.domain.concierge import RequestState
from kiosk.domain.household import Household, Person, Role
from kiosk.services.actor import BENEFICIARY, Actor
from kiosk.services.audit import AuditService
from kiosk.services.identity import Identified
from kiosk.services.staff import StaffSessionExpired, StaffSignInError
from kiosk.signing_key import kiosk_key_id, load_or_create_signing_key, load_signing_key, public_key_pem
from kiosk.store.database import transaction
from kiosk.store.outbox import counts, parked_operations, pending_operations
from kiosk.store.state import read_state
from sync.client import TransientError
from tests.factories import CLAIRE_CARD, LINA_BADGE, LINA_PIN, MARC_BADGE, MARC_PIN, staff_document

pytestmark = pytest.mark.both_databases  # the centre's requests, moves, audit chains, on SQLite and PostgreSQL


@pytest.fixture
def staffed_centre(centre):
    centre.load_staff(staff_document())
    return centre


def claire(kiosk) -> Identified:
    return kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234")


def pressing(kiosk) -> dict:
    day = kiosk.services.concierge.form("pressing").form.field("day").options[0].code
    return {"garments": ["chemise"], "quantity": 2, "day": day}


def centre_request(centre, request_id: str) -> dict:
    (row,) = centre.query("SELECT state, reason, site_id FROM concierge_requests WHERE id = ?", request_id)
    return row


def test_a_request_goes_round_the_centre_from_submission_to_hand_over_at_another_kiosk(staffed_centre, make_kiosk):
    centre = staffed_centre
    desk, lobby = make_kiosk("desk"), make_kiosk("lobby")
    desk.sync()
    lobby.sync()
    request = desk.services.concierge.submit(BENEFICIARY, claire(desk), "pressing", pressing(desk))
    lina = desk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)  # the correspondents came with the sync
    for target in (RequestState.TAKEN, RequestState.AT_PROVIDER, RequestState.READY):
        desk.services.concierge.move(Actor(lina), request.request_id, target)
    written = [e.seq for e in desk.services.audit.entries()]
    report = desk.sync()
    assert report.parked == 0 and counts(desk.services.db) == {"pending": 0, "parked": 0}
    assert centre_request(centre, request.request_id)["state"] == "ready"
    # The centre holds the audit chain, so the kiosk no longer does.
    assert desk.services.audit.entries() == [] and desk.services.audit.waiting() == 0
    held = centre.query("SELECT seq, entry FROM audit_entries ORDER BY seq")
    assert [row["seq"] for row in held] == written
    assert [json.loads(row["entry"])["action"] for row in held] == ["staff.sign_in"] + ["concierge.move"] * 3
    assert json.loads(held[-1]["entry"])["subject"] == "P1"

    # At the other kiosk of the site: the kiosk tells Claire, and Marc hands it over with the typed code.
    lobby.sync()
    notices = lobby.services.concierge.ready_for(claire(lobby).household)
    assert [n.request.request_id for n in notices] == [request.request_id]
    assert notices[0].message.message("fr") == "Votre pressing est prêt."
    marc = lobby.services.staff.sign_in_with_badge(MARC_BADGE, MARC_PIN)
    found = lobby.services.concierge.find_by_pickup(Actor(marc), request.short_code)
    lobby.services.concierge.hand_over(Actor(marc), found.request_id)
    lobby.sync()
    assert centre_request(centre, request.request_id)["state"] == "handed_over"
    desk.sync()
    assert desk.services.concierge.request(request.request_id).state is RequestState.HANDED_OVER
    # Each move from the state the one before left (a table's rows have no order of their own in PostgreSQL).
    moves = centre.query("SELECT from_state, to_state, staff_id FROM concierge_moves")
    assert sorted((m["from_state"], m["to_state"], m["staff_id"]) for m in moves) == sorted(
        [
            ("submitted", "taken", "S1"),
            ("taken", "at_provider", "S1"),
            ("at_provider", "ready", "S1"),
            ("ready", "handed_over", "S2"),
        ]
    )


def test_a_refusal_by_the_centre_reaches_the_kiosk_and_beats_a_move_made_offline(staffed_centre, make_kiosk):
    centre = staffed_centre
    kiosk = make_kiosk()
    kiosk.sync()
    first = kiosk.services.concierge.submit(BENEFICIARY, claire(kiosk), "pressing", pressing(kiosk))
    second = kiosk.services.concierge.submit(BENEFICIARY, claire(kiosk), "pressing", pressing(kiosk))
    kiosk.sync()
    centre.refuse_concierge(first.request_id, "Le pressing partenaire est fermé.", "The partner cleaner is closed.")
    kiosk.sync()
    refused = kiosk.services.concierge.request(first.request_id)
    assert refused.state is RequestState.REFUSED and refused.reason.fr == "Le pressing partenaire est fermé."

    centre.refuse_concierge(second.request_id)
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    kiosk.services.concierge.move(Actor(lina), second.request_id, RequestState.TAKEN)  # before hearing of the refusal
    report = kiosk.sync()
    assert report.parked == 1
    (parked,) = parked_operations(kiosk.services.db)
    assert parked["kind"] == "concierge.transition" and parked["reason"]["code"] == "transition_refused"
    assert kiosk.services.concierge.request(second.request_id).state is RequestState.REFUSED  # the centre's word
    assert centre_request(centre, second.request_id)["state"] == "refused"


def test_a_request_the_centre_cannot_take_is_shown_refused_with_its_reason(staffed_centre, make_kiosk):
    kiosk = make_kiosk()
    kiosk.sync()
    ghost = Person("P-GHOST", "Ana", "Nobody", claire(kiosk).person.birth_date, Role.OUVRANT_DROIT, None, None)
    stranger = Identified(Household("H-GHOST", 3, "", "", (ghost,)), ghost)
    request = kiosk.services.concierge.submit(BENEFICIARY, stranger, "pressing", pressing(kiosk))
    fine = kiosk.services.concierge.submit(BENEFICIARY, claire(kiosk), "pressing", pressing(kiosk))
    report = kiosk.sync()
    assert (report.applied, report.parked) == (1, 1)
    shown = kiosk.services.concierge.request(request.request_id)
    assert shown.state is RequestState.REFUSED and "foyer n'est pas connu" in shown.reason.fr
    assert kiosk.services.concierge.request(fine.request_id).state is RequestState.SUBMITTED


def test_an_audit_entry_altered_before_it_left_is_kept_back_and_the_next_refused_by_the_centre(
    staffed_centre, make_kiosk
):
    kiosk = make_kiosk()
    kiosk.sync()
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    kiosk.sync()  # the sign-in reached the centre
    who = kiosk.services.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    kiosk.services.sync_state.request_sync(Actor(lina))
    db = kiosk.services.db
    (op_id, payload) = db.execute(
        "SELECT op_id, payload FROM outbox WHERE kind = 'audit.append' ORDER BY seq LIMIT 1"
    ).fetchone()
    altered = json.loads(payload)
    altered["entries"][0]["subject"] = "P4"  # someone else acted for
    with transaction(db):
        db.execute("UPDATE outbox SET payload = ? WHERE op_id = ?", [json.dumps(altered), op_id])
    report = kiosk.sync()
    assert report.parked == 2  # the altered entry (never sent), and the one after it that no longer follows on
    assert [op["reason"]["code"] for op in parked_operations(db)] == ["audit_altered_here", "audit_chain_broken"]
    assert "entrée n° 2" in report.problem[0] and "entry no. 2" in report.problem[1]
    recorded = json.loads(read_state(db, "sync_last_error"))
    assert recorded["code"] == "audit_altered_here" and "entry no. 2" in recorded["en"]
    assert [e.seq for e in kiosk.services.audit.entries()] == [2, 3]  # kept here for IT
    assert who.person.person_id == "P1"
    assert [r["seq"] for r in staffed_centre.query("SELECT seq FROM audit_entries")] == [1]
    assert [r["code"] for r in staffed_centre.query("SELECT code FROM audit_flags")] == ["audit_chain_broken"]


def test_an_audit_log_rewritten_with_fresh_hashes_is_refused_by_the_kiosk_the_doctor_and_the_centre(
    staffed_centre, make_kiosk, tmp_path
):
    """What the plain hash chain let through: the outbox copy and the table edited, every hash recomputed."""
    kiosk = make_kiosk()
    kiosk.sync()
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    kiosk.services.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    db = kiosk.services.db
    db.execute("DROP TRIGGER audit_log_no_update")  # with the disk in hand, triggers are no obstacle
    previous = GENESIS_HASH
    forged = []
    for entry in kiosk.services.audit.entries():
        body = {**entry.body(), "subject": "P4"} if entry.action == "beneficiary.identify" else entry.body()
        digest = entry_hash(previous, body)
        db.execute(
            "UPDATE audit_log SET subject = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            [body["subject"], previous, digest, entry.seq],
        )
        forged.append({**body, "prev_hash": previous, "hash": digest, "signature": entry.signature})
        previous = digest
    for op, copy in zip(pending_operations(db), forged):
        db.execute("UPDATE outbox SET payload = ? WHERE op_id = ?", [json.dumps({"entries": [copy]}), op["op_id"]])
    assert kiosk.services.audit.verify().reason == "signature"
    assert AuditService(db, KioskConfig(), tmp_path / "k1").check_at_start().seq == 2  # at start, too
    doctor = {c.id: c for c in run_checks(None, tmp_path / "k1", client_factory=lambda *a, **k: None).checks}
    assert doctor["audit_log"].status == "problem" and "n° 2" in doctor["audit_log"].fr
    report = kiosk.sync()
    assert report.parked == 1 and "not signed by this kiosk's key" in report.problem[1]
    # A kiosk program changed to skip its own check still gets nowhere: the centre checks the signature.
    answer = kiosk.client.push(
        [
            {
                "op_id": str(uuid.uuid4()),
                "kind": "audit.append",
                "created_at": "2026-11-23T10:42:00",
                "payload": {"entries": [forged[1]]},
            }
        ]
    )["results"]
    assert answer[0]["outcome"] == "rejected" and answer[0]["reason"]["code"] == "audit_signature_invalid"
    assert [r["seq"] for r in staffed_centre.query("SELECT seq FROM audit_entries")] == [1]


def test_a_copy_of_the_data_folder_and_its_token_cannot_sign_the_audit_entries_waiting_there(
    staffed_centre, make_kiosk, tmp_path
):
    """A hand-installed kiosk's data folder copied, token included, while audit entries wait to be sent: its
    signing key is not in it, and the centre takes no other key for that kiosk."""
    kiosk = make_kiosk()
    kiosk.sync()  # its key published
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    kiosk.services.identity.identify(Actor(lina), CLAIRE_CARD, person_present=True, person_agrees=True)
    stolen = tmp_path / "stolen"
    shutil.copytree(tmp_path / "k1", stolen)

    assert load_signing_key(stolen) is None  # the key is outside the data folder
    own = load_signing_key(tmp_path / "k1")
    thief = load_or_create_signing_key(stolen)
    assert own is not None and public_key_pem(thief) != public_key_pem(own)
    published = requests.put(
        f"{staffed_centre.url}/v1/voucher-key",
        json={"public_key": public_key_pem(thief)},
        headers={"Authorization": f"Bearer {kiosk.token}"},
        timeout=10,
    )
    assert published.status_code == 409 and published.json()["error"]["code"] == "voucher_key_pinned"
    waiting = [e for op in pending_operations(kiosk.services.db) for e in op["payload"].get("entries", [])]
    entry = entry_from_dict(waiting[0])
    altered = replace(entry, subject="P4", kiosk=kiosk_key_id(thief))  # someone else identified, signed again
    forged = sign_entry(replace(altered, hash=entry_hash(entry.prev_hash, altered.body())), thief).as_dict()
    answer = kiosk.client.push(
        [
            {
                "op_id": str(uuid.uuid4()),
                "kind": "audit.append",
                "created_at": "2026-11-23T10:42:00",
                "payload": {"entries": [forged]},
            }
        ]
    )["results"]
    assert answer[0]["outcome"] == "rejected" and answer[0]["reason"]["code"] == "audit_key_unknown"
    assert staffed_centre.query("SELECT seq FROM audit_entries") == []
    kiosk.sync()  # the kiosk's own entries, as they were, go through
    held = [json.loads(r["entry"]) for r in staffed_centre.query("SELECT entry FROM audit_entries ORDER BY seq")]
    assert [e["subject"] for e in held] == [e["subject"] for e in waiting] and held[0]["subject"] != "P4"


def test_pushes_broken_on_the_way_apply_concierge_and_audit_operations_once(staffed_centre, make_kiosk, proxy):
    kiosk = make_kiosk()
    kiosk.sync()
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    request = kiosk.services.concierge.submit(BENEFICIARY, claire(kiosk), "pressing", pressing(kiosk))
    kiosk.services.concierge.move(Actor(lina), request.request_id, RequestState.TAKEN)
    sent = {op["op_id"] for op in pending_operations(kiosk.services.db)}
    proxy.inject("drop_response")  # the centre applies the batch, the kiosk never hears it
    with pytest.raises(TransientError):
        kiosk.sync()
    assert kiosk.services.sync_state.state(Actor(lina)).last_error.fr  # the correspondent can see why
    kiosk.sync()
    # The kiosk: nothing waits or is parked, and the request stands where the correspondent put it.
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}, parked_operations(kiosk.services.db)
    assert kiosk.services.concierge.request(request.request_id).state == RequestState.TAKEN
    # The centre: each operation on record once, applied.
    on_record = staffed_centre.query("SELECT op_id, result FROM operations")
    assert sorted(row["op_id"] for row in on_record) == sorted(sent)
    assert all(json.loads(row["result"])["outcome"] == "applied" for row in on_record)
    assert centre_request(staffed_centre, request.request_id)["state"] == "taken"
    assert len(staffed_centre.query("SELECT 1 FROM concierge_moves")) == 1
    assert len(staffed_centre.query("SELECT 1 FROM audit_entries")) == 2
    assert kiosk.services.audit.entries() == []


def test_correspondents_come_and_go_with_the_centre(staffed_centre, make_kiosk):
    kiosk = make_kiosk()
    kiosk.sync()
    lina = kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    document = staff_document()
    document["staff"] = [s for s in document["staff"] if s["staff_id"] != "S1"]
    staffed_centre.load_staff(document)
    kiosk.sync()
    with pytest.raises(StaffSessionExpired):
        kiosk.services.concierge.queue(Actor(lina))
    with pytest.raises(StaffSignInError):
        kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    assert kiosk.services.staff.sign_in_with_badge(MARC_BADGE, MARC_PIN).staff_id == "S2"
    staffed_centre.load_staff(staff_document(), site="SLVIE-MARSEILLE")  # moved to another site, with Lina
    kiosk.sync()
    with pytest.raises(StaffSignInError):
        kiosk.services.staff.sign_in_with_badge(MARC_BADGE, MARC_PIN)  # Marc moved to Marseille


def _request_data(**changes) -> dict:
    data = {
        "request_id": "8085012f-08ea-4c74-8f83-39e1bc24b748",
        "site_id": "DEMO-LYON-PARTDIEU",
        "service_id": "pressing",
        "household_id": "H1",
        "person_id": "P1",
        "answers": {"quantity": 1},
        "quantity": 1,
        "estimate_cents": 450,
        "collect_on": None,
        "note": "",
        "created_by": None,
        "state": "ready",
        "reason": None,
        "created_at": "2026-11-23T10:42:00",
        "updated_at": "2026-11-23T10:42:00",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "kind, data",
    [
        ("concierge_request", _request_data(state="lost")),
        ("concierge_request", _request_data(answers={"x": {"nested": True}})),
        ("concierge_request", _request_data(request_id="other")),
        ("concierge_request", _request_data(reason={"fr": "x"})),
        ("concierge_request", _request_data(updated_at="yesterday")),
        (
            "correspondent",
            {
                "staff_id": "S9",
                "display_name": "X",
                "badge_number": "123",
                "pin_hash": None,
                "login": None,
                "password_hash": None,
                "active": True,
            },
        ),
    ],
)
def test_a_bad_concierge_or_staff_change_from_the_centre_changes_nothing(staffed_centre, make_kiosk, proxy, kind, data):
    from sync.engine import PageRejected

    kiosk = make_kiosk()
    kiosk.sync()
    identifier = data.get("request_id", data.get("staff_id"))
    page = {
        "changes": [{"seq": 10**6, "kind": kind, "id": identifier, "data": data}],
        "cursor": 10**6,
        "more": False,
        "price_tiers": 7,
    }
    proxy.inject(None, ("replace", json.dumps(page).encode()))  # the leases' renewal passes, the pull is replaced
    with pytest.raises(PageRejected):
        kiosk.sync()
    assert kiosk.services.concierge.request(identifier) is None
    assert kiosk.services.db.execute("SELECT count(*) FROM correspondents").fetchone()[0] == 2
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert staffed_centre.query("SELECT 1 FROM concierge_requests WHERE id = ?", identifier) == []


def test_audit_entries_wait_when_the_centre_lost_the_kiosks_key_and_go_once_it_is_published_again(
    staffed_centre, make_kiosk
):
    """A centre restored from a backup older than the kiosk's key: the entries are not parked for good."""
    kiosk = make_kiosk()
    kiosk.sync()
    kiosk.services.staff.sign_in_with_badge(LINA_BADGE, LINA_PIN)
    staffed_centre.write("DELETE FROM voucher_keys")
    kiosk.sync()
    assert counts(kiosk.services.db) == {"pending": 1, "parked": 0}  # held, not parked
    kiosk.sync()  # the key is published again first, then the entry goes
    assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}
    assert [r["seq"] for r in staffed_centre.query("SELECT seq FROM audit_entries")] == [1]
