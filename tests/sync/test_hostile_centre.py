"""A hostile centre (tests/sync/hostile_centre.py) answers one bad thing at a time. For each: the
kiosk's data is unchanged (a hash of its tables), the kiosk still serves people, the sync state
says what is wrong in plain French and English, and sync then resumes against the real centre."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
import uuid

import pytest

from kiosk.config import KioskConfig
from kiosk.doctor import PROBLEM, run_checks
from kiosk.errors import KioskError
from kiosk.services.actor import BENEFICIARY
from kiosk.services.context import open_services
from kiosk.store.database import transaction
from kiosk.store.outbox import counts, enqueue
from kiosk.store.state import read_state
from sync.client import CentralClient, CentralError
from sync.engine import SyncEngine
from tests.factories import CLAIRE_CARD, NOW, households_document, sample_catalog, staff_document
from tests.server.central import CentralServer
from tests.sync.hostile_centre import HostileCentre

DEADLINE = 1.5
LIMIT = 256 * 1024
VOLATILE_STATE = ("sync_last_error", "sync_page_trouble")  # where the kiosk says what went wrong


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    server = CentralServer(tmp_path_factory.mktemp("centre") / "central.sqlite3", now=NOW)
    server.start()
    server.load_catalog(sample_catalog())
    server.load_households(households_document()["households"])
    server.load_staff(staff_document())
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hostile(centre):
    fake = HostileCentre(centre.url)
    yield fake
    fake.close()


@pytest.fixture
def thief(hostile):
    """Another host a redirect may point to: it must never be asked anything."""
    other = HostileCentre(hostile.upstream_url)
    yield other
    other.close()


class Kiosk:
    def __init__(self, path, centre, hostile):
        self.token = centre.enroll(name="hostile").token
        self.path = path
        self.services = open_services(path, KioskConfig(), clock=lambda: NOW)
        self.real = SyncEngine(self.services.db, CentralClient(centre.url, self.token), clock=lambda: NOW)
        self.exposed = SyncEngine(
            self.services.db,
            CentralClient(hostile.url, self.token, timeout=(1, 1), deadline=DEADLINE, max_response_bytes=LIMIT),
            clock=lambda: NOW,
        )

    def close(self):
        self.real.client.close()
        self.exposed.client.close()
        self.services.close()


@pytest.fixture
def kiosk(tmp_path, centre, hostile):
    hostile.answer = None
    made = Kiosk(tmp_path / "kiosk", centre, hostile)
    made.real.run_cycle()
    yield made
    hostile.answer = None
    made.close()


def store_hash(db) -> str:
    digest = hashlib.sha256()
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    for table in tables:
        if table == "outbox":  # attempts and last_error count failed sends; the operations themselves must stay
            sql = "SELECT op_id, kind, payload, created_at, state FROM outbox"
        elif table == "kiosk_state":
            sql = f"SELECT * FROM kiosk_state WHERE key NOT IN {VOLATILE_STATE}"
        else:
            sql = f'SELECT * FROM "{table}"'
        digest.update(f"{table}:{sorted(repr(tuple(r)) for r in db.execute(sql).fetchall())}".encode())
    return digest.hexdigest()


# -- building bad answers ------------------------------------------------------------------------


def passthrough(x):
    real = x.upstream()
    x.send(real.status_code, real.content)


def on(path, build):
    def answer(x):
        (build if x.path == path else passthrough)(x)

    return answer


def renumbered(x) -> dict:
    """The centre's whole feed, numbered as if it all came after the kiosk's cursor: a plausible page."""
    page = x.upstream("/v1/changes?cursor=0&limit=1000").json()
    base = int(x.query["cursor"])
    for index, change in enumerate(page["changes"]):
        change["seq"] = base + index + 1
    page["cursor"], page["more"] = base + len(page["changes"]), False
    return page


def page(tamper):
    def build(x):
        document = renumbered(x)
        tamper(document)
        x.send(200, json.dumps(document).encode())

    return on("/v1/changes", build)


def pulled(body: bytes, status: int = 200, **headers):
    return on("/v1/changes", lambda x: x.send(status, body, headers))


def of(document, kind, nth=0):
    return [c for c in document["changes"] if c["kind"] == kind and c["data"]][nth]


def set_in(document, path, value):
    *parents, last = path
    for key in parents:
        document = document[key]
    document[last] = value


def appended(kind, entity_id, data):
    """The page with one more change of `kind` (as the centre would render a consultation, an idea…)."""

    def tamper(d):
        d["changes"].append({"seq": d["cursor"] + 1, "kind": kind, "id": entity_id, "data": data})
        d["cursor"] += 1

    return page(tamper)


CONSULTATION = {
    "consultation_id": "C1",
    "question_fr": "Quelle navette ?",
    "question_en": "Which shuttle?",
    "kind": "choice",
    "choices": [{"code": "tram", "fr": "Tram", "en": "Tram"}, {"code": "bus", "fr": "Bus", "en": "Bus"}],
    "electorate": "ouvrants_droit",
    "scope_level": "cmcas",
    "scope_name": "CMCAS Lyon",
    "opens_at": "2026-11-20T08:00",
    "closes_at": "2026-11-30T18:00",
    "grace_hours": 24,
    "results": None,
}


def duplicate_offer(d):
    d["changes"].append({**of(d, "offer"), "seq": d["cursor"] + 1})
    d["cursor"] += 1


def shared_session(d):
    of(d, "offer", 1)["data"]["sessions"][0]["id"] = of(d, "offer", 0)["data"]["sessions"][0]["id"]


def stolen_session(d):
    """Only T1, with a session id the kiosk holds for another offer."""
    offer = next(c for c in d["changes"] if c["id"] == "T1")
    offer["data"]["sessions"][0]["id"] = "P1-S1"
    d["changes"] = [{**offer, "seq": d["cursor"]}]


def person_twice(d):
    households = [c for c in d["changes"] if c["kind"] == "household"]
    households[1]["data"]["members"].append({**households[0]["data"]["members"][2]})


def card_twice(d):
    households = [c for c in d["changes"] if c["kind"] == "household"]
    households[1]["data"]["members"][0]["card_number"] = households[0]["data"]["members"][0]["card_number"]


def badge_of_another(d):
    """Marc (S2) given Lina's (S1) badge, in the page with her."""
    lina, marc = (c["data"] for c in d["changes"] if c["kind"] == "correspondent")
    marc["badge_number"] = lina["badge_number"]


