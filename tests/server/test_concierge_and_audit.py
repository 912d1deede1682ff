"""The centre's side of concierge requests, correspondents and audit logs, over HTTP."""

from __future__ import annotations

import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain.audit import GENESIS_HASH, entry_hash, make_entry, sign_entry
from kiosk.signing_key import kiosk_key_id, public_key_pem
from sync.server.clock import local_now
from tests.factories import staff_document
from tests.server.data import catalog, martin_family

OTHER_SITE = "SLVIE-MARSEILLE"


def op(kind: str, payload: dict, op_id: str | None = None) -> dict:
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "kind": kind,
        "created_at": local_now().strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": payload,
    }


def create(request_id: str | None = None, **changes) -> dict:
    payload = {
        "request_id": request_id or str(uuid.uuid4()),
        "service_id": "pressing",
        "household_id": "H-1",
        "person_id": "P-1-1",
        "answers": {"garments": ["chemise"], "quantity": 2, "day": "2030-01-02"},
        "quantity": 2,
        "estimate_cents": 1700,
        "collect_on": "2030-01-02",
        "note": "Col amidonné",
        "created_by": None,
    }
    payload.update(changes)
    return op("concierge.create", payload)


def move(
    request_id: str, to: str, actor: str = "correspondent", reason: dict | None = None, from_state: str = "submitted"
) -> dict:
    return op(
        "concierge.transition",
        {
            "request_id": request_id,
            "from_state": from_state,
            "to_state": to,
            "actor": actor,
            "staff_id": "S1" if actor == "correspondent" else None,
            "reason": reason,
        },
    )


KEY = Ed25519PrivateKey.generate()  # the kiosk's own key, published by it (`published` below)


def chain(
    n: int,
    chain_id: str = "c" * 32,
    start: int = 1,
    previous: str = GENESIS_HASH,
    key: Ed25519PrivateKey = KEY,
    site: str = "DEMO-LYON-PARTDIEU",
) -> list[dict]:
    entries = []
    for seq in range(start, start + n):
        entry = make_entry(
            chain_id,
            seq,
            previous,
            entry_id=str(uuid.uuid4()),
            at="2026-11-23T10:42:00",
            site_id=site,
            kiosk=kiosk_key_id(key),
            staff_id="S1",
            action="concierge.move",
            subject="P-1-1",
            target=str(uuid.uuid4()),
            details={"from": "taken", "to": "ready"},
        )
        entries.append(sign_entry(entry, key).as_dict())
        previous = entry.hash
    return entries


def published(kiosk, key: Ed25519PrivateKey = KEY):
    """The kiosk publishes its key, as its sync engine does before pushing."""
    answer = kiosk.http.put(f"{kiosk.url}/v1/voucher-key", json={"public_key": public_key_pem(key)}, timeout=30)
    assert answer.status_code == 200, answer.text
    return kiosk


def rehashed(entry: dict) -> dict:
    """What someone editing the kiosk's outbox copy does: fix the hash, keep the old signature."""
    body = {k: v for k, v in entry.items() if k not in ("prev_hash", "hash", "signature")}
    return {**entry, "hash": entry_hash(entry["prev_hash"], body)}


def audit(*entries: dict) -> dict:
    return op("audit.append", {"entries": list(entries)})


@pytest.fixture
def centre(central_server):
    central_server.load_catalog(catalog([]))
    central_server.load_households([martin_family()])
    return central_server


def test_a_request_is_created_moved_along_and_pulled_by_its_site_only(centre, kiosk):
    request = create()
    request_id = request["payload"]["request_id"]
    assert kiosk.push_one(request)["concierge_request"] == {
        "request_id": request_id,
        "state": "submitted",
        "reason": None,
    }
    for to in ("taken", "at_provider", "ready"):
        assert kiosk.push_one(move(request_id, to))["concierge_request"]["state"] == to
    seen, _ = kiosk.pull_all()
    data = seen[("concierge_request", request_id)]
    assert data["state"] == "ready" and data["note"] == "Col amidonné" and data["site_id"] == "DEMO-LYON-PARTDIEU"
    assert data["answers"] == request["payload"]["answers"]
    elsewhere = centre.enroll(site=OTHER_SITE)
    assert not any(kind == "concierge_request" for kind, _ in elsewhere.pull_all()[0])
    answer = elsewhere.push_one(move(request_id, "handed_over"))
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "request_other_site"


