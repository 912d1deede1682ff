"""Holiday-stay wishes at the centre: received and checked again, allocated by the rule at the campaign's end
(once: a second run gives the same outcomes and changes nothing), answered by the person, synced to kiosks."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from sync.server.clock import local_now
from tests.server.data import catalog, household, member, moment, offer, session, years_ago
from tests.server.test_notices import consent

CAMPAIGN = "ETE-2027"


def stay(oid: str, sessions: list[dict], wishes_until: datetime, **extra) -> dict:
    return offer(
        oid,
        sessions,
        booking_mode="request",
        level="ccas",
        category="colos",
        campaign=CAMPAIGN,
        wishes_until=moment(wishes_until),
        **extra,
    )


def family(hid: str, tier: int, people: int = 3) -> dict:
    members = [
        member(f"{hid}-P{n}", f"Personne{n}", years_ago(40 - n), "ouvrant_droit" if n == 1 else "enfant")
        for n in range(1, people + 1)
    ]
    return household(hid, members, tier=tier)


def wish(session_id: str, people: list[str]) -> dict:
    return {"offer_id": session_id.rsplit("-", 1)[0], "session_id": session_id, "participants": people}


def request_op(household_id: str, wishes: list[dict], created_at: datetime, request_id: str | None = None) -> dict:
    return {
        "op_id": str(uuid.uuid4()),
        "kind": "stay.request",
        "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": {
            "request_id": request_id or str(uuid.uuid4()),
            "household_id": household_id,
            "campaign": CAMPAIGN,
            "wishes": wishes,
        },
    }


def answer_op(request_id: str, accept: bool, created_at: datetime | None = None) -> dict:
    return {
        "op_id": str(uuid.uuid4()),
        "kind": "stay.answer",
        "created_at": (created_at or local_now()).strftime("%Y-%m-%dT%H:%M:%S"),
        "payload": {"request_id": request_id, "accept": accept},
    }


def pulled_requests(kiosk) -> dict[str, dict]:
    seen, _ = kiosk.pull_all()
    return {entity: data for (kind, entity), data in seen.items() if kind == "stay_request"}


@pytest.fixture
def campaign(central_server):
    """Wishes closed yesterday: A-1 has 4 places, B-1 has 2, C-1 is withdrawn before the allocation."""
    now = local_now()
    central_server.load_catalog(
        catalog(
            [
                stay("A", [session("A-1", days=60, capacity=4)], now + timedelta(hours=1)),
                stay("B", [session("B-1", days=67, capacity=2)], now + timedelta(hours=1)),
                stay("C", [session("C-1", days=74, capacity=10)], now + timedelta(hours=1)),
            ]
        )
    )
    central_server.load_households(
        [family("H-1", tier=5), family("H-2", tier=1), family("H-3", tier=2), family("H-4", tier=3)]
    )
    return central_server


def test_three_households_with_conflicting_wishes_are_allocated_by_the_rule_once(campaign, kiosk):
    now = local_now()
    code, _, _ = campaign.cli("record-past-stay", "H-2", years_ago(1))
    assert code == 0
    ids = {h: str(uuid.uuid4()) for h in ("H-1", "H-2", "H-3", "H-4")}
    results = kiosk.push(
        [
            # H-1 asked first, but has the highest coefficient of those with no recent stay.
            request_op(
                "H-1",
                [wish("A-1", ["H-1-P1", "H-1-P2"]), wish("B-1", ["H-1-P1", "H-1-P2"])],
                now - timedelta(days=3),
                ids["H-1"],
            ),
            # H-2 has the lowest coefficient, but had a national stay last year: served last.
            request_op(
                "H-2",
                [wish("A-1", ["H-2-P1", "H-2-P2"]), wish("B-1", ["H-2-P1", "H-2-P2"])],
                now - timedelta(days=2),
                ids["H-2"],
            ),
            request_op("H-3", [wish("A-1", ["H-3-P1", "H-3-P2", "H-3-P3"])], now - timedelta(days=1), ids["H-3"]),
            request_op("H-4", [wish("C-1", ["H-4-P1"])], now - timedelta(days=1), ids["H-4"]),
        ]
    )
    assert [r["stay_request"]["state"] for r in results] == ["sent"] * 4
    # H-1's first person and H-2's asked for a word by e-mail (docs/sync-protocol.md, notice.consent).
    for person, household_id in (("H-1-P1", "H-1"), ("H-2-P1", "H-2")):
        kiosk.push_one(consent(person, f"{person.lower()}@orange.fr", household_id=household_id))
    campaign.withdraw_offer("C")

    code, _, err = campaign.cli("allocate-stays", CAMPAIGN)
    assert code == 2 and "jusqu'au" in err  # still open: nothing allocated
    after_close = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    code, first_run, _ = campaign.cli("--now", after_close, "allocate-stays", CAMPAIGN)
    assert code == 0 and "allocated on" in first_run

    rows = {r["household_id"]: r for r in campaign.query("SELECT * FROM stay_requests")}
    # Ranking: H-3 (no stay, tier 2), H-1 (no stay, tier 5), H-2 (a recent stay); H-4's only stay withdrawn.
    assert (rows["H-3"]["state"], rows["H-3"]["proposed_rank"]) == ("proposed", 1)
    assert (rows["H-1"]["state"], rows["H-1"]["proposed_rank"]) == ("proposed", 2)  # A-1 has 1 place left
    assert (rows["H-2"]["state"], rows["H-2"]["waitlist_position"]) == ("waitlisted", 1)
    assert rows["H-4"]["state"] == "refused"
    assert "rang 1" in rows["H-3"]["reason"] and "pas de séjour ces deux dernières années" in rows["H-3"]["reason"]
    assert "un séjour ces deux dernières années" in rows["H-2"]["reason"]
    assert "n'est encore proposé" in rows["H-4"]["reason"]
    told = "SELECT person_id, subject_id FROM notices WHERE kind = 'holiday_outcome' ORDER BY person_id"
    assert campaign.query(told) == [
        {"person_id": "H-1-P1", "subject_id": f"{ids['H-1']}:proposed"},
        {"person_id": "H-2-P1", "subject_id": f"{ids['H-2']}:waitlisted"},
    ]

    seq_before = campaign.query("SELECT max(seq) AS top FROM changes")[0]["top"]
    code, second_run, _ = campaign.cli("--now", after_close, "allocate-stays", CAMPAIGN)
    assert code == 0 and "already allocated, nothing changed" in second_run
    assert second_run.splitlines()[1:] == first_run.splitlines()[1:]
    assert campaign.query("SELECT max(seq) AS top FROM changes")[0]["top"] == seq_before
    assert {r["household_id"]: r for r in campaign.query("SELECT * FROM stay_requests")} == rows

    seen = pulled_requests(kiosk)
    assert seen[ids["H-3"]]["state"] == "proposed" and seen[ids["H-3"]]["answer_by"]
    assert seen[ids["H-2"]]["reason"]["en"].startswith("No place left")

    # H-3 declines: its three places on A-1 go to the waiting list, where H-2 fits.
    assert kiosk.push_one(answer_op(ids["H-3"], accept=False))["stay_request"]["state"] == "declined"
    assert pulled_requests(kiosk)[ids["H-2"]]["state"] == "proposed"
    assert {"person_id": "H-2-P1", "subject_id": f"{ids['H-2']}:proposed"} in campaign.query(told)  # told too
    # A kiosk of another site cannot answer for H-1.
    other_site = campaign.enroll(site="GRENOBLE").push_one(answer_op(ids["H-1"], accept=False))
    assert other_site["outcome"] == "rejected" and "autre point SLVie" in other_site["reason"]["fr"]
    # H-1 accepts: its place on B-1 is a confirmed booking, priced at the centre for its tier.
    assert kiosk.push_one(answer_op(ids["H-1"], accept=True))["stay_request"]["state"] == "accepted"
    seen, _ = kiosk.pull_all()
    booking_id = seen[("stay_request", ids["H-1"])]["booking_id"]
    booking = seen[("booking", booking_id)]
    assert booking["state"] == "confirmed" and booking["participants"] == ["H-1-P1", "H-1-P2"]
    assert booking["total_cents"] == 2 * 1700
    # Answering again is refused: there is nothing left to answer.
    again = kiosk.push_one(answer_op(ids["H-1"], accept=False))
    assert again["outcome"] == "rejected" and "pas de proposition" in again["reason"]["fr"]
    assert campaign.seat_problems() == []


def test_the_centre_checks_every_wish_again_and_says_why_not(campaign, kiosk):
    now = local_now()

    def refused(household_id: str, wishes: list[dict], created_at: datetime = now) -> str:
        result = kiosk.push_one(request_op(household_id, wishes, created_at))
        assert result["outcome"] == "rejected", result
        return result["reason"]["fr"]

    assert "ne sont pas celles du séjour" in refused(
        "H-1", [{"offer_id": "A", "session_id": "B-1", "participants": ["H-1-P1"]}]
    )
    assert "ne fait pas partie du foyer" in refused("H-1", [wish("A-1", ["H-2-P1"])])
    assert "3 vœux au plus" in refused("H-1", [wish(s, ["H-1-P1"]) for s in ("A-1", "B-1", "C-1", "A-1")])
    assert "deux fois" in refused("H-1", [wish("A-1", ["H-1-P1"]), wish("A-1", ["H-1-P2"])])
    assert campaign.query("SELECT count(*) AS n FROM stay_requests")[0]["n"] == 0
    # A household of another site cannot be asked for from this kiosk.
    other = campaign.enroll(site="GRENOBLE")
    result = other.push_one(request_op("H-1", [wish("A-1", ["H-1-P1"])], now))
    assert result["outcome"] == "rejected"


def test_wishes_made_after_the_close_are_refused(central_server, kiosk):
    now = local_now()
    central_server.load_catalog(catalog([stay("A", [session("A-1", days=60, capacity=4)], now - timedelta(days=1))]))
    central_server.load_households([family("H-1", tier=3)])
    result = kiosk.push_one(request_op("H-1", [wish("A-1", ["H-1-P1"])], now))
    assert result["outcome"] == "rejected" and "closes" in result["reason"]["fr"]
    # Made offline before the close, it is honoured when it arrives.
    assert kiosk.push_one(request_op("H-1", [wish("A-1", ["H-1-P1"])], now - timedelta(days=2)))["outcome"] == "applied"


def test_an_expired_proposal_cannot_be_accepted(central_server, kiosk):
    now = local_now()
    central_server.load_catalog(catalog([stay("A", [session("A-1", days=60, capacity=4)], now - timedelta(days=20))]))
    central_server.load_households([family("H-1", tier=3)])
    request_id = str(uuid.uuid4())
    kiosk.push_one(request_op("H-1", [wish("A-1", ["H-1-P1"])], now - timedelta(days=25), request_id))
    long_ago = (now - timedelta(days=15)).strftime("%Y-%m-%dT%H:%M:%S")
    assert central_server.cli("--now", long_ago, "allocate-stays", CAMPAIGN, "--answer-days", "5")[0] == 0
    result = kiosk.push_one(answer_op(request_id, accept=True))
    assert result["outcome"] == "rejected" and "passée" in result["reason"]["fr"]
    assert pulled_requests(kiosk)[request_id]["state"] == "expired"
    assert central_server.query("SELECT count(*) AS n FROM bookings")[0]["n"] == 0


def test_wishes_made_offline_before_the_close_that_arrive_after_the_allocation_are_served_on_what_is_left(
    campaign, kiosk
):
    now = local_now()
    first = kiosk.push_one(request_op("H-1", [wish("A-1", ["H-1-P1", "H-1-P2"])], now - timedelta(days=2)))
    assert first["stay_request"]["state"] == "sent"
    after_close = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    assert campaign.cli("--now", after_close, "allocate-stays", CAMPAIGN)[0] == 0  # 2 of 4 places left

    def late(household_id: str, wishes: list[dict]) -> dict:
        result = kiosk.push_one(request_op(household_id, wishes, now - timedelta(days=1)))
        return result["stay_request"]

    too_big = late("H-3", [wish("A-1", ["H-3-P1", "H-3-P2", "H-3-P3"])])
    assert too_big["state"] == "waitlisted" and "n° 1 sur la liste d'attente" in too_big["reason"]["fr"]
    # It would fit, but the waiting list comes first.
    behind = late("H-4", [wish("A-1", ["H-4-P1"])])
    assert behind["state"] == "waitlisted" and "n° 2 sur la liste d'attente" in behind["reason"]["fr"]
    other_stay = late("H-2", [wish("B-1", ["H-2-P1", "H-2-P2"])])
    assert other_stay["state"] == "proposed" and "après l'attribution" in other_stay["reason"]["fr"]
    seen = pulled_requests(kiosk)
    assert sorted(r["state"] for r in seen.values()) == ["proposed", "proposed", "waitlisted", "waitlisted"]
    assert campaign.seat_problems() == []