def login_of_another(d):
    """Only Marc (S2) in the page, with the login of Lina (S1), whom the kiosk holds."""
    marc = next(c for c in d["changes"] if c["kind"] == "correspondent" and c["id"] == "S2")
    lina = next(c for c in d["changes"] if c["id"] == "S1")["data"]
    marc["data"].update(login=lina["login"], password_hash=lina["password_hash"])
    d["changes"] = [{**marc, "seq": d["cursor"]}]


def stay_request_proposing_a_wish_it_lacks(d):
    d["cursor"] += 1
    wish = {"offer_id": "S1", "session_id": "S1-S1", "participants": ["P1"]}
    request = {
        "request_id": "R1",
        "household_id": "H1",
        "campaign": "ETE-2027",
        "wishes": [wish],
        "state": "proposed",
        "created_at": "2026-11-23T10:42",
        "proposed_rank": 3,
        "answer_by": "2026-12-03T10:42",
        "waitlist_position": None,
        "reason": None,
        "booking_id": None,
    }
    d["changes"].append({"seq": d["cursor"], "kind": "stay_request", "id": "R1", "data": request})


def drip(x, head_first: bool):
    body = json.dumps({"changes": [], "cursor": int(x.query["cursor"]), "more": False}).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    if head_first:
        x.raw(head)
        x.drip(body, 0.2, 6)
    else:
        x.drip(head + body, 0.2, 6)