def test_the_lifecycle_is_judged_from_the_centre_state(centre, kiosk):
    request = create()
    request_id = request["payload"]["request_id"]
    kiosk.push_one(request)
    illegal = kiosk.push_one(move(request_id, "handed_over"))
    assert illegal["outcome"] == "rejected" and illegal["reason"]["code"] == "transition_refused"
    assert "ne peut pas passer" in illegal["reason"]["fr"] and illegal["reason"]["en"]
    kiosk.push_one(move(request_id, "taken"))
    late = kiosk.push_one(
        move(
            request_id,
            "cancelled",
            actor="beneficiary",
            reason={"code": "beneficiary", "fr": "Annulée.", "en": "Cancelled."},
        )
    )
    assert late["outcome"] == "rejected"  # a beneficiary cancels only while it is submitted
    same = kiosk.push_one(move(request_id, "taken"))  # a second kiosk made the same move: nothing more to do
    assert same["outcome"] == "applied" and same["concierge_request"]["state"] == "taken"
    no_reason = kiosk.push_one(move(request_id, "refused"))
    assert no_reason["outcome"] == "rejected"
    refused = kiosk.push_one(move(request_id, "refused", reason={"code": "closed", "fr": "Fermé.", "en": "Closed."}))
    assert refused["concierge_request"]["reason"] == {"code": "closed", "fr": "Fermé.", "en": "Closed."}


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"service_id": "teleportation"}, "service_unknown"),
        ({"household_id": "H-404"}, "household_unknown"),
        ({"person_id": "P-9-9"}, "participant_not_in_household"),
        ({"note": "<script>alert(1)</script>"}, "invalid_payload"),
        ({"note": "x" * 201}, "invalid_payload"),
        ({"note": "bell\x07"}, "invalid_payload"),
        ({"answers": {"garments": ["x" * 41]}}, "invalid_payload"),
        ({"answers": {f"k{i}": 1 for i in range(21)}}, "invalid_payload"),
        ({"answers": {"q": 1.5}}, "invalid_payload"),
        ({"quantity": 0}, "invalid_payload"),
        ({"request_id": "not-a-uuid"}, "invalid_payload"),
        ({"surprise": True}, "invalid_payload"),
    ],
)
def test_a_malformed_or_impossible_request_is_rejected_alone(centre, kiosk, changes, code):
    good = create()
    bad = create(**changes)
    bad_answer, good_answer = kiosk.push([bad, good])
    assert bad_answer["outcome"] == "rejected" and bad_answer["reason"]["code"] == code
    assert good_answer["outcome"] == "applied"


def test_a_request_id_is_used_once(centre, kiosk):
    request_id = str(uuid.uuid4())
    kiosk.push_one(create(request_id))
    again = kiosk.push_one(create(request_id))
    assert again["outcome"] == "rejected" and again["reason"]["code"] == "request_exists"
    unknown = kiosk.push_one(move(str(uuid.uuid4()), "taken"))
    assert unknown["reason"]["code"] == "request_unknown"


def test_the_centre_refuses_a_request_from_its_command_line(centre, kiosk):
    request = create()
    request_id = request["payload"]["request_id"]
    kiosk.push_one(request)
    code, _out, err = centre.cli(
        "refuse-concierge", request_id, "--reason-fr", "Prestataire fermé.", "--reason-en", "Provider closed."
    )
    assert code == 0, err
    seen, _ = kiosk.pull_all()
    assert seen[("concierge_request", request_id)]["reason"]["fr"] == "Prestataire fermé."
    done = create()
    kiosk.push([done, *(move(done["payload"]["request_id"], to) for to in ("taken", "ready", "handed_over"))])
    code, _out, err = centre.cli(
        "refuse-concierge", done["payload"]["request_id"], "--reason-fr", "x", "--reason-en", "x"
    )
    assert code == 2 and "ne peut plus changer" in err
    french, english = err.strip().splitlines()  # each line reads the centre's reason in its own language
    assert "ne peut plus changer" in french and "ne peut plus changer" not in english
    code, _out, err = centre.cli("refuse-concierge", str(uuid.uuid4()), "--reason-fr", "<b>", "--reason-en", "x")
    assert code == 2


def test_an_audit_chain_is_accepted_link_by_link_and_acknowledged(centre, kiosk):
    published(kiosk)
    entries = chain(4)
    first = kiosk.push_one(audit(entries[0]))
    assert first["audit"] == {"chain": "c" * 32, "through_seq": 1, "through_hash": entries[0]["hash"]}
    assert kiosk.push_one(audit(*entries[1:3]))["audit"]["through_seq"] == 3
    resent = kiosk.push_one(audit(entries[2]))  # held already (its answer was lost): acknowledged again
    assert resent["outcome"] == "applied" and resent["audit"]["through_seq"] == 3
    assert kiosk.push_one(audit(entries[3]))["audit"]["through_seq"] == 4
    held = centre.query("SELECT seq, entry FROM audit_entries WHERE kiosk_id = ? ORDER BY seq", kiosk.kiosk_id)
    assert [row["seq"] for row in held] == [1, 2, 3, 4] and json.loads(held[0]["entry"]) == entries[0]


def test_a_broken_audit_chain_is_rejected_with_the_first_bad_entry_and_flagged(centre, kiosk):
    published(kiosk)
    entries = chain(5)
    kiosk.push_one(audit(entries[0]))
    edited = {**entries[1], "subject": "P-1-2"}
    gap = entries[2]
    wrong_link = chain(1, start=2, previous="f" * 64)[0]
    rewritten = chain(1)[0]  # another seq 1 for the same chain: a fork
    cases = (
        (edited, 2, "audit_chain_broken"),
        (rehashed(edited), 2, "audit_signature_invalid"),
        (gap, 3, "audit_chain_broken"),
        (wrong_link, 2, "audit_chain_broken"),
        (rewritten, 1, "audit_fork"),
    )
    for bad, seq, code in cases:
        answer = kiosk.push_one(audit(bad))
        assert answer["outcome"] == "rejected" and answer["reason"]["code"] == code, (code, answer)
        assert f"n° {seq}" in answer["reason"]["fr"]
    reordered = kiosk.push_one(audit(entries[2], entries[1]))
    assert reordered["outcome"] == "rejected" and reordered["reason"]["code"] == "audit_chain_broken"
    half = kiosk.push_one(audit(entries[1], edited | {"seq": 3}))
    assert half["outcome"] == "rejected"
    assert [r["seq"] for r in centre.query("SELECT seq FROM audit_entries")] == [1]  # all of an op or none
    flags = [(r["seq"], r["code"]) for r in centre.query("SELECT seq, code FROM audit_flags ORDER BY arrival")]
    assert flags[:5] == [(seq, code) for _, seq, code in cases]
    code, out, _ = centre.cli("audit-flags")
    assert code == 0 and "audit_fork" in out and "audit_signature_invalid" in out and kiosk.kiosk_id in out
    assert kiosk.push_one(audit(*entries[1:]))["audit"]["through_seq"] == 5


def test_an_audit_entry_not_signed_by_the_kiosks_own_published_key_is_refused(centre, kiosk):
    thief = Ed25519PrivateKey.generate()
    unpublished = kiosk.push_one(audit(*chain(1, key=thief)))
    assert unpublished["outcome"] == "rejected" and unpublished["reason"]["code"] == "audit_key_unknown"
    other = published(centre.enroll(name="other"), thief)  # another kiosk's key does not sign for this one
    assert other.push_one(audit(*chain(1, key=thief)))["outcome"] == "applied"
    borrowed = kiosk.push_one(audit(*chain(1, key=thief)))
    assert borrowed["outcome"] == "rejected" and borrowed["reason"]["code"] == "audit_key_unknown"
    published(kiosk)
    resigned = chain(1, key=thief)[0] | {"kiosk": kiosk_key_id(KEY)}
    answer = kiosk.push_one(audit(rehashed(resigned)))
    assert answer["outcome"] == "rejected" and answer["reason"]["code"] == "audit_signature_invalid"
    elsewhere = kiosk.push_one(audit(*chain(1, site="SLVIE-MARSEILLE")))
    assert elsewhere["outcome"] == "rejected" and elsewhere["reason"]["code"] == "audit_other_site"
    assert centre.query("SELECT count(*) AS n FROM audit_entries WHERE kiosk_id = ?", kiosk.kiosk_id)[0]["n"] == 0