def gzipped(x, cut: bool):
    data = gzip.compress(json.dumps(renumbered(x)).encode())
    x.send(200, data[: len(data) // 2] if cut else data, {"Content-Encoding": "gzip"})


PULL_CASES = {
    "not JSON": pulled(b"<html>maintenance</html>"),
    "empty body": pulled(b""),
    "a JSON array": pulled(b"[]"),
    "JSON nested 100000 deep": pulled(b'{"changes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "oversized": pulled(json.dumps({"pad": "x" * (LIMIT * 4)}).encode()),
    "gzip bomb": pulled(gzip.compress(b'{"pad": "' + b"0" * (LIMIT * 40) + b'"}'), **{"Content-Encoding": "gzip"}),
    "truncated gzip": on("/v1/changes", lambda x: gzipped(x, cut=True)),
    "body dripped a byte at a time": on("/v1/changes", lambda x: drip(x, head_first=True)),
    "headers dripped a byte at a time": on("/v1/changes", lambda x: drip(x, head_first=False)),
    "silence": on("/v1/changes", lambda x: time.sleep(4)),
    "cut short": on("/v1/changes", lambda x: x.send(200, b'{"changes": [', length=100_000)),
    "cursor as text": page(lambda d: set_in(d, ["cursor"], str(d["cursor"]))),
    "more as text": page(lambda d: set_in(d, ["more"], "yes")),
    "cursor 10**400": page(lambda d: set_in(d, ["cursor"], 10**400)),
    "cursor 2**63": page(lambda d: set_in(d, ["cursor"], 2**63)),
    "cursor going back": page(lambda d: d.update(changes=[], cursor=0)),
    "cursor jumping past a page announcing more": page(lambda d: d.update(more=True, cursor=d["cursor"] + 1000)),
    "a change beyond the cursor": page(lambda d: set_in(d, ["changes", 0, "seq"], d["cursor"] + 1)),
    "the same offer twice": page(duplicate_offer),
    "two sessions with one id": page(shared_session),
    "a session of another stored offer": page(stolen_session),
    "a person in two households": page(person_twice),
    "a card in two households": page(card_twice),
    "a correspondent given another's badge": page(badge_of_another),
    "a correspondent given the login of one the kiosk holds": page(login_of_another),
    "capacity as text": page(lambda d: set_in(of(d, "offer")["data"]["sessions"][0], ["capacity"], "ten")),
    "price tiers 10**9": page(lambda d: set_in(d, ["price_tiers"], 10**9)),
    "a stay request proposing a wish it does not have": page(stay_request_proposing_a_wish_it_lacks),
    "an unknown kind": page(lambda d: set_in(d["changes"][0], ["kind"], "spaceship")),
    "no epoch": page(lambda d: d.pop("epoch")),
    "an epoch that is a path": page(lambda d: set_in(d, ["epoch"], "../../etc/passwd")),
    "an id naming another entity": page(lambda d: set_in(of(d, "offer"), ["id"], of(d, "offer", 1)["id"])),
    "a consultation with one choice": appended(
        "consultation", "C1", {**CONSULTATION, "choices": CONSULTATION["choices"][:1]}
    ),
    "a consultation closing before it opens": appended(
        "consultation", "C1", {**CONSULTATION, "closes_at": "2026-11-19T08:00"}
    ),
    "results without a figure per choice": appended(
        "consultation",
        "C1",
        {**CONSULTATION, "results": {"participants": 3, "electorate": 9, "votes": {"tram": 3}, "points": {"tram": 3}}},
    ),
    "an idea of 10 000 characters": appended(
        "idea",
        "2b9c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
        {
            "idea_id": "2b9c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
            "site_id": "DEMO-LYON-PARTDIEU",
            "theme": "other",
            "text": "x" * 10_000,
            "household_id": None,
            "person_id": None,
            "created_by": None,
            "created_at": "2026-11-23T10:00:00",
            "answer": "",
            "answered_by": "",
            "answered_at": None,
        },
    ),
    "a ballot refusal that is not a ballot's": appended(
        "ballot_refusal",
        "not-a-ballot",
        {
            "ballot_id": "not-a-ballot",
            "consultation_id": "C-MOBILITE",
            "person_id": "P1",
            "reason": {"code": "already_voted", "fr": "déjà voté", "en": "already voted"},
        },
    ),
    "an appreciation of someone of no booking": appended(
        "appreciation",
        "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        {
            "appreciation_id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
            "booking_id": "../../etc/passwd",
            "offer_id": "T1",
            "session_id": "T1-S1",
            "household_id": "H1",
            "person_id": "P1",
            "created_at": "2026-11-23T10:00:00",
            "state": "published",
            "reason": None,
        },
    ),
    "an average of 9 out of 5": appended(
        "offer_appreciation",
        "T1",
        {
            "offer_id": "T1",
            "count": 1,
            "averages": {"overall": 90, "organisation": 40, "place": 40, "value": 40},
            "comments": [],
        },
    ),
    "a redirect to the same centre": on("/v1/changes", lambda x: x.send(307, b"", {"Location": x.target})),
    "a 500 nested deep": pulled(b"[" * 100_000, status=500),
    "a 422 with a huge message": pulled(
        json.dumps({"error": {"code": "x", "fr": "é" * 100_000, "en": ["?"]}}).encode(), status=422
    ),
}


def push_answer(results):
    def build(x):
        ops = json.loads(x.body)["operations"]
        x.send(200, json.dumps({"results": results(ops)}).encode())

    return on("/v1/operations", build)


def applied(op, **result):
    return {"op_id": op["op_id"], "outcome": "applied", **result}


def booking(op, **changes):
    return {"booking_id": op["payload"]["booking_id"], "state": "confirmed", "reason": None, **changes}


PUSH_CASES = {
    "an answer naming another booking": push_answer(
        lambda ops: [applied(ops[0], booking=booking(ops[0], booking_id=str(uuid.uuid4()), state="cancelled"))]
    ),
    "an answer to another operation": push_answer(
        lambda ops: [applied({"op_id": str(uuid.uuid4())}, booking=booking(ops[0]))]
    ),
    "two answers for one operation": push_answer(lambda ops: [applied(ops[0], booking=booking(ops[0]))] * 2),
    "results not a list": push_answer(lambda ops: {"0": applied(ops[0], booking=booking(ops[0]))}),
    "a concierge answer to a booking": push_answer(
        lambda ops: [
            applied(
                ops[0],
                concierge_request={"request_id": ops[0]["payload"]["booking_id"], "state": "submitted", "reason": None},
            )
        ]
    ),
    "a stay request's answer to a booking": push_answer(
        lambda ops: [
            applied(
                ops[0],
                stay_request={"request_id": ops[0]["payload"]["booking_id"], "state": "accepted", "reason": None},
            )
        ]
    ),
    "an unknown booking state": push_answer(lambda ops: [applied(ops[0], booking=booking(ops[0], state="teleported"))]),
    "a rejection whose reason is a list": push_answer(
        lambda ops: [{"op_id": ops[0]["op_id"], "outcome": "rejected", "reason": ["no"]}]
    ),
    "a ballot answer to a booking": push_answer(
        lambda ops: [
            applied(ops[0], ballot={"ballot_id": ops[0]["payload"]["booking_id"], "state": "counted", "reason": None})
        ]
    ),
    "an audit acknowledgement for a booking": push_answer(
        lambda ops: [
            applied(
                ops[0],
                booking=booking(ops[0]),
                audit={"chain": "0" * 32, "through_seq": 10**6, "through_hash": "0" * 64},
            )
        ]
    ),
}


def pending_booking(kiosk) -> None:
    """An operation the real centre will reject (unknown session): it never changes the centre's seats."""
    with transaction(kiosk.services.db):
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


def check_hostile_cycle(kiosk, hostile, answer):
    db = kiosk.services.db
    before = store_hash(db)
    hostile.answer = answer
    started = time.monotonic()
    with pytest.raises((CentralError, KioskError)):  # a clean error, never a RecursionError or an IntegrityError
        kiosk.exposed.run_cycle()
    assert time.monotonic() - started < DEADLINE + 2.5  # the total deadline holds, whatever the centre does
    hostile.answer = None
    assert store_hash(db) == before
    # still serving
    assert kiosk.services.identity.identify(BENEFICIARY, CLAIRE_CARD, "1234").household.household_id == "H1"
    problem = json.loads(read_state(db, "sync_last_error"))
    for text in (problem["fr"], problem["en"]):
        assert text and "Traceback" not in text and "Error" not in text and len(text) < 600
    assert problem["fr"] != problem["en"]  # said in French, and in English
    report = kiosk.real.run_cycle()  # and sync resumes against the real centre
    assert counts(db)["pending"] == 0 and report.cursor == int(read_state(db, "sync_cursor"))
    return problem


@pytest.mark.parametrize("case", PULL_CASES)
def test_a_bad_page_changes_nothing_and_is_reported(kiosk, hostile, case):
    check_hostile_cycle(kiosk, hostile, PULL_CASES[case])


@pytest.mark.parametrize("clash", [badge_of_another, login_of_another])
def test_a_badge_or_login_given_to_another_correspondent_is_refused_by_name_and_both_stay(kiosk, hostile, clash):
    problem = check_hostile_cycle(kiosk, hostile, page(clash))
    assert "S1" in problem["fr"] and "S2" in problem["en"] and "correspondants" in problem["fr"]
    staff = kiosk.services.db.execute("SELECT staff_id FROM correspondents ORDER BY staff_id").fetchall()
    assert [r[0] for r in staff] == ["S1", "S2"]


@pytest.mark.parametrize("case", PUSH_CASES)
def test_a_push_answer_that_does_not_match_changes_nothing(kiosk, hostile, case):
    pending_booking(kiosk)
    problem = check_hostile_cycle(kiosk, hostile, PUSH_CASES[case])
    assert "rien n'a été appliqué" in problem["fr"]


def test_a_redirect_elsewhere_is_not_followed_and_carries_no_token(kiosk, hostile, thief):
    problem = check_hostile_cycle(
        kiosk, hostile, on("/v1/changes", lambda x: x.send(302, b"", {"Location": f"{thief.url}{x.target}"}))
    )
    assert thief.seen == [] and "redirection" in problem["fr"]


def test_a_plausible_page_is_taken(kiosk, hostile):
    """The control: the renumbered feed the bad pages are made from is itself accepted."""
    hostile.answer = page(lambda d: None)
    report = kiosk.exposed.run_cycle()
    assert report.pulled > 10


def test_a_page_refused_again_and_again_is_reported_held_back_and_pushing_goes_on(kiosk, hostile):
    db = kiosk.services.db
    hostile.answer = PULL_CASES["the same offer twice"]
    for _ in range(3):
        with pytest.raises(KioskError):
            kiosk.exposed.run_cycle()
    trouble = json.loads(read_state(db, "sync_page_trouble"))
    assert trouble["failures"] == 3 and "3 fois" in trouble["fr"] and "3 times" in trouble["en"]
    found = {
        c.id: c
        for c in run_checks(
            None, kiosk.path, now=lambda: NOW, local_now=lambda: NOW, printer_status=lambda q: None
        ).checks
    }
    assert found["pulled_pages"].status == PROBLEM and found["pulled_pages"].en == trouble["en"]  # doctor says so
    pending_booking(kiosk)
    asked = len(hostile.seen)
    report = kiosk.exposed.run_cycle()  # held back: the page is not asked for, the outbox is still sent
    assert report.pushed == 1 and report.problem == (trouble["fr"], trouble["en"])
    assert [s.path for s in hostile.seen[asked:]] == ["/v1/operations", "/v1/leases"]
    hostile.answer = None
    kiosk.real.clock = lambda: NOW.replace(year=NOW.year + 1)  # once the backoff is over, the good page clears it
    assert kiosk.real.run_cycle().problem is None
    assert read_state(db, "sync_page_trouble") is None