def test_each_kiosk_and_each_rebuilt_database_has_its_own_chain(centre, kiosk):
    published(kiosk)
    other = published(centre.enroll(name="second"))
    entries = chain(2)
    assert kiosk.push_one(audit(*entries))["outcome"] == "applied"
    assert other.push_one(audit(*entries))["outcome"] == "applied"  # the same links, another kiosk's chain
    rebuilt = chain(1, chain_id="d" * 32)
    assert kiosk.push_one(audit(*rebuilt))["audit"] == {
        "chain": "d" * 32,
        "through_seq": 1,
        "through_hash": rebuilt[0]["hash"],
    }
    flags = centre.query("SELECT kiosk_id, chain, code FROM audit_flags")
    assert [(r["kiosk_id"], r["chain"], r["code"]) for r in flags] == [
        (kiosk.kiosk_id, "d" * 32, "audit_chain_restarted")
    ]


def test_correspondents_are_loaded_per_site_and_pulled_with_their_hashes(centre, kiosk):
    summary = centre.load_staff(staff_document())
    assert summary == {"staff": 2, "staff_changed": 2, "staff_removed": 0}
    assert centre.load_staff(staff_document())["staff_changed"] == 0  # same file: nothing new for kiosks
    seen, cursor = kiosk.pull_all()
    lina = seen[("correspondent", "S1")]
    assert lina["badge_number"] == "9000000000019" and lina["password_hash"].startswith("$argon2id$")
    document = staff_document()
    document["staff"] = document["staff"][1:]
    assert centre.load_staff(document)["staff_removed"] == 1
    page = kiosk.pull(cursor)
    assert [(c["kind"], c["id"], c["data"]) for c in page["changes"]] == [("correspondent", "S1", None)]
    elsewhere = centre.enroll(site=OTHER_SITE)
    assert not any(kind == "correspondent" for kind, _ in elsewhere.pull_all()[0])


@pytest.mark.parametrize(
    "change",
    [
        {"pin_hash": None},
        {"badge_number": "12"},
        {"login": "Lina Morel"},
        {"password_hash": "plaintext-password"},
        {"badge_number": None, "pin_hash": None, "login": None, "password_hash": None},
    ],
)
def test_a_bad_staff_file_changes_nothing(centre, kiosk, tmp_path, change):
    document = staff_document()
    document["staff"][0].update(change)
    path = tmp_path / "staff.json"
    path.write_text(json.dumps(document))
    code, _out, err = centre.cli("load-staff", str(path))
    assert code == 2 and "Nothing changed" in err
    assert not any(kind == "correspondent" for kind, _ in kiosk.pull_all()[0])


def test_the_demo_brings_correspondents_and_a_queue_matching_the_demo_kiosk(central_server, kiosk, tmp_path):
    from kiosk.config import KioskConfig
    from kiosk.services.context import open_services

    code, _out, err = central_server.cli("load-demo")
    assert code == 0, err
    seen, _ = kiosk.pull_all()
    staff = {key[1] for key in seen if key[0] == "correspondent"}
    requests = {key[1]: data for key, data in seen.items() if key[0] == "concierge_request"}
    assert staff == {"S-0001", "S-0002", "S-0003"}
    assert len(requests) == 10 and {r["state"] for r in requests.values()} >= {"submitted", "ready", "refused"}
    demo_kiosk = open_services(tmp_path / "demo-kiosk", KioskConfig(), demo=True)
    try:
        local = {r[0] for r in demo_kiosk.db.execute("SELECT request_id FROM concierge_requests")}
    finally:
        demo_kiosk.close()
    assert local == set(requests)  # moving a demo request along at the demo kiosk is accepted by the demo centre


def test_the_openapi_document_describes_the_new_operations_and_kinds():
    from sync.server.app import openapi_document

    schemas = openapi_document()["components"]["schemas"]
    for name in (
        "ConciergeCreatePayload",
        "ConciergeTransitionPayload",
        "AuditAppendPayload",
        "AuditEntryData",
        "ConciergeRequestData",
        "CorrespondentData",
        "AuditAck",
    ):
        assert name in schemas
    assert "concierge_request" in schemas["Change"]["properties"]["kind"]["enum"]
    assert "correspondent" in schemas["Change"]["properties"]["kind"]["enum"]
